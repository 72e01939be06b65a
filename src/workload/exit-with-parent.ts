/**
 * Preloaded into every local workload server the harness starts (`node --import <this file> main.js …`): the server
 * exits when the harness that started it is gone, even when the harness was SIGKILLed and could not stop it. The
 * harness passes its pid in MESH_BENCH_PARENT_PID; parent-watch.ts polls it every 250 ms on an unref'd timer, so it
 * never keeps the server alive, and an orphan is gone within a second. Not used in the container image, where the
 * pod is the parent's concern.
 */
import { PARENT_PID_ENV, watchParent } from './parent-watch.js';

watchParent(process.env[PARENT_PID_ENV], {
  ppid: () => process.ppid,
  exit: (code) => process.exit(code),
  stderr: process.stderr,
  every: (ms, check) => void setInterval(check, ms).unref(),
});
