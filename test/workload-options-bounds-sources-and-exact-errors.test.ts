import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import {
  parseWorkloadArgs,
  resolveWorkloadServerOptions,
  WORKLOAD_USAGE,
  type ResolvedWorkloadServerOptions,
  type WorkloadServerOptions,
} from '../src/workload/options.js';
import { WORKLOAD_DEFAULTS } from './helpers/workload-options-defaults.js';

function parse(argv: string[], env: Record<string, string> = {}): ResolvedWorkloadServerOptions {
  const parsed = parseWorkloadArgs(argv, env);
  expect(parsed.kind).toBe('options');
  if (parsed.kind !== 'options') throw new Error('expected options');
  return parsed.options;
}

/** The one line an InputError carries, after checking it is bad input (exit 2) with one problem and no field. */
function refusal(run: () => unknown): string {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InputError);
  const error = caught as InputError;
  expect(error.exitCode).toBe(2);
  expect(error.problems).toHaveLength(1);
  expect(error.problems[0]!.field).toBe('');
  expect(error.message).not.toContain('\n');
  return error.message;
}

const resolveError = (options: WorkloadServerOptions): string => refusal(() => resolveWorkloadServerOptions(options));
const parseError = (argv: string[], env: Record<string, string> = {}): string => refusal(() => parseWorkloadArgs(argv, env));

describe('workload options given in code', () => {
  it('fills in every default, and nothing else', () => {
    expect(resolveWorkloadServerOptions({})).toStrictEqual(WORKLOAD_DEFAULTS);
    expect(resolveWorkloadServerOptions({ stall: null, nextHop: null })).toStrictEqual(WORKLOAD_DEFAULTS);
  });

  it('keeps every value given', () => {
    expect(
      resolveWorkloadServerOptions({
        host: '0.0.0.0',
        port: 65535,
        responseBytes: 64 * 1024 * 1024,
        serviceDelayUs: 60_000_000,
        nextHop: 'http://hop-2:8080/',
        closeEvery: 2 ** 31 - 1,
        closeEveryAbrupt: true,
        stall: { everyMs: 24 * 3600 * 1000, forMs: 24 * 3600 * 1000 - 1, phaseMs: 24 * 3600 * 1000 },
        recordArrivals: true,
        name: 'x'.repeat(64),
        shutdownTimeoutMs: 24 * 3600 * 1000,
      }),
    ).toStrictEqual({
      host: '0.0.0.0',
      port: 65535,
      responseBytes: 67_108_864,
      serviceDelayUs: 60_000_000,
      nextHop: 'http://hop-2:8080',
      closeEvery: 2_147_483_647,
      closeEveryAbrupt: true,
      stall: { everyMs: 86_400_000, forMs: 86_399_999, phaseMs: 86_400_000 },
      recordArrivals: true,
      name: 'x'.repeat(64),
      shutdownTimeoutMs: 86_400_000,
    });
  });

  it('accepts the lowest value of every bound', () => {
    expect(
      resolveWorkloadServerOptions({ port: 0, shutdownTimeoutMs: 0, closeEvery: 1, closeEveryAbrupt: false, stall: { everyMs: 2, forMs: 1, phaseMs: 0 }, name: '!' }),
    ).toMatchObject({ port: 0, shutdownTimeoutMs: 0, closeEvery: 1, closeEveryAbrupt: false, stall: { everyMs: 2, forMs: 1, phaseMs: 0 }, name: '!' });
    expect(resolveWorkloadServerOptions({ stall: { everyMs: 10, forMs: 3 } }).stall).toStrictEqual({ everyMs: 10, forMs: 3, phaseMs: 0 });
    expect(resolveWorkloadServerOptions({ closeEvery: 3, closeEveryAbrupt: true })).toMatchObject({ closeEvery: 3, closeEveryAbrupt: true });
    expect(resolveWorkloadServerOptions({ nextHop: 'http://[::1]:9000' }).nextHop).toBe('http://[::1]:9000');
  });

  it.each([
    [{ port: 65536 }, 'port: must be an integer from 0 to 65535, got 65536'],
    [{ port: -1 }, 'port: must be an integer from 0 to 65535, got -1'],
    [{ port: 80.5 }, 'port: must be an integer from 0 to 65535, got 80.5'],
    [{ port: Number.NaN }, 'port: must be an integer from 0 to 65535, got NaN'],
    [{ responseBytes: 67_108_865 }, 'responseBytes: must be an integer from 0 to 67108864, got 67108865'],
    [{ serviceDelayUs: 60_000_001 }, 'serviceDelayUs: must be an integer from 0 to 60000000, got 60000001'],
    [{ serviceDelayUs: -1 }, 'serviceDelayUs: must be an integer from 0 to 60000000, got -1'],
    [{ closeEvery: 2 ** 31 }, 'closeEvery: must be an integer from 0 to 2147483647, got 2147483648'],
    [{ closeEvery: -1 }, 'closeEvery: must be an integer from 0 to 2147483647, got -1'],
    [{ shutdownTimeoutMs: 86_400_001 }, 'shutdownTimeoutMs: must be an integer from 0 to 86400000, got 86400001'],
    [{ shutdownTimeoutMs: 2 ** 53 }, 'shutdownTimeoutMs: must be an integer from 0 to 86400000, got 9007199254740992'],
    [{ host: '' }, 'host: must not be empty'],
    [{ name: '' }, 'name: must be 1 to 64 visible ASCII characters, got ""'],
    [{ name: 'x'.repeat(65) }, `name: must be 1 to 64 visible ASCII characters, got "${'x'.repeat(65)}"`],
    [{ name: 'two words' }, 'name: must be 1 to 64 visible ASCII characters, got "two words"'],
    [{ name: ' lead' }, 'name: must be 1 to 64 visible ASCII characters, got " lead"'],
    [{ name: 'trail ' }, 'name: must be 1 to 64 visible ASCII characters, got "trail "'],
    [{ name: 'hôp' }, 'name: must be 1 to 64 visible ASCII characters, got "hôp"'],
    [{ closeEveryAbrupt: true }, 'closeEveryAbrupt: needs closeEvery (how many requests before the close)'],
    [{ closeEveryAbrupt: true, closeEvery: 0 }, 'closeEveryAbrupt: needs closeEvery (how many requests before the close)'],
    [{ stall: { everyMs: 0, forMs: 1 } }, 'stall.everyMs: must be an integer from 1 to 86400000, got 0'],
    [{ stall: { everyMs: 86_400_001, forMs: 1 } }, 'stall.everyMs: must be an integer from 1 to 86400000, got 86400001'],
    [{ stall: { everyMs: 100, forMs: 0 } }, 'stall.forMs: must be an integer from 1 to 86400000, got 0'],
    [{ stall: { everyMs: 100, forMs: 10, phaseMs: -1 } }, 'stall.phaseMs: must be an integer from 0 to 86400000, got -1'],
    [{ stall: { everyMs: 100, forMs: 10, phaseMs: 86_400_001 } }, 'stall.phaseMs: must be an integer from 0 to 86400000, got 86400001'],
    [{ stall: { everyMs: 100, forMs: 100 } }, 'stall.forMs: must be shorter than stall.everyMs (100 >= 100)'],
    [{ stall: { everyMs: 100, forMs: 101 } }, 'stall.forMs: must be shorter than stall.everyMs (101 >= 100)'],
    [{ nextHop: 'hop-2:8080' }, 'nextHop: must be an http:// URL, got "hop-2:8080"'],
    [{ nextHop: 'not a url' }, 'nextHop: must be an http URL, got "not a url"'],
    [{ nextHop: 'https://hop-2' }, 'nextHop: must be an http:// URL, got "https://hop-2"'],
    [{ nextHop: 'http://hop-2/api' }, `nextHop: must have no path or query (the request's own path is forwarded), got "http://hop-2/api"`],
    [{ nextHop: 'http://hop-2/?a=1' }, `nextHop: must have no path or query (the request's own path is forwarded), got "http://hop-2/?a=1"`],
    [{ nextHop: 'http://hop-2/#top' }, `nextHop: must have no path or query (the request's own path is forwarded), got "http://hop-2/#top"`],
  ] as [WorkloadServerOptions, string][])('%j is refused: %s', (options, message) => {
    expect(resolveError(options)).toBe(message);
  });
});

describe('workload options from flags and environment variables', () => {
  it('answers --help with the usage, whatever else is given', () => {
    expect(parseWorkloadArgs(['--help'], {})).toStrictEqual({ kind: 'help', text: WORKLOAD_USAGE });
    expect(parseWorkloadArgs(['--port', 'abc', '--help'], { PORT: 'x' })).toStrictEqual({ kind: 'help', text: WORKLOAD_USAGE });
    const lines = WORKLOAD_USAGE.split('\n');
    expect(lines[0]).toBe('usage: node dist/src/workload/main.js [flags]   (each flag also reads the environment variable shown)');
    expect(lines).toContain(`${'  --port <value>'.padEnd(32)}PORT`);
    expect(lines).toContain(`${'  --record-arrivals'.padEnd(32)}RECORD_ARRIVALS`);
    expect(lines.at(-1)).toBe('  --help');
  });

  it('resolves to the defaults with no flags and no variables', () => {
    expect(parseWorkloadArgs([], {})).toStrictEqual({ kind: 'options', options: WORKLOAD_DEFAULTS });
  });

  it('reads each value flag into its own option', () => {
    expect(parse(['--port', '8080'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, port: 8080 });
    expect(parse(['--host', '::1'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, host: '::1' });
    expect(parse(['--response-bytes', '1024'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, responseBytes: 1024 });
    expect(parse(['--service-delay-us', '250'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, serviceDelayUs: 250 });
    expect(parse(['--close-every', '9'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, closeEvery: 9 });
    expect(parse(['--shutdown-timeout-ms', '0'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, shutdownTimeoutMs: 0 });
    expect(parse(['--next-hop', 'http://hop-2:8080'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, nextHop: 'http://hop-2:8080' });
    expect(parse(['--name', 'front'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, name: 'front' });
    expect(parse(['--record-arrivals'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, recordArrivals: true });
    expect(parse(['--close-every', '2', '--close-every-abrupt'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, closeEvery: 2, closeEveryAbrupt: true });
    expect(parse(['--port=007'])).toStrictEqual({ ...WORKLOAD_DEFAULTS, port: 7 });
  });

  it('reads each environment variable into its own option', () => {
    expect(parse([], { PORT: '8080' }).port).toBe(8080);
    expect(parse([], { HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(parse([], { RESPONSE_BYTES: '64' }).responseBytes).toBe(64);
    expect(parse([], { SERVICE_DELAY_US: '1000' }).serviceDelayUs).toBe(1000);
    expect(parse([], { CLOSE_EVERY: '5' }).closeEvery).toBe(5);
    expect(parse([], { SHUTDOWN_TIMEOUT_MS: '100' }).shutdownTimeoutMs).toBe(100);
    expect(parse([], { NEXT_HOP: 'http://hop-3' }).nextHop).toBe('http://hop-3');
    expect(parse([], { HOP_NAME: 'hop-3' }).name).toBe('hop-3');
  });

  it('lets a flag win over its environment variable, and counts an empty variable as unset', () => {
    expect(parse(['--port', '9000'], { PORT: '8080' }).port).toBe(9000);
    expect(parse(['--port', '9000'], { PORT: 'not even a number' }).port).toBe(9000);
    expect(parse([], { PORT: '', HOST: '', NEXT_HOP: '', HOP_NAME: '', RECORD_ARRIVALS: '', STALL_EVERY_MS: '' })).toStrictEqual(
      WORKLOAD_DEFAULTS,
    );
  });

  it.each([
    ['1', true],
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['Yes', true],
    ['0', false],
    ['false', false],
    ['False', false],
    ['no', false],
    ['NO', false],
  ] as [string, boolean][])('reads %s in a boolean variable as %s', (value, expected) => {
    expect(parse([], { RECORD_ARRIVALS: value }).recordArrivals).toBe(expected);
    expect(parse([], { CLOSE_EVERY: '4', CLOSE_EVERY_ABRUPT: value })).toMatchObject({ closeEvery: 4, closeEveryAbrupt: expected });
    // Off needs no request count; on does.
    if (expected) expect(parseError([], { CLOSE_EVERY_ABRUPT: value })).toBe('CLOSE_EVERY_ABRUPT: needs --close-every (how many requests before the close)');
    else expect(parse([], { CLOSE_EVERY_ABRUPT: value }).closeEveryAbrupt).toBe(false);
  });

  it('builds a stall from its three values, the phase optional', () => {
    expect(parse(['--stall-every-ms', '1000', '--stall-for-ms', '50']).stall).toStrictEqual({ everyMs: 1000, forMs: 50, phaseMs: 0 });
    expect(parse(['--stall-every-ms', '1000', '--stall-for-ms', '50', '--stall-phase-ms', '7']).stall).toStrictEqual({
      everyMs: 1000,
      forMs: 50,
      phaseMs: 7,
    });
    expect(parse([], { STALL_EVERY_MS: '100', STALL_FOR_MS: '10', STALL_PHASE_MS: '3' }).stall).toStrictEqual({
      everyMs: 100,
      forMs: 10,
      phaseMs: 3,
    });
  });

  it.each([
    [['--port', 'abc'], {}, '--port: must be a non-negative integer, got "abc"'],
    [['--port', '12abc'], {}, '--port: must be a non-negative integer, got "12abc"'],
    [['--port', 'abc12'], {}, '--port: must be a non-negative integer, got "abc12"'],
    [['--port', '+5'], {}, '--port: must be a non-negative integer, got "+5"'],
    [['--port', '1e3'], {}, '--port: must be a non-negative integer, got "1e3"'],
    [['--port', ''], {}, '--port: must be a non-negative integer, got ""'],
    [['--port', '70000'], {}, '--port: must be an integer from 0 to 65535, got 70000'],
    [[], { PORT: '70000' }, 'PORT: must be an integer from 0 to 65535, got 70000'],
    [[], { PORT: ' 80' }, 'PORT: must be a non-negative integer, got " 80"'],
    [['--response-bytes', '67108865'], {}, '--response-bytes: must be an integer from 0 to 67108864, got 67108865'],
    [[], { RESPONSE_BYTES: '1.5' }, 'RESPONSE_BYTES: must be a non-negative integer, got "1.5"'],
    [['--service-delay-us=-5'], {}, '--service-delay-us: must be a non-negative integer, got "-5"'],
    [[], { SERVICE_DELAY_US: '60000001' }, 'SERVICE_DELAY_US: must be an integer from 0 to 60000000, got 60000001'],
    [['--close-every', 'x'], {}, '--close-every: must be a non-negative integer, got "x"'],
    [[], { CLOSE_EVERY: '2147483648' }, 'CLOSE_EVERY: must be an integer from 0 to 2147483647, got 2147483648'],
    [['--shutdown-timeout-ms', '86400001'], {}, '--shutdown-timeout-ms: must be an integer from 0 to 86400000, got 86400001'],
    [[], { SHUTDOWN_TIMEOUT_MS: 'soon' }, 'SHUTDOWN_TIMEOUT_MS: must be a non-negative integer, got "soon"'],
    [['--host', ''], {}, '--host: must not be empty'],
    [['--name', 'two words'], {}, '--name: must be 1 to 64 visible ASCII characters, got "two words"'],
    [[], { HOP_NAME: 'a b' }, 'HOP_NAME: must be 1 to 64 visible ASCII characters, got "a b"'],
    [['--next-hop', 'https://hop-2'], {}, '--next-hop: must be an http:// URL, got "https://hop-2"'],
    [[], { NEXT_HOP: 'ftp://x' }, 'NEXT_HOP: must be an http:// URL, got "ftp://x"'],
    [['--close-every-abrupt'], {}, '--close-every-abrupt: needs --close-every (how many requests before the close)'],
    [['--close-every-abrupt'], { CLOSE_EVERY: '0' }, '--close-every-abrupt: needs CLOSE_EVERY (how many requests before the close)'],
    [['--stall-every-ms', '100'], {}, '--stall-for-ms: is required with --stall-every-ms'],
    [['--stall-for-ms', '10'], {}, '--stall-every-ms: is required with --stall-for-ms'],
    [['--stall-phase-ms', '5'], {}, '--stall-every-ms: is required with --stall-for-ms'],
    [[], { STALL_FOR_MS: '10' }, '--stall-every-ms: is required with STALL_FOR_MS'],
    [[], { STALL_EVERY_MS: '100', STALL_PHASE_MS: '1' }, '--stall-for-ms: is required with STALL_EVERY_MS'],
    [[], { STALL_EVERY_MS: 'often', STALL_FOR_MS: '10' }, 'STALL_EVERY_MS: must be a non-negative integer, got "often"'],
    [['--stall-every-ms', '100', '--stall-for-ms', 'x'], {}, '--stall-for-ms: must be a non-negative integer, got "x"'],
    [['--stall-every-ms', '100', '--stall-for-ms', '10', '--stall-phase-ms', 'x'], {}, '--stall-phase-ms: must be a non-negative integer, got "x"'],
    [['--stall-every-ms', '100', '--stall-for-ms', '100'], {}, '--stall-for-ms: must be shorter than --stall-every-ms (100 >= 100)'],
    [[], { STALL_EVERY_MS: '0', STALL_FOR_MS: '0' }, 'STALL_EVERY_MS: must be an integer from 1 to 86400000, got 0'],
    [['--stall-every-ms', '100', '--stall-for-ms', '0'], {}, '--stall-for-ms: must be an integer from 1 to 86400000, got 0'],
    [['--stall-every-ms', '100', '--stall-for-ms', '1', '--stall-phase-ms', '86400001'], {}, '--stall-phase-ms: must be an integer from 0 to 86400000, got 86400001'],
    [[], { RECORD_ARRIVALS: 'maybe' }, 'RECORD_ARRIVALS: must be true/false/1/0, got "maybe"'],
    [[], { CLOSE_EVERY_ABRUPT: 'on' }, 'CLOSE_EVERY_ABRUPT: must be true/false/1/0, got "on"'],
  ] as [string[], Record<string, string>, string][])('%j %j is refused: %s', (argv, env, message) => {
    expect(parseError(argv, env)).toBe(message);
  });

  it.each([
    [['--bogus'], /^argv: Unknown option '--bogus'/],
    [['extra'], /^argv: Unexpected argument 'extra'/],
    [['--port'], /^argv: Option '--port <value>' argument missing$/],
    [['--record-arrivals=yes'], /^argv: Option '--record-arrivals' does not take an argument$/],
    [['--help=1'], /^argv: Option '--help' does not take an argument$/],
  ] as [string[], RegExp][])('%j is refused by the flag parser in its first line only', (argv, message) => {
    expect(parseError(argv)).toMatch(message);
  });
});
