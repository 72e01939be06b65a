/**
 * Expected failures are typed errors; `src/cli/exit.ts` is the one place that turns them into exit codes
 * (changesets' ExitError pattern). Anything that is not a BenchError is an internal error (exit 1).
 */
export const ExitCode = {
  ok: 0,
  /** An unexpected internal error (a bug) or a run whose systems all failed. */
  failure: 1,
  /** Bad input: flags, scenario file, results file. Nothing was created. */
  invalidInput: 2,
  /** Preflight found a missing tool or too few resources. Nothing was created. */
  preflight: 3,
  /** A run started but at least one system failed; completed systems' results were written. */
  runFailed: 4,
  /**
   * `bench compare` found a regression: a change worse than the threshold, significant, and beyond the noise floor
   * from history when one is known (src/compare/judge-change.ts). Both runs were read and the comparison written.
   */
  regression: 5,
  /**
   * Interrupted by SIGINT, SIGTERM or SIGHUP, or a stdout/stderr whose reader went away (EPIPE): completed
   * repetitions were written and what the run created was torn down.
   */
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class BenchError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.failure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem in a user-supplied file or flag: `file: field: problem`. */
export interface InputProblem {
  /** The file (or `--flag`) the problem is in. */
  source: string;
  /** Dotted field path inside the file, e.g. `steps[1].rate`; empty for the whole file. */
  field: string;
  message: string;
}

export function formatProblem(p: InputProblem): string {
  return p.field ? `${p.source}: ${p.field}: ${p.message}` : `${p.source}: ${p.message}`;
}

/** Bad input. Message is one line per problem, each naming the file and the field. */
export class InputError extends BenchError {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map(formatProblem).join('\n'), ExitCode.invalidInput);
  }
  static single(source: string, field: string, message: string): InputError {
    return new InputError([{ source, field, message }]);
  }
}

export class PreflightError extends BenchError {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'), ExitCode.preflight);
  }
}

/** A failed external command, keeping its argv and captured output (kind's RunError). */
export class CommandError extends BenchError {
  constructor(
    readonly argv: readonly string[],
    readonly exitCodeOfCommand: number | null,
    readonly output: string,
    reason: string,
    /**
     * The command's whole standard output, when the runner kept it (`output` is only the tail of both streams): for
     * tools that print a machine-readable result and signal failure by exit code, like `linkerd check -o json`.
     */
    readonly stdout?: string,
  ) {
    super(`command failed (${reason}): ${argv.join(' ')}`, ExitCode.runFailed);
  }
}

/** The run was interrupted by a signal. */
export class InterruptedError extends BenchError {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`, ExitCode.interrupted);
  }
}
