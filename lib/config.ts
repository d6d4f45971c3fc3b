import { z } from 'zod';

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/** The functions' log level; the CDK settings offer the same choices. */
export const LogLevel = z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info');

/** The environment this service reads, with defaults that make a local run work. */
export const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** Unset means real AWS; `npm start` and the tests point it at DynamoDB Local. */
    DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:8000' }).optional(),
    AWS_REGION: z.string().default('us-east-1'),
    /** Events, date buckets and their stream. */
    TABLE_NAME: z.string().min(3).max(249).default('timeline-search'),
    /** The search index (manifests and segments), kept apart so its writes stay off the events' stream. @default TABLE_NAME-index */
    INDEX_TABLE_NAME: z.string().min(3).max(255).optional(),
    /** Comma-separated bearer keys allowed to write. */
    API_KEYS: commaList,
    /** In AWS the write keys live in Secrets Manager; the secret holds the same comma-separated list. */
    API_KEYS_SECRET_ARN: z.string().optional(),
    /** Comma-separated browser origins allowed by CORS; `*` allows any origin (reads carry no credentials). */
    CORS_ORIGINS: commaList.transform((origins) => (origins.length ? origins : ['*'])),
    /** How long a warm instance reuses a timeline's index manifest before reading it again. */
    SEARCH_MANIFEST_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    /** Compressed index a warm instance keeps loaded, in MiB; the heap holds several times that, so raise it with the function's memory. */
    SEARCH_CACHE_MB: z.coerce.number().int().min(1).max(10_240).default(32),
    LOG_LEVEL: LogLevel,
  })
  .transform(({ INDEX_TABLE_NAME, ...config }) => ({ ...config, INDEX_TABLE_NAME: INDEX_TABLE_NAME ?? `${config.TABLE_NAME}-index` }));

/** Validated configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** Reads and validates the configuration once; a bad value stops the process with the variable named. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
