import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { parseWorkloadArgs, type ResolvedWorkloadServerOptions } from '../src/workload/options.js';
import { WORKLOAD_DEFAULTS } from './helpers/workload-options-defaults.js';

function parse(argv: string[], env: Record<string, string> = {}): ResolvedWorkloadServerOptions {
  const parsed = parseWorkloadArgs(argv, env);
  if (parsed.kind !== 'options') throw new Error('expected options');
  return parsed.options;
}

function errorOf(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseWorkloadArgs(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('workload options', () => {
  it('has defaults', () => {
    expect(parse([])).toEqual(WORKLOAD_DEFAULTS);
  });

  it('reads every flag', () => {
    const options = parse([
      '--port', '8080', '--host', '0.0.0.0', '--response-bytes', '1024', '--service-delay-us', '250',
      '--next-hop', 'http://hop-2:8080', '--close-every', '100', '--close-every-abrupt',
      '--stall-every-ms', '1000', '--stall-for-ms', '50', '--stall-phase-ms', '7',
      '--record-arrivals', '--name', 'front', '--shutdown-timeout-ms', '100',
    ]);
    expect(options).toEqual({
      host: '0.0.0.0',
      port: 8080,
      responseBytes: 1024,
      serviceDelayUs: 250,
      nextHop: 'http://hop-2:8080',
      closeEvery: 100,
      closeEveryAbrupt: true,
      stall: { everyMs: 1000, forMs: 50, phaseMs: 7 },
      recordArrivals: true,
      name: 'front',
      shutdownTimeoutMs: 100,
    });
  });

  it('reads environment variables, flags winning, empty ones counting as unset', () => {
    const options = parse(['--port', '9000'], {
      PORT: '8080',
      RESPONSE_BYTES: '64',
      SERVICE_DELAY_US: '1000',
      NEXT_HOP: '',
      HOP_NAME: 'hop-3',
      RECORD_ARRIVALS: 'true',
      CLOSE_EVERY: '5',
    });
    expect(options).toMatchObject({
      port: 9000,
      responseBytes: 64,
      serviceDelayUs: 1000,
      nextHop: null,
      name: 'hop-3',
      recordArrivals: true,
      closeEvery: 5,
    });
    expect(parse([], { RECORD_ARRIVALS: '0' }).recordArrivals).toBe(false);
    expect(parse([], { STALL_EVERY_MS: '100', STALL_FOR_MS: '10' }).stall).toEqual({ everyMs: 100, forMs: 10, phaseMs: 0 });
  });

  it.each([
    [['--port', 'abc'], {}, /^--port: must be a non-negative integer, got "abc"$/],
    [['--port', '70000'], {}, /^--port: must be an integer from 0 to 65535/],
    [['--service-delay-us=-5'], {}, /^--service-delay-us: must be a non-negative integer/],
    [['--service-delay-us', '-5'], {}, /^argv: .*--service-delay-us/],
    [['--response-bytes', '1.5'], {}, /^--response-bytes: /],
    [[], { SERVICE_DELAY_US: 'soon' }, /^SERVICE_DELAY_US: must be a non-negative integer/],
    [['--next-hop', 'not a url'], {}, /^--next-hop: must be an http URL/],
    [['--next-hop', 'https://hop-2'], {}, /^--next-hop: must be an http:\/\/ URL/],
    [['--next-hop', 'http://hop-2/api'], {}, /^--next-hop: must have no path/],
    [[], { NEXT_HOP: 'ftp://x' }, /^NEXT_HOP: /],
    [['--stall-every-ms', '100'], {}, /^--stall-for-ms: is required/],
    [['--stall-for-ms', '100'], {}, /^--stall-every-ms: is required/],
    [['--stall-every-ms', '100', '--stall-for-ms', '100'], {}, /^--stall-for-ms: must be shorter than --stall-every-ms/],
    [['--stall-every-ms', '0', '--stall-for-ms', '0'], {}, /^--stall-every-ms: /],
    [['--close-every-abrupt'], {}, /^--close-every-abrupt: needs --close-every/],
    [['--name', 'two words'], {}, /^--name: /],
    [[], { RECORD_ARRIVALS: 'maybe' }, /^RECORD_ARRIVALS: must be true\/false/],
    [['--bogus'], {}, /^argv: Unknown option '--bogus'/],
    [['extra'], {}, /^argv: /],
    [['--port'], {}, /^argv: /],
  ] as [string[], Record<string, string>, RegExp][])('%j %j is rejected in one line', (argv, env, message) => {
    const text = errorOf(argv, env);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('prints usage for --help', () => {
    const parsed = parseWorkloadArgs(['--help'], {});
    expect(parsed.kind).toBe('help');
    if (parsed.kind === 'help') expect(parsed.text).toContain('--service-delay-us');
  });
});
