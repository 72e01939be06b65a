/**
 * The workload server executable's behaviour (main.ts), taking the process it runs in as an argument so a test can
 * run it in its own process with a fake one: flags from `argv` after the script, one JSON line on stdout once
 * listening, SIGTERM/SIGINT close gracefully and exit 0, bad flags one line on stderr and exit 2, anything else that
 * stops it from listening exit 1.
 */
import { BenchError, ExitCode } from '../core/errors.js';
import { parseWorkloadArgs } from './options.js';
import { startWorkloadServer } from './server.js';

/** The parts of node's `process` the executable uses. */
export interface WorkloadProcess {
  /** As node gives it: [node, script, ...flags]. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pid: number;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  exit(code: number): void;
  once(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
}

export async function runWorkloadProcess(proc: WorkloadProcess): Promise<void> {
  let parsed;
  try {
    parsed = parseWorkloadArgs(proc.argv.slice(2), proc.env);
  } catch (error) {
    const exitCode = error instanceof BenchError ? error.exitCode : ExitCode.failure;
    proc.stderr.write(`workload: ${error instanceof Error ? error.message : String(error)}\n`);
    proc.exit(exitCode);
    return;
  }
  if (parsed.kind === 'help') {
    proc.stdout.write(`${parsed.text}\n`);
    return;
  }
  let server;
  try {
    server = await startWorkloadServer(parsed.options);
  } catch (error) {
    proc.stderr.write(`workload: cannot listen: ${error instanceof Error ? error.message : String(error)}\n`);
    proc.exit(ExitCode.failure);
    return;
  }
  const running = server;
  const stop = (): void => {
    void running.close().then(() => proc.exit(ExitCode.ok));
  };
  proc.once('SIGTERM', stop);
  proc.once('SIGINT', stop);
  proc.stdout.write(`${JSON.stringify({ event: 'listening', url: server.url, port: server.port, pid: proc.pid })}\n`);
}
