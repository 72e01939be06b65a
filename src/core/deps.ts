/**
 * The seams: every external effect of a run crosses one of these interfaces, injected as one bundle.
 * Real implementations: src/exec/execa-runner.ts, src/core/node-fs.ts, src/core/system-clock.ts, src/core/console-logger.ts.
 * Tests pass fakes (test/helpers/).
 */

export interface RunOptions {
  /** Text fed to the command's standard input. */
  input?: string;
  /** Extra environment variables (merged over the process environment). */
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the command after this long, milliseconds. */
  timeoutMs?: number;
  /** Cancel the command (SIGTERM) when this aborts. */
  signal?: AbortSignal;
}

export interface RunOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs external programs with argv arrays (never shell strings). Throws CommandError on non-zero exit. */
export interface ProcessRunner {
  run(argv: readonly string[], options?: RunOptions): Promise<RunOutput>;
  /** Like run, but piping `from`'s stdout into `to`'s stdin (e.g. `docker save | kind load image-archive`). */
  pipe(from: readonly string[], to: readonly string[], options?: RunOptions): Promise<RunOutput>;
}

export interface Clock {
  /** Wall-clock time, epoch milliseconds (for timestamps in results). */
  now(): number;
  /** Monotonic milliseconds with sub-millisecond resolution (for durations). */
  monotonic(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type PathProbe =
  | { kind: 'missing' }
  /** Another error than "does not exist", e.g. ENAMETOOLONG or EACCES on a parent. */
  | { kind: 'error'; message: string }
  | {
      kind: 'file' | 'directory' | 'other';
      /** A directory we may create entries in (write and search permission, not a read-only mount). */
      writable: boolean;
      /** The kernel pseudo-filesystem it is on (proc, sysfs, …), or null for an ordinary one. */
      pseudo: string | null;
    };

export interface FileSystem {
  /** A text file, decoded as UTF-8. */
  readFile(path: string): Promise<string>;
  /** Write via a temporary file and rename, so readers never see half a file. */
  writeFileAtomic(path: string, content: string): Promise<void>;
  /** A file's bytes as they are on disk (a gzip-compressed record: src/history/gzip-json-file.ts). */
  readBytes(path: string): Promise<Uint8Array>;
  /** Like writeFileAtomic, for bytes: via a temporary file and rename. */
  writeBytesAtomic(path: string, content: Uint8Array): Promise<void>;
  mkdir(path: string): Promise<void>;
  /**
   * Creates the parents as needed and the last component exclusively: false (and nothing changed) when it already
   * exists, so two runs racing for one name each end up with a directory of their own.
   */
  mkdirExclusive(path: string): Promise<boolean>;
  /** What is at `path` (following symlinks), for checking an output location before anything is started. */
  probe(path: string): Promise<PathProbe>;
  exists(path: string): Promise<boolean>;
  remove(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  /** A status line per pipeline step: ` ✓ Creating cluster` / ` ✗ Creating cluster`. */
  stepStart(title: string): void;
  stepEnd(title: string, ok: boolean): void;
}

export interface Deps {
  runner: ProcessRunner;
  clock: Clock;
  fs: FileSystem;
  logger: Logger;
  /** Working directory commands resolve relative paths against. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}
