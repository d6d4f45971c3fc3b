import { handle } from 'hono/aws-lambda';
import { createApp } from '../lib/app';

/** The HTTP API, built once per Lambda instance and reused across invocations. */
export const app = createApp();

/** API Gateway HTTP API (payload 2.0) entry point. */
export const handler = handle(app);
