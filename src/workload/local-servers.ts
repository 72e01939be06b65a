import { access } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import type { Result, ResultPromise } from 'execa';
import { CommandError } from '../core/errors.js';
import { PARENT_PID_ENV } from './parent-watch.js';

/**
 * A chain of workload server processes on loopback: client → hop-1 → hop-2 → … → hop-N. Real processes (not servers
 * in the harness's own event loop) so the load engine and the servers do not share a thread. Each hop is started
 * with exit-with-parent.ts preloaded, so it dies with the harness even when the harness is SIGKILLed; a hop that
 * exits on its own is a crash (`crashed()`, `exited`), which the local platform turns into a failed system.
 */
export interface LocalChainSpec {
  hops: number;
  responseBytes: number;
  serviceDelayUs: number;
  /** Flags appended to every hop's command line, e.g. ['--record-arrivals']. */
  extraFlags?: string[];
  /** Aborting stops the chain (or abandons its start, stopping the hops already started). */
  signal?: AbortSignal;
  /** How long one hop may take to print its listening line (default 10 000 ms). */
  startTimeoutMs?: number;
  /** After SIGTERM, how long before SIGKILL (default 7 000 ms: the server's own 5 s graceful bound, plus margin). */
  stopTimeoutMs?: number;
}

export interface LocalHop {
  url: string;
  pid: number;
  name: string;
}

export type LocalChainExit =
  | { kind: 'stopped' }
  /** A hop exited on its own; the others were stopped. */
  | { kind: 'crashed'; hop: string; pid: number; argv: string[]; exitCode: number | null; signal: string | null; stderr: string };

export type LocalChainCrash = Extract<LocalChainExit, { kind: 'crashed' }>;

export interface LocalChain {
  /** The first hop: where the load goes. */
  url: string;
  /** In request order: hops[0] is hop-1. */
  hops: LocalHop[];
  /** SIGTERM to every hop, then wait for all to exit (SIGKILL after stopTimeoutMs). Idempotent. */
  stop(): Promise<void>;
  /** Resolves once every hop has exited, saying whether it was stop() or a crash. */
  exited: Promise<LocalChainExit>;
  /** The first hop that exited on its own (not by stop()), as soon as its exit is known; null while all run. */
  crashed(): LocalChainCrash | null;
  /** Resolves with that first crash as soon as it is known (before the other hops have stopped); never otherwise. */
  crash: Promise<LocalChainCrash>;
}

const DEFAULT_START_TIMEOUT_MS = 10_000;
const DEFAULT_STOP_TIMEOUT_MS = 7_000;
const STDERR_TAIL_CHARS = 4000;
/** Variables the server reads: never let the harness's own environment configure the hops behind our back. */
const WORKLOAD_ENV = [
  'PORT', 'HOST', 'RESPONSE_BYTES', 'SERVICE_DELAY_US', 'NEXT_HOP', 'CLOSE_EVERY', 'CLOSE_EVERY_ABRUPT',
  'STALL_EVERY_MS', 'STALL_FOR_MS', 'STALL_PHASE_MS', 'RECORD_ARRIVALS', 'HOP_NAME', 'SHUTDOWN_TIMEOUT_MS',
];

/**
 * The compiled entry point. Under vitest this module runs from src/*.ts while the executable must be compiled
 * JavaScript, so from a .ts file point into dist/.
 */
export function workloadMainPath(moduleUrl: string = import.meta.url): string {
  return compiledWorkloadFile('main.js', moduleUrl);
}

function compiledWorkloadFile(name: string, moduleUrl: string = import.meta.url): string {
  const url = moduleUrl.endsWith('.ts') ? new URL(`../../dist/src/workload/${name}`, moduleUrl) : new URL(`./${name}`, moduleUrl);
  return fileURLToPath(url);
}

interface Child {
  name: string;
  argv: string[];
  process: ResultPromise<{ stdin: 'ignore'; buffer: false; reject: false }>;
  stderr: () => string;
  done: Promise<Result>;
  exited: boolean;
}

export async function startLocalChain(spec: LocalChainSpec): Promise<LocalChain> {
  if (!Number.isInteger(spec.hops) || spec.hops < 1) throw new RangeError(`hops must be a positive integer, got ${spec.hops}`);
  spec.signal?.throwIfAborted();
  const mainPath = workloadMainPath();
  const preloadPath = compiledWorkloadFile('exit-with-parent.js');
  for (const path of [mainPath, preloadPath]) {
    try {
      await access(path);
    } catch {
      throw new Error(`workload server not built: ${path} is missing (run \`npm run build\`)`);
    }
  }
  spec.signal?.throwIfAborted();
  const startTimeoutMs = spec.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const stopTimeoutMs = spec.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of WORKLOAD_ENV) delete env[name];
  env[PARENT_PID_ENV] = String(process.pid);

  const children: Child[] = [];
  let stopping = false;
  let crash: LocalChainCrash | null = null;
  let reportCrash: (c: LocalChainCrash) => void = () => {};
  const crashReported = new Promise<LocalChainCrash>((resolve) => (reportCrash = resolve));
  let stopped: Promise<void> | null = null;

  /** SIGTERM: graceful. After a crash, SIGKILL: the chain is broken, and the hops left must not hold requests. */
  const stop = (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      for (const child of children) if (!child.exited) child.process.kill(signal);
      await Promise.all(children.map((child) => child.done));
    })();
    return stopped;
  };

  const spawn = (index: number, nextHop: string | null): Child => {
    const name = `hop-${index + 1}`;
    const args = [
      '--import',
      pathToFileURL(preloadPath).href,
      mainPath,
      '--host', '127.0.0.1',
      '--port', '0',
      '--name', name,
      '--response-bytes', String(spec.responseBytes),
      '--service-delay-us', String(spec.serviceDelayUs),
      ...(nextHop === null ? [] : ['--next-hop', nextHop]),
      ...(spec.extraFlags ?? []),
    ];
    const subprocess = execa(process.execPath, args, {
      stdin: 'ignore',
      buffer: false,
      reject: false,
      env,
      extendEnv: false,
      forceKillAfterDelay: stopTimeoutMs,
    });
    let stderr = '';
    subprocess.stderr.setEncoding('utf8');
    subprocess.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    const child: Child = {
      name,
      argv: [process.execPath, ...args],
      process: subprocess,
      stderr: () => stderr,
      done: subprocess.then((result) => result),
      exited: false,
    };
    void child.done.then((result) => {
      // Stryker disable next-line BooleanLiteral: only stop() reads it, to skip kill() on an exited hop, and node's kill() on an exited child sends nothing and returns false
      child.exited = true;
      if (stopping) return;
      crash ??= {
        kind: 'crashed',
        hop: name,
        // Stryker disable next-line UnaryOperator: the pid is unknown only when the spawn failed, and then startLocalChain throws before any crash can be seen
        pid: subprocess.pid ?? -1,
        argv: child.argv,
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        stderr: stderr.trim(),
      };
      reportCrash(crash);
      // Requests in flight through the hops still alive would otherwise wait out their graceful shutdown (seconds),
      // and the step with them.
      void stop('SIGKILL');
    });
    return child;
  };

  const onAbort = (): void => void stop();
  spec.signal?.addEventListener('abort', onAbort, { once: true });
  const hops: LocalHop[] = [];
  try {
    let nextHop: string | null = null;
    // Last hop first: each hop needs the URL of the one after it.
    for (let index = spec.hops - 1; index >= 0; index--) {
      spec.signal?.throwIfAborted();
      const child = spawn(index, nextHop);
      children.push(child);
      const listening = await waitForListening(child, startTimeoutMs, spec.signal);
      hops.unshift({ url: listening.url, pid: listening.pid, name: child.name });
      nextHop = listening.url;
    }
  } catch (error) {
    spec.signal?.removeEventListener('abort', onAbort);
    await stop();
    throw error;
  }

  const exited = (async (): Promise<LocalChainExit> => {
    await Promise.all(children.map((child) => child.done));
    spec.signal?.removeEventListener('abort', onAbort);
    return crash ?? { kind: 'stopped' };
  })();
  return { url: hops[0]!.url, hops, stop: () => stop(), exited, crashed: () => crash, crash: crashReported };
}

interface Listening {
  url: string;
  port: number;
  pid: number;
}

/** Read the child's one listening line; fail with its stderr if it exits first or takes too long. */
function waitForListening(child: Child, timeoutMs: number, signal: AbortSignal | undefined): Promise<Listening> {
  const stdout = child.process.stdout;
  stdout.setEncoding('utf8');
  return new Promise<Listening>((resolve, reject) => {
    let buffered = '';
    let settled = false;
    const cleanup = (): void => {
      settled = true;
      clearTimeout(timer);
      stdout.off('data', onData);
      signal?.removeEventListener('abort', onAbort);
      // Keep draining so the child never blocks on a full pipe.
      stdout.resume();
    };
    const fail = (reason: string): void => {
      if (settled) return;
      cleanup();
      const stderr = child.stderr().trim();
      reject(new CommandError(child.argv, null, stderr, stderr === '' ? reason : `${reason}; stderr: ${stderr}`));
    };
    const onData = (chunk: string): void => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      const line = buffered.slice(0, end);
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        fail(`${child.name} printed ${JSON.stringify(line)} instead of its listening line`);
        return;
      }
      const event = parsed as Partial<Listening> & { event?: unknown };
      if (event.event !== 'listening' || typeof event.url !== 'string' || typeof event.pid !== 'number') {
        fail(`${child.name} printed ${JSON.stringify(line)} instead of its listening line`);
        return;
      }
      cleanup();
      resolve({ url: event.url, port: Number(event.port), pid: event.pid });
    };
    const onAbort = (): void => {
      if (settled) return;
      cleanup();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => fail(`${child.name} did not report listening within ${timeoutMs} ms`), timeoutMs);
    stdout.on('data', onData);
    // Stryker disable next-line BooleanLiteral: an AbortSignal dispatches 'abort' at most once, and cleanup() removes the listener anyway
    signal?.addEventListener('abort', onAbort, { once: true });
    void child.done.then((result) => {
      // Let stderr's last chunk arrive before quoting it.
      setImmediate(() =>
        fail(`${child.name} exited (${result.signal ?? `code ${String(result.exitCode)}`}) before listening`),
      );
    });
  });
}
