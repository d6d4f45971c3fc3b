import { readFileSync } from 'node:fs';

// Linux counts a process's CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture Node runs on.
const TICK_MS = 10;

/** CPU time (user + system, every thread) a process has used so far, in ms; undefined where /proc is not there. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // The command name in parentheses may hold anything: the fields counted from its last closing parenthesis are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** CPU time of this process so far, in ms. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU time of a DynamoDB Local server and of this process over some work. */
export async function cpuDuring<T>(enginePid: number | undefined, work: () => Promise<T>): Promise<{ result: T; engineMs?: number; ownMs: number }> {
  const engine0 = processCpuMs(enginePid);
  const own0 = ownCpuMs();
  const result = await work();
  const engine1 = processCpuMs(enginePid);
  return { result, engineMs: engine0 !== undefined && engine1 !== undefined ? engine1 - engine0 : undefined, ownMs: ownCpuMs() - own0 };
}
