/** Hono environment of this API (no per-request variables yet). */
export type AppEnv = { Variables: Record<string, never> };
