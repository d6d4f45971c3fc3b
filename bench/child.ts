import { spawn } from 'node:child_process';

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
