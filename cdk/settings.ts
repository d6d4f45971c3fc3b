import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { z } from 'zod';
import { LogLevel } from '../lib/config';
import { STREAM_BATCH_SIZE } from '../lib/search/indexer';

/** A boolean from `cdk.json` (a JSON boolean) or from `-c key=true` (always a string). */
const Flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')], {
  error: 'expected true or false',
});

/** A whole number from `cdk.json` (a JSON number) or from `-c key=42` (a string). */
const Whole = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Browsers send `Origin: https://host[:port]`, so anything longer (a path, a trailing slash) would never match. */
const Origin = z
  .url({ protocol: /^https?$/ })
  .refine((url) => new URL(url).origin === url, {
    message: 'an origin is scheme://host[:port], without path or trailing slash',
  });

/** A comma-separated list from `-c`, or a JSON array from `cdk.json`. */
const OriginList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')).map((item) => item.trim()).filter(Boolean))
  .pipe(z.array(z.union([z.literal('*'), Origin])).min(1));

/**
 * Deployment settings read from CDK context (`cdk.json` or `-c key=value`); every key is optional.
 *
 * @example
 * npx cdk deploy -c stage=prod -c allowedOrigins=https://timelines.example.org -c apiMemoryMb=1536
 */
export const Settings = z.object({
  /** Names the stack `TimelineSearch-<stage>`, so several stages can live in one account. */
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'use lower-case letters, digits and dashes, starting with a letter (at most 20)')
    .default('dev'),
  /** Browser origins allowed by CORS; `*` allows any (reads carry no credentials). */
  allowedOrigins: OriginList.default(['*']),
  /** The API holds search shards in memory, and Lambda's CPU share grows with memory. */
  apiMemoryMb: Whole(128, 10240).default(1024),
  /** Compressed index a warm API function keeps loaded, in MB; by default an eighth of `apiMemoryMb`. */
  searchCacheMb: Whole(1, 10240).optional(),
  /** API Gateway HTTP APIs give up on an integration after 30 s, so a longer timeout would be wasted. */
  apiTimeoutSeconds: Whole(1, 29).default(10),
  /**
   * Memory of the stream indexer in MB. Run with the heap limits of 512 MB, its process peaked at 541-555 MiB resident
   * in the 100k benchmark (110 MiB at rest under the benchmark's loader), too close to the limit; Lambda also gives 1024 MB
   * twice the CPU share, so batches are indexed sooner.
   */
  indexerMemoryMb: Whole(128, 10240).default(1024),
  /** Time one batch may take; Lambda's ceiling is 900 s. */
  indexerTimeoutSeconds: Whole(1, 900).default(60),
  /** Stream records handed to one indexer invocation. */
  indexerBatchSize: Whole(1, 10000).default(STREAM_BATCH_SIZE),
  /** Retries of a failing batch (halved each time) before its records go to the dead-letter queue. */
  indexerRetryAttempts: Whole(0, 10000).default(5),
  /** Steady-state requests per second the stage accepts before answering 429. */
  throttleRateLimit: Whole(1, 10000).default(50),
  /** Requests the stage accepts in a burst above the rate. */
  throttleBurstLimit: Whole(1, 5000).default(100),
  /** The functions' `LOG_LEVEL`, with the app's own choices and default. */
  logLevel: LogLevel,
  /** Days CloudWatch keeps function logs; one of the periods CloudWatch Logs accepts (9999 keeps them forever). */
  logRetentionDays: z.coerce.number().pipe(z.enum(RetentionDays)).default(RetentionDays.ONE_MONTH),
  /** The table and logs survive `cdk destroy` unless this is set, so a slip cannot delete the data. */
  destroyOnRemoval: Flag.default(false),
  /** Serves `webDir` from S3 behind CloudFront. */
  web: Flag.default(false),
  /** The built frontend, relative to the repository root (or absolute). */
  webDir: z.string().min(1).default('web/dist'),
  /** Subscribes this address to the alarms; without it the alarms only show in the console. */
  alarmEmail: z.email().optional(),
});

/** Validated deployment settings. */
export type Settings = z.infer<typeof Settings>;

/** Reads the settings from a construct's context; a bad value fails synthesis with the key named. */
export function readSettings(node: Node): Settings {
  const raw = Object.fromEntries(Object.keys(Settings.shape).map((key) => [key, node.tryGetContext(key)]));
  const parsed = Settings.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `-c ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid CDK context: ${problems.join('; ')}`);
  }
  return parsed.data;
}
