import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { timingSafeEqual } from 'hono/utils/buffer';
import type { Config } from './config';

/** Checks bearer keys against the configured list (from the environment, or from Secrets Manager in AWS). */
export class ApiKeys {
  private keys?: Promise<string[]>;

  constructor(private readonly load: () => Promise<string[]>) {}

  /** Whether the token is one of the keys; compares in constant time so timing reveals nothing. */
  async verify(token: string): Promise<boolean> {
    this.keys ??= this.load();
    const keys = await this.keys;
    let match = false;
    // Compare with every key, even after a match, so the number of keys checked leaks nothing.
    for (const key of keys) if (await timingSafeEqual(key, token)) match = true;
    return match;
  }
}

/** Keys from `API_KEYS`, or fetched once from the secret named by `API_KEYS_SECRET_ARN`. */
export function apiKeysFromConfig(config: Pick<Config, 'API_KEYS' | 'API_KEYS_SECRET_ARN' | 'AWS_REGION'>): ApiKeys {
  const arn = config.API_KEYS_SECRET_ARN;
  if (!arn) return new ApiKeys(async () => config.API_KEYS);
  return new ApiKeys(async () => {
    const client = new SecretsManagerClient({ region: config.AWS_REGION });
    const secret = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return (secret.SecretString ?? '').split(',').map((key) => key.trim()).filter(Boolean);
  });
}
