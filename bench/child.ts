import { fork, spawn, type ChildProcess, type Serializable } from 'node:child_process';

/**
 * Runs a benchmark script in a fresh Node process (through tsx) and returns the JSON it printed on the one line
 * that starts with `marker`.
 */
export async function runScript<T>(script: string, marker: string, env: Record<string, string>, flags: string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', script], {
    env: { ...process.env, ...env, LOG_LEVEL: 'error', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = stdout.split('\n').find((text) => text.startsWith(`${marker} `));
  if (code !== 0 || !line) throw new Error(`${script} exited with ${code}: ${stderr.trim().slice(-2000)}`);
  return JSON.parse(line.slice(marker.length + 1)) as T;
}

/** A benchmark process that lives on, driven over IPC: each request is answered by one message, in order. */
export class IpcProcess<Request, Reply> {
  private readonly waiting: ((reply: Reply) => void)[] = [];

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => this.waiting.shift()?.(reply));
  }

  /** Forks the script through tsx, with these V8 flags, and resolves once it sent its first message, with that message. */
  static async fork<Request, Reply>(
    script: string,
    env: Record<string, string | undefined>,
    flags: string[] = [],
  ): Promise<{ process: IpcProcess<Request, Reply>; first: Reply }> {
    const child = fork(script, [], {
      execArgv: [...flags, '--import', 'tsx'],
      env: { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ipc = new IpcProcess<Request, Reply>(child);
    return { process: ipc, first: await ipc.next() };
  }

  /** Sends a request and resolves with the reply. */
  ask(request: Request): Promise<Reply> {
    const reply = this.next();
    this.child.send(request as Serializable);
    return reply;
  }

  /** Sends the request that ends the process and waits until it has. */
  async stop(request: Request): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send(request as Serializable);
    await exited;
  }

  private next(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`benchmark process exited with code ${code}`));
      this.child.once('exit', onExit);
      this.waiting.push((reply) => {
        this.child.off('exit', onExit);
        resolve(reply);
      });
    });
  }
}
