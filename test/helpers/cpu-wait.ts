import { readdirSync, readFileSync } from 'node:fs';

/**
 * How long the given processes (all their threads) have spent runnable but waiting for a CPU, in ms: the sum of the
 * second field ("time spent waiting on a runqueue", nanoseconds) of /proc/<pid>/task/<tid>/schedstat
 * (https://docs.kernel.org/scheduler/sched-stats.html). Threads that have exited are not counted. null when /proc has
 * no schedstat for them (not Linux, or the process is gone).
 */
export function cpuWaitMs(pids: readonly number[]): number | null {
  let ns = 0;
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      return null;
    }
    for (const tid of tids) {
      try {
        const waited = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]);
        if (Number.isFinite(waited)) ns += waited;
      } catch {
        // The thread exited between the listing and the read: its time is gone either way.
      }
    }
  }
  return ns / 1e6;
}

/**
 * The most the load engine's process and the workload server together may have waited for a CPU during a run, as a
 * fraction of the run's wall time, for a test to judge its timing bounds. Measured on the 2-core dev machine at load
 * average 6: 1,472–2,007 ms of wait in runs of about 1.3 s (1.1–1.6 of the wall time), and the 2 ms service delay
 * read 5.9–23 ms at p50. Above it, the run says how busy the machine was, not how the engine measures.
 */
export const QUIET_CPU_WAIT_FRACTION = 0.2;

export interface CpuWait {
  waitedMs: number;
  elapsedMs: number;
}

/** What `measure` returned, beside the CPU wait of `pids` while it ran (null: not measurable here). */
export async function measuringCpuWait<T>(pids: readonly number[], measure: () => Promise<T>): Promise<{ value: T; wait: CpuWait | null }> {
  const before = cpuWaitMs(pids);
  const start = performance.now();
  const value = await measure();
  const elapsedMs = performance.now() - start;
  const after = cpuWaitMs(pids);
  return { value, wait: before === null || after === null ? null : { waitedMs: after - before, elapsedMs } };
}

/**
 * Why a run's timing bounds cannot be judged (the machine was too busy during it), or null when they can: a test
 * skips its timing bounds with this note and still asserts everything else. Where the wait cannot be read (no
 * schedstat: not Linux), the bounds are judged as before, with retries.
 */
export function tooBusyToJudge(wait: CpuWait | null): string | null {
  if (wait === null || wait.waitedMs <= QUIET_CPU_WAIT_FRACTION * wait.elapsedMs) return null;
  return `timing bounds not judged: the processes measured waited ${Math.round(wait.waitedMs)} ms for a CPU during a ${Math.round(wait.elapsedMs)} ms run (judged up to ${QUIET_CPU_WAIT_FRACTION * 100}%)`;
}
