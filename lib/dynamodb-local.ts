import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The npm package that ships the official DynamoDB Local jar; only its `emulator/` folder is kept. */
export const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the unpacked engine is cached between runs. */
export const DEFAULT_ENGINE_DIR = join(projectRoot, '.cache', 'dynamodb-local');

/** How to start one engine. */
export interface DynamoDbLocalOptions {
  /** @default a free port */
  readonly port?: number;
  /** Keep data in this folder (`-sharedDb -dbPath`); otherwise in memory. */
  readonly dbPath?: string;
  /** @default DEFAULT_ENGINE_DIR */
  readonly engineDir?: string;
}

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** Fails with one line saying what to install when Java is missing. */
export function assertJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'DynamoDB Local needs Java 17 or later: install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17), or set DYNAMODB_ENDPOINT to another DynamoDB.',
    );
  }
}

/** Downloads the engine from the npm registry once and unpacks only its `emulator/` folder. */
export function ensureEngine(engineDir = DEFAULT_ENGINE_DIR): string {
  if (existsSync(join(engineDir, 'DynamoDBLocal.jar'))) return engineDir;
  const work = mkdtempSync(join(tmpdir(), 'dynamodb-local-'));
  try {
    run('npm', ['pack', DYNAMODB_LOCAL_PACKAGE, '--silent', '--pack-destination', work], work);
    const unpacked = join(work, 'emulator');
    mkdirSync(unpacked);
    const tarball = `${DYNAMODB_LOCAL_PACKAGE.replace('@', '-')}.tgz`;
    run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=2', 'package/emulator'], work);
    mkdirSync(dirname(engineDir), { recursive: true });
    // Renaming a finished folder keeps a concurrent or interrupted download from leaving half a jar behind.
    if (!existsSync(join(engineDir, 'DynamoDBLocal.jar'))) renameSync(unpacked, engineDir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return engineDir;
}

/** Starts DynamoDB Local and resolves once it answers requests. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  assertJava();
  const engineDir = ensureEngine(options.engineDir);
  const port = options.port ?? (await freePort());
  const storage = options.dbPath ? ['-sharedDb', '-dbPath', options.dbPath] : ['-inMemory'];
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(engineDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(engineDir, 'DynamoDBLocal.jar'),
      '-disableTelemetry',
      '-port',
      String(port),
      ...storage,
    ],
    // DynamoDB Local drops a metadata file in its working directory; keep it out of the project.
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: options.dbPath ?? tmpdir() },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilListening(endpoint, child);
  return { endpoint, port, process: child, stop: () => stopProcess(child) };
}

/** Asks the OS for a port nobody listens on. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitUntilListening(endpoint: string, child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${stderr.trim()}`);
    try {
      // Any HTTP answer (DynamoDB Local says 400 to a bare GET) means the server is up.
      await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((wake) => setTimeout(wake, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`DynamoDB Local did not start within 30 s: ${stderr.trim()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
}
