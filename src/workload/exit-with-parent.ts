/**
 * Preloaded into every local workload server the harness starts (`node --import <this file> main.js …`): the server
 * exits when the harness that started it is gone, even when the harness was SIGKILLed and could not stop it.
 * Linux re-parents an orphan to init or the nearest subreaper, so `process.ppid` changes
 * (https://nodejs.org/api/process.html#processppid reads it at every access); the harness passes its pid in
 * MESH_BENCH_PARENT_PID. Polled every 250 ms on an unref'd timer: it never keeps the server alive, and an orphan is
 * gone within a second. Not used in the container image, where the pod is the parent's concern.
 */
export const PARENT_PID_ENV = 'MESH_BENCH_PARENT_PID';
const POLL_MS = 250;

const parent = Number(process.env[PARENT_PID_ENV]);
if (Number.isInteger(parent) && parent > 0) {
  const check = (): void => {
    if (process.ppid === parent) return;
    process.stderr.write(`workload server: parent process ${parent} is gone; exiting\n`);
    process.exit(1);
  };
  check();
  setInterval(check, POLL_MS).unref();
}
