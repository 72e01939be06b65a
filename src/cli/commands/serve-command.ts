import { BenchError, ExitCode, InputError, type ExitCodeValue } from '../../core/errors.js';
import { parseWorkloadArgs, WORKLOAD_USAGE } from '../../workload/options.js';
import { startWorkloadServer } from '../../workload/server.js';
import type { CliIo } from '../io.js';

export interface ServeCommandInput {
  /** The flags after `bench serve`, exactly the workload container's flags (src/workload/README.md). */
  argv: readonly string[];
  io: CliIo;
  /** Aborted on SIGINT/SIGTERM: the server closes gracefully and the command returns 0. */
  signal: AbortSignal;
}

/**
 * `bench serve`: the workload server every benchmark measures, as a command, so `bench load` has something to point
 * at without a cluster. Same flags as the container's entry (src/workload/main.ts); environment variables are not
 * read here (a shell's PORT or HOST must not configure it behind the user's back). Prints the JSON listening line
 * the container prints, on stdout, and a human line on stderr.
 */
export async function serveCommand(input: ServeCommandInput): Promise<ExitCodeValue> {
  let parsed;
  try {
    parsed = parseWorkloadArgs(input.argv, {});
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // node:util's parse errors come back against "argv"; here the flags are bench serve's.
    throw new InputError(error.problems.map((p) => (p.source === 'argv' ? { ...p, source: 'bench serve' } : p)));
  }
  if (parsed.kind === 'help') {
    input.io.out(`${WORKLOAD_USAGE.replace(/^usage: \S+ \S+/, 'usage: bench serve')}\n`);
    return ExitCode.ok;
  }
  if (input.signal.aborted) return ExitCode.interrupted;
  let server;
  try {
    server = await startWorkloadServer(parsed.options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown }).code;
    // A port in use or a host that is not ours is the user's to fix: bad input, named by its flag.
    if (code === 'EADDRINUSE') throw InputError.single('--port', '', `${parsed.options.port} is already in use on ${parsed.options.host}`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw InputError.single('--host', '', `cannot listen on ${parsed.options.host} (${String(code)})`);
    throw new BenchError(`cannot listen: ${reason}`, ExitCode.failure, { cause: error });
  }
  input.io.out(`${JSON.stringify({ event: 'listening', url: server.url, port: server.port, pid: process.pid })}\n`);
  input.io.err(`serving on ${server.url}/ (${parsed.options.responseBytes} byte responses); Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    const keepAlive = setInterval(() => {}, 1 << 30);
    const stop = (): void => {
      clearInterval(keepAlive);
      resolve();
    };
    if (input.signal.aborted) stop();
    else input.signal.addEventListener('abort', stop, { once: true });
  });
  await server.close();
  return ExitCode.ok;
}
