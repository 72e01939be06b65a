import { BenchError, CommandError, ExitCode, InputError, type ExitCodeValue } from '../core/errors.js';
import { shellQuote } from '../exec/shell-quote.js';
import type { CliIo } from './io.js';

/**
 * The one place errors become exit codes and messages (kind's top-level handler: `ERROR: …`, then the failed
 * command's output; a stack trace only with --verbose).
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
