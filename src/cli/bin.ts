import { main } from './main.js';
import { exitWhenFlushed } from './io.js';

/**
 * Process entry: interruptions become an AbortSignal, and the command's exit code becomes the process's.
 * An interruption is SIGINT, SIGTERM, SIGHUP (terminal closed, SSH dropped) or a stdout/stderr whose reader went away
 * (EPIPE: `bench run | head`, a closed terminal): the first one stops the run, tears down what it created, keeps every
 * completed repetition and exits 130 (ExitCode.interrupted); a second signal exits at once, without cleanup (local
 * workload servers still exit with us: see src/workload/exit-with-parent.ts).
 */
const controller = new AbortController();
let signals = 0;
/** Output nobody reads any more: further writes are dropped instead of raising errors. */
const broken = new Set<NodeJS.WriteStream>();
const write = (stream: NodeJS.WriteStream, text: string): void => {
  if (broken.has(stream) || stream.destroyed) return;
  try {
    stream.write(text);
  } catch {
    broken.add(stream);
  }
};
const io = { out: (t: string) => write(process.stdout, t), err: (t: string) => write(process.stderr, t) };
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (++signals > 1) {
      write(process.stderr, `\nsecond ${sig}: exiting without cleanup\n`);
      process.exit(130);
    }
    write(process.stderr, `\n${sig}: stopping; tearing down what this run created (send again to exit at once)\n`);
    controller.abort(sig);
  });
}
for (const stream of [process.stdout, process.stderr]) {
  // EPIPE (reader gone), EIO (terminal gone), ERR_STREAM_DESTROYED (a write after either): stop like SIGHUP.
  stream.on('error', (error: NodeJS.ErrnoException) => {
    broken.add(stream);
    if (controller.signal.aborted) return;
    const name = stream === process.stdout ? 'stdout' : 'stderr';
    // Said on stderr only: stdout may be machine-read (`--json`).
    write(process.stderr, `\n${name} closed (${error.code ?? error.message}): stopping; tearing down what this run created\n`);
    controller.abort(`${name} ${error.code ?? 'error'}`);
  });
}
const args = process.argv.slice(2);
const code = await main(args, { io, cwd: process.cwd(), env: process.env, signal: controller.signal });
// Not process.exit(code) at once: a result piped out of a pod would lose whatever the pipe had not taken yet.
await exitWhenFlushed(code);
