#!/usr/bin/env node
/**
 * The workload server executable (locally as a child process, in the cluster as the container's command).
 * Prints exactly one JSON line on stdout once listening; SIGTERM/SIGINT close gracefully and exit 0.
 * Bad flags: one line on stderr, exit 2. Anything else that stops it from listening: exit 1.
 */
import { BenchError, ExitCode } from '../core/errors.js';
import { parseWorkloadArgs } from './options.js';
import { startWorkloadServer } from './server.js';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseWorkloadArgs(process.argv.slice(2), process.env);
  } catch (error) {
    const exitCode = error instanceof BenchError ? error.exitCode : ExitCode.failure;
    process.stderr.write(`workload: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(exitCode);
  }
  if (parsed.kind === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return;
  }
  const server = await startWorkloadServer(parsed.options).catch((error: unknown) => {
    process.stderr.write(`workload: cannot listen: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(ExitCode.failure);
  });
  const stop = (): void => {
    void server.close().then(() => process.exit(ExitCode.ok));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: server.url, port: server.port, pid: process.pid })}\n`);
}

void main();
