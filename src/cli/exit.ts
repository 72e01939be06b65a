import { BenchError, CommandError, ExitCode, InputError, type ExitCodeValue } from '../core/errors.js';
import { shellQuote } from '../exec/shell-quote.js';
import type { CliIo } from './io.js';

/**
 * The one place errors become exit codes and messages (kind's top-level handler: `ERROR: …`, then the failed
 * command's output; a stack trace only with --verbose). The codes (src/core/errors.ts ExitCode, README "Commands and
 * exit codes"): 0 ok · 1 internal error or missed targets · 2 bad input, nothing created (including an `--out` that
 * cannot be written, checked before anything starts) · 3 preflight · 4 a system failed (a local workload process
 * that exits mid-run included) · 5 `bench compare` found a regression (src/compare/) · 130 interrupted: SIGINT,
 * SIGTERM, SIGHUP, or stdout/stderr closed by its reader (EPIPE); completed repetitions are kept and what the run
 * created is torn down (src/cli/bin.ts).
 */
export function reportError(error: unknown, io: CliIo, verbose: boolean): ExitCodeValue {
  if (error instanceof InputError) {
    for (const line of error.message.split('\n')) io.err(`ERROR: ${line}\n`);
    return ExitCode.invalidInput;
  }
  if (error instanceof CommandError) {
    io.err(`ERROR: ${error.message}\n`);
    io.err(`Command: ${shellQuote(error.argv)}\n`);
    if (error.output.trim()) io.err(`Output:\n${error.output.trimEnd()}\n`);
    if (verbose && error.stack) io.err(`${error.stack}\n`);
    return error.exitCode;
  }
  if (error instanceof BenchError) {
    for (const line of error.message.split('\n')) io.err(`ERROR: ${line}\n`);
    if (verbose && error.stack) io.err(`${error.stack}\n`);
    return error.exitCode;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  io.err(`ERROR: internal error: ${e.message}\n`);
  io.err(verbose && e.stack ? `${e.stack}\n` : 'Run again with --verbose for a stack trace.\n');
  return ExitCode.failure;
}
