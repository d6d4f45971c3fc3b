import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where `npm start` notes the endpoint of its DynamoDB Local, so other commands can reach it. */
const ENDPOINT_FILE = join(import.meta.dirname, '..', '.data', 'dynamodb-endpoint');

/** Records the running local engine's endpoint. */
export function saveLocalEndpoint(endpoint: string): void {
  mkdirSync(dirname(ENDPOINT_FILE), { recursive: true });
  writeFileSync(ENDPOINT_FILE, endpoint);
}

/** Forgets it when the engine stops. */
export function clearLocalEndpoint(): void {
  rmSync(ENDPOINT_FILE, { force: true });
}

/** `DYNAMODB_ENDPOINT`, else the engine `npm start` is running, else undefined (real AWS). */
export function localEndpoint(): string | undefined {
  if (process.env.DYNAMODB_ENDPOINT) return process.env.DYNAMODB_ENDPOINT;
  return existsSync(ENDPOINT_FILE) ? readFileSync(ENDPOINT_FILE, 'utf8').trim() : undefined;
}
