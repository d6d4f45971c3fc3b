import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from '../../lib/dynamodb-local';

/** A DynamoDB Local of a test's own, keeping its data on disk, that the test can crash, hang and start again. */
export interface PersistentDynamoDb {
  readonly endpoint: string;
  readonly port: number;
  readonly dbPath: string;
  /** SIGKILLs the Java process, as a crash would: nothing is flushed or closed; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data folder; resolves once it answers. */
  restart(): Promise<void>;
  /** SIGSTOPs it: connections are still accepted, nothing is answered, like a hung server. */
  pause(): void;
  /** SIGCONTs it after `pause()`. */
  resume(): void;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/**
 * Starts a separate DynamoDB Local (not the shared in-memory one of `npm test`) with `-dbPath` in a fresh
 * temporary folder, on a port it keeps across restarts so that clients and stream pollers reconnect by themselves.
 */
export async function startPersistentDynamoDb(): Promise<PersistentDynamoDb> {
  const dbPath = mkdtempSync(join(tmpdir(), 'dynamodb-faults-'));
  const port = await freePort();
  let engine: DynamoDbLocal | undefined = await startDynamoDbLocal({ dbPath, port });
  const signal = (name: NodeJS.Signals) => {
    if (!engine || engine.process.exitCode !== null) throw new Error(`DynamoDB Local on port ${port} is not running`);
    engine.process.kill(name);
  };
  return {
    endpoint: engine.endpoint,
    port,
    dbPath,
    async kill() {
      const child = engine?.process;
      engine = undefined;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((gone) => child.once('exit', gone));
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      if (engine) throw new Error(`DynamoDB Local on port ${port} is still running: kill() it first`);
      engine = await startDynamoDbLocal({ dbPath, port });
    },
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async destroy() {
      if (engine) {
        // A paused process ignores SIGTERM until it runs again.
        engine.process.kill('SIGCONT');
        await engine.stop();
      }
      engine = undefined;
      rmSync(dbPath, { recursive: true, force: true });
    },
  };
}
