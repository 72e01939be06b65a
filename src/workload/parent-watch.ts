/**
 * The check exit-with-parent.ts preloads into every local workload server, with the process it watches from passed
 * in so a test can run it in its own process. Linux re-parents an orphan to init or the nearest subreaper, so the
 * parent pid changes (https://nodejs.org/api/process.html#processppid reads it at every access): compare it with the
 * pid the harness passed in MESH_BENCH_PARENT_PID, now and every 250 ms.
 */
export const PARENT_PID_ENV = 'MESH_BENCH_PARENT_PID';
export const PARENT_POLL_MS = 250;

export interface ParentWatchHost {
  /** The current parent pid, read afresh at each call. */
  ppid(): number;
  exit(code: number): void;
  stderr: { write(text: string): unknown };
  /** Run `check` every `ms` without keeping the process alive. */
  every(ms: number, check: () => void): void;
}

/** Starts watching when `parentPid` (the variable's value) is a positive integer; says whether it did. */
export function watchParent(parentPid: string | undefined, host: ParentWatchHost): boolean {
  const parent = Number(parentPid);
  if (!Number.isInteger(parent) || parent <= 0) return false;
  const check = (): void => {
    if (host.ppid() === parent) return;
    host.stderr.write(`workload server: parent process ${parent} is gone; exiting\n`);
    host.exit(1);
  };
  check();
  host.every(PARENT_POLL_MS, check);
  return true;
}
