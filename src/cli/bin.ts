import { main } from './main.js';
import { processIo } from './io.js';

/**
 * Process entry: signals become an AbortSignal (first SIGINT/SIGTERM: stop, tear down, keep what completed; a second
 * one: exit at once), and the command's exit code becomes the process's.
 */
const controller = new AbortController();
let signals = 0;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (++signals > 1) {
      process.stderr.write(`\nsecond ${sig}: exiting without cleanup\n`);
      process.exit(130);
    }
    process.stderr.write(`\n${sig}: stopping; tearing down what this run created (send again to exit at once)\n`);
    controller.abort(sig);
  });
}
const args = process.argv.slice(2);
const code = await main(args, { io: processIo, cwd: process.cwd(), env: process.env, signal: controller.signal });
process.exit(code);
