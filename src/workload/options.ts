import { parseArgs } from 'node:util';
import { InputError } from '../core/errors.js';

/**
 * Workload server options: the programmatic shape (all optional), the resolved shape (defaults applied, validated),
 * and the parser for the executable's flags and environment variables (the container image is configured by env).
 * Kept to node:util so the server starts fast in a container.
 */

export interface StallOptions {
  /** A stall starts every this many milliseconds (from server start, monotonic clock). */
  everyMs: number;
  /** …and lasts this long. Must be shorter than everyMs. */
  forMs: number;
  /** Offset of the first stall, milliseconds (default 0). */
  phaseMs?: number;
}

export interface WorkloadServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks an ephemeral port. */
  port?: number;
  /** Response body size, bytes (default 0). */
  responseBytes?: number;
  /** Service time added to each request, microseconds (default 0). */
  serviceDelayUs?: number;
  /** Forward every request here (http URL) and answer with its status; null/absent: answer directly. */
  nextHop?: string | null;
  /** After this many requests on a connection, close it (0, the default, never). */
  closeEvery?: number;
  /** With closeEvery: close without announcing it (no `Connection: close`). */
  closeEveryAbrupt?: boolean;
  stall?: StallOptions | null;
  /** Count arrivals per 10 ms window, served at GET /__bench/arrivals. */
  recordArrivals?: boolean;
  /** Value of the `x-bench-hop` response header (default hop-1). */
  name?: string;
  /** Graceful close waits this long for in-flight requests before destroying connections (default 5000). */
  shutdownTimeoutMs?: number;
}

export interface ResolvedWorkloadServerOptions {
  host: string;
  port: number;
  responseBytes: number;
  serviceDelayUs: number;
  nextHop: string | null;
  closeEvery: number;
  closeEveryAbrupt: boolean;
  stall: Required<StallOptions> | null;
  recordArrivals: boolean;
  name: string;
  shutdownTimeoutMs: number;
}

export const WORKLOAD_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  responseBytes: 0,
  serviceDelayUs: 0,
  closeEvery: 0,
  name: 'hop-1',
  shutdownTimeoutMs: 5000,
} as const;

/** The body is built once in memory; scenarios share this bound (src/scenario/limits.ts). */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** One minute: anything longer is a mistake, and setTimeout overflows past ~24 days anyway. */
export const MAX_SERVICE_DELAY_US = 60_000_000;
const MAX_MS = 24 * 3600 * 1000;

/** The user-visible name of each option, by source: flags and env vars from the executable, field paths from code. */
interface Names {
  port: string;
  host: string;
  responseBytes: string;
  serviceDelayUs: string;
  nextHop: string;
  closeEvery: string;
  closeEveryAbrupt: string;
  stallEveryMs: string;
  stallForMs: string;
  stallPhaseMs: string;
  name: string;
  shutdownTimeoutMs: string;
}

const FIELD_NAMES: Names = {
  port: 'port',
  host: 'host',
  responseBytes: 'responseBytes',
  serviceDelayUs: 'serviceDelayUs',
  nextHop: 'nextHop',
  closeEvery: 'closeEvery',
  closeEveryAbrupt: 'closeEveryAbrupt',
  stallEveryMs: 'stall.everyMs',
  stallForMs: 'stall.forMs',
  stallPhaseMs: 'stall.phaseMs',
  name: 'name',
  shutdownTimeoutMs: 'shutdownTimeoutMs',
};

function problem(source: string, message: string): InputError {
  return InputError.single(source, '', message);
}

function checkInt(value: number, source: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw problem(source, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Apply defaults and validate; throws InputError naming the offending option. */
export function resolveWorkloadServerOptions(
  options: WorkloadServerOptions,
  names: Names = FIELD_NAMES,
): ResolvedWorkloadServerOptions {
  const host = options.host ?? WORKLOAD_DEFAULTS.host;
  if (host.length === 0) throw problem(names.host, 'must not be empty');
  const name = options.name ?? WORKLOAD_DEFAULTS.name;
  // It goes into a response header: visible ASCII only.
  if (!/^[\x21-\x7e]{1,64}$/.test(name)) {
    throw problem(names.name, `must be 1 to 64 visible ASCII characters, got ${JSON.stringify(name)}`);
  }
  const closeEvery = checkInt(options.closeEvery ?? WORKLOAD_DEFAULTS.closeEvery, names.closeEvery, 0, 2 ** 31 - 1);
  const closeEveryAbrupt = options.closeEveryAbrupt ?? false;
  if (closeEveryAbrupt && closeEvery === 0) {
    throw problem(names.closeEveryAbrupt, `needs ${names.closeEvery} (how many requests before the close)`);
  }
  let stall: Required<StallOptions> | null = null;
  if (options.stall !== undefined && options.stall !== null) {
    const everyMs = checkInt(options.stall.everyMs, names.stallEveryMs, 1, MAX_MS);
    const forMs = checkInt(options.stall.forMs, names.stallForMs, 1, MAX_MS);
    const phaseMs = checkInt(options.stall.phaseMs ?? 0, names.stallPhaseMs, 0, MAX_MS);
    if (forMs >= everyMs) {
      throw problem(names.stallForMs, `must be shorter than ${names.stallEveryMs} (${forMs} >= ${everyMs})`);
    }
    stall = { everyMs, forMs, phaseMs };
  }
  return {
    host,
    port: checkInt(options.port ?? WORKLOAD_DEFAULTS.port, names.port, 0, 65535),
    responseBytes: checkInt(options.responseBytes ?? WORKLOAD_DEFAULTS.responseBytes, names.responseBytes, 0, MAX_RESPONSE_BYTES),
    serviceDelayUs: checkInt(options.serviceDelayUs ?? WORKLOAD_DEFAULTS.serviceDelayUs, names.serviceDelayUs, 0, MAX_SERVICE_DELAY_US),
    nextHop: options.nextHop === undefined || options.nextHop === null ? null : checkNextHop(options.nextHop, names.nextHop),
    closeEvery,
    closeEveryAbrupt,
    stall,
    recordArrivals: options.recordArrivals ?? false,
    name,
    shutdownTimeoutMs: checkInt(
      options.shutdownTimeoutMs ?? WORKLOAD_DEFAULTS.shutdownTimeoutMs,
      names.shutdownTimeoutMs,
      0,
      MAX_MS,
    ),
  };
}

function checkNextHop(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw problem(source, `must be an http URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:') throw problem(source, `must be an http:// URL, got ${JSON.stringify(value)}`);
  // The incoming request's path is forwarded as is; a base path on the next hop would be silently dropped.
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw problem(source, `must have no path or query (the request's own path is forwarded), got ${JSON.stringify(value)}`);
  }
  return url.origin;
}

// --- the executable's flags and environment variables ---

interface ArgSpec {
  flag: string;
  env: string;
  boolean?: true;
}

const ARGS = {
  port: { flag: 'port', env: 'PORT' },
  host: { flag: 'host', env: 'HOST' },
  responseBytes: { flag: 'response-bytes', env: 'RESPONSE_BYTES' },
  serviceDelayUs: { flag: 'service-delay-us', env: 'SERVICE_DELAY_US' },
  nextHop: { flag: 'next-hop', env: 'NEXT_HOP' },
  closeEvery: { flag: 'close-every', env: 'CLOSE_EVERY' },
  closeEveryAbrupt: { flag: 'close-every-abrupt', env: 'CLOSE_EVERY_ABRUPT', boolean: true },
  stallEveryMs: { flag: 'stall-every-ms', env: 'STALL_EVERY_MS' },
  stallForMs: { flag: 'stall-for-ms', env: 'STALL_FOR_MS' },
  stallPhaseMs: { flag: 'stall-phase-ms', env: 'STALL_PHASE_MS' },
  recordArrivals: { flag: 'record-arrivals', env: 'RECORD_ARRIVALS', boolean: true },
  name: { flag: 'name', env: 'HOP_NAME' },
  shutdownTimeoutMs: { flag: 'shutdown-timeout-ms', env: 'SHUTDOWN_TIMEOUT_MS' },
} as const satisfies Record<string, ArgSpec>;

type ArgKey = keyof typeof ARGS;

export const WORKLOAD_USAGE = [
  'usage: node dist/src/workload/main.js [flags]   (each flag also reads the environment variable shown)',
  ...Object.values(ARGS).map((a: ArgSpec) => `  --${a.flag}${a.boolean ? '' : ' <value>'}`.padEnd(32) + a.env),
  '  --help',
].join('\n');

export type ParsedWorkloadArgs =
  | { kind: 'options'; options: ResolvedWorkloadServerOptions }
  | { kind: 'help'; text: string };

/**
 * Flags win over environment variables; an empty environment variable counts as unset (so a manifest can template
 * `NEXT_HOP: ""` for the last hop). Errors are one line naming the flag or variable the bad value came from.
 */
export function parseWorkloadArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedWorkloadArgs {
  const parseOptions: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const spec of Object.values(ARGS) as ArgSpec[]) {
    parseOptions[spec.flag] = { type: spec.boolean ? 'boolean' : 'string' };
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options: parseOptions, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw problem('argv', error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  if (values.help === true) return { kind: 'help', text: WORKLOAD_USAGE };

  const sourceOf = {} as Record<ArgKey, string>;
  const raw = {} as Record<ArgKey, string | boolean | undefined>;
  for (const key of Object.keys(ARGS) as ArgKey[]) {
    const spec: ArgSpec = ARGS[key];
    const fromFlag = values[spec.flag];
    const fromEnv = env[spec.env];
    if (fromFlag !== undefined) {
      raw[key] = fromFlag;
      sourceOf[key] = `--${spec.flag}`;
    } else if (fromEnv !== undefined && fromEnv !== '') {
      raw[key] = spec.boolean ? parseBool(fromEnv, spec.env) : fromEnv;
      sourceOf[key] = spec.env;
    } else {
      sourceOf[key] = `--${spec.flag}`;
    }
  }
  const int = (key: ArgKey): number | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !/^\d+$/.test(value)) {
      throw problem(sourceOf[key], `must be a non-negative integer, got ${JSON.stringify(value)}`);
    }
    return Number(value);
  };
  const str = (key: ArgKey): string | undefined => {
    const value = raw[key];
    return typeof value === 'string' ? value : undefined;
  };

  const options: WorkloadServerOptions = {};
  const host = str('host');
  if (host !== undefined) options.host = host;
  const assignInt = <K extends keyof WorkloadServerOptions>(field: K, key: ArgKey): void => {
    const value = int(key);
    if (value !== undefined) (options as Record<string, unknown>)[field] = value;
  };
  assignInt('port', 'port');
  assignInt('responseBytes', 'responseBytes');
  assignInt('serviceDelayUs', 'serviceDelayUs');
  assignInt('closeEvery', 'closeEvery');
  assignInt('shutdownTimeoutMs', 'shutdownTimeoutMs');
  options.nextHop = str('nextHop') ?? null;
  const name = str('name');
  if (name !== undefined) options.name = name;
  if (raw.closeEveryAbrupt === true) options.closeEveryAbrupt = true;
  if (raw.recordArrivals === true) options.recordArrivals = true;

  const everyMs = int('stallEveryMs');
  const forMs = int('stallForMs');
  const phaseMs = int('stallPhaseMs');
  if (everyMs !== undefined || forMs !== undefined || phaseMs !== undefined) {
    if (everyMs === undefined) throw problem(sourceOf.stallEveryMs, `is required with ${sourceOf.stallForMs}`);
    if (forMs === undefined) throw problem(sourceOf.stallForMs, `is required with ${sourceOf.stallEveryMs}`);
    options.stall = phaseMs === undefined ? { everyMs, forMs } : { everyMs, forMs, phaseMs };
  }
  return { kind: 'options', options: resolveWorkloadServerOptions(options, sourceOf) };
}

function parseBool(value: string, source: string): boolean {
  const v = value.toLowerCase();
  if (v === '1' || v === 'true' || v === 'yes') return true;
  if (v === '0' || v === 'false' || v === 'no') return false;
  throw problem(source, `must be true/false/1/0, got ${JSON.stringify(value)}`);
}
