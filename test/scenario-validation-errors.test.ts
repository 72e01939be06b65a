import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExitCode, InputError } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { loadScenario, parseScenario } from '../src/scenario/load-scenario.js';
import { LIMITS } from '../src/scenario/limits.js';

// Relative, as a user would type it: problems must name the file exactly as given.
const fixtures = relative(process.cwd(), fileURLToPath(new URL('./fixtures/scenarios/', import.meta.url)));
const fixture = (name: string): string => join(fixtures, name);

async function rejection(path: string): Promise<InputError> {
  try {
    await loadScenario(path, { fs: new NodeFileSystem(), availableCores: 4 });
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`${path} was accepted`);
}

function parseRejection(text: string): InputError {
  try {
    parseScenario(text, 'inline.yaml', 4);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('scenario was accepted');
}

const STEP_FIELDS =
  'name, mode, rate, connections, maxConnections, duration, warmup, timeout, arrival, workers, objective, startRate, minRate, maxRate, engineCeiling, precision, confirmations';
const TOP_FIELDS = 'name, description, repetitions, installs, seed, errorBudget, workload, thresholds, defaults, steps, scale';

describe('scenario files with mistakes are rejected with one line per problem, naming file and field', () => {
  it('unknown keys, each on its own line, with a suggestion when one is close', async () => {
    const file = fixture('unknown-key.yaml');
    expect((await rejection(file)).message).toBe(
      [
        `${file}: owner: unknown field; allowed: ${TOP_FIELDS}`,
        `${file}: steps[0].durations: unknown field (did you mean "duration"?); allowed: ${STEP_FIELDS}`,
      ].join('\n'),
    );
  });

  it('rate in connections mode', async () => {
    const file = fixture('rate-in-connections-mode.yaml');
    expect((await rejection(file)).message).toBe(
      `${file}: steps[0].rate: is not allowed in mode "connections": closed-loop steps send as fast as responses come back`,
    );
  });

  it('a rate step without a rate', async () => {
    const file = fixture('missing-rate.yaml');
    expect((await rejection(file)).message).toBe(
      `${file}: steps[0].rate: is required in mode "rate": a positive number of requests per second`,
    );
  });

  it('a negative rate', async () => {
    const file = fixture('negative-rate.yaml');
    expect((await rejection(file)).message).toBe(
      `${file}: steps[0].rate: must be a positive number of requests per second, got -5`,
    );
  });

  it('a duration written in words', async () => {
    const file = fixture('bad-duration.yaml');
    expect((await rejection(file)).message).toBe(
      `${file}: steps[0].duration: must be a duration like "250ms", "10s", "2m", "1m30s" or a number of seconds, got "10 seconds"`,
    );
  });

  it('duplicate step names, given or derived', async () => {
    const file = fixture('duplicate-step-names.yaml');
    expect((await rejection(file)).message).toBe(
      [
        `${file}: steps[1].name: "light" is already the name of steps[0]; step names must be unique`,
        `${file}: steps[3].name: "rate-500" (derived from its mode and load) is already the name of steps[2]; step names must be unique`,
      ].join('\n'),
    );
  });

  it('maxConnections below connections', async () => {
    const file = fixture('max-connections-below-connections.yaml');
    expect((await rejection(file)).message).toBe(
      `${file}: steps[0].maxConnections: must be at least connections (16), got 8`,
    );
  });

  it('maxConnections below the connections derived from the rate', () => {
    const error = parseRejection('name: x\nsteps:\n  - { mode: rate, rate: 10000, maxConnections: 10 }\n');
    expect(error.message).toBe('inline.yaml: steps[0].maxConnections: must be at least connections (20, derived from rate), got 10');
  });

  it('a YAML syntax error, with its line and column', async () => {
    const file = fixture('yaml-syntax-error.yaml');
    expect((await rejection(file)).message).toBe(
      `${file}: invalid YAML at line 6, column 1: Sequence item without - indicator`,
    );
  });

  it('an empty file', async () => {
    const file = fixture('empty.yaml');
    expect((await rejection(file)).message).toBe(`${file}: is empty: a scenario needs at least "name" and "steps"`);
  });

  it('a file of only comments, as empty', () => {
    expect(parseRejection('# nothing yet\n').message).toBe('inline.yaml: is empty: a scenario needs at least "name" and "steps"');
  });

  it('a value of the wrong type', async () => {
    const file = fixture('wrong-type.yaml');
    expect((await rejection(file)).message).toBe(`${file}: repetitions: must be a whole number ≥ 1, got "five"`);
  });

  it('a missing file', async () => {
    const file = fixture('no-such-scenario.yaml');
    expect((await rejection(file)).message).toBe(`${file}: cannot read file (ENOENT)`);
  });

  it('all problems at once, in file order, as structured problems with the bad-input exit code', async () => {
    const file = fixture('several-problems.yaml');
    const error = await rejection(file);
    expect(error.exitCode).toBe(ExitCode.invalidInput);
    expect(error.problems).toEqual([
      { source: file, field: 'repetitions', message: 'must be a whole number ≥ 1, got 0' },
      { source: file, field: 'workload.hops', message: 'must be at most 8 (each hop is a server process (or pod) of its own, and a longer chain measures the chain, not the mesh), got 9' },
      { source: file, field: 'steps[1].connections', message: 'is required in mode "max": a whole number ≥ 1' },
    ]);
    expect(error.message.split('\n')).toHaveLength(3);
  });
});

describe('each field says what is allowed', () => {
  const cases: [string, string, string][] = [
    ['a name with capitals', 'name: Smoke\nsteps: [{ mode: max, connections: 4 }]', 'name: must be lowercase letters, digits and "-" (e.g. "smoke"), got "Smoke"'],
    ['no name', 'steps: [{ mode: max, connections: 4 }]', 'name: is required: lowercase letters, digits and "-" (e.g. "smoke")'],
    ['no steps', 'name: x', 'steps: is required: a list of steps'],
    ['an empty step list', 'name: x\nsteps: []', 'steps: must have at least one step'],
    ['a list instead of a mapping', '- name: x', 'must be a mapping of scenario fields (name, steps, …), got a list'],
    ['an unknown mode', 'name: x\nsteps: [{ mode: open, rate: 5 }]', 'steps[0].mode: must be "rate", "connections", "max" or "slo", got "open"'],
    ['a step without a mode', 'name: x\nsteps: [{ rate: 5 }]', 'steps[0].mode: is required: "rate", "connections", "max" or "slo"'],
    ['a step that is not a mapping', 'name: x\nsteps: [500]', 'steps[0]: must be a mapping of step fields with at least "mode" ("rate", "connections", "max" or "slo"), got 500'],
    ['maxConnections in closed loop', 'name: x\nsteps: [{ mode: max, connections: 4, maxConnections: 8 }]', 'steps[0].maxConnections: is not allowed in mode "max": closed-loop steps keep exactly "connections" open'],
    ['fractional connections', 'name: x\nsteps: [{ mode: connections, connections: 1.5 }]', 'steps[0].connections: must be a whole number ≥ 1, got 1.5'],
    ['negative fractional connections', 'name: x\nsteps: [{ mode: connections, connections: -1.5 }]', 'steps[0].connections: must be a whole number ≥ 1, got -1.5'],
    ['a zero duration', 'name: x\nsteps: [{ mode: rate, rate: 5, duration: 0s }]', 'steps[0].duration: must be longer than 0s, got "0s"'],
    ['a 10-minute warm-up', 'name: x\nsteps: [{ mode: rate, rate: 5, warmup: 10m }]', 'steps[0].warmup: must be shorter than 10m (a longer warm-up is almost certainly a unit mistake ("10m" for "10s") and holds a cluster for nothing), got "10m"'],
    ['a timeout beyond the histograms', 'name: x\ndefaults: { timeout: 2m }\nsteps: [{ mode: rate, rate: 5 }]', 'defaults.timeout: must be from 1ms to 60s (latencies are recorded up to 60 s), got "2m"'],
    ['a bad arrival', 'name: x\ndefaults: { arrival: random }\nsteps: [{ mode: rate, rate: 5 }]', 'defaults.arrival: must be "uniform" or "poisson", got "random"'],
    ['zero workers', 'name: x\ndefaults: { workers: 0 }\nsteps: [{ mode: rate, rate: 5 }]', 'defaults.workers: must be a whole number ≥ 1 or "auto", got 0'],
    ['an error budget above 1', 'name: x\nerrorBudget: 5\nsteps: [{ mode: rate, rate: 5 }]', 'errorBudget: must be a fraction from 0 to 1 (e.g. 0.001) or a percentage (e.g. "0.1%"), got 5'],
    ['an ambiguous size unit', 'name: x\nworkload: { responseBytes: 1KB }\nsteps: [{ mode: rate, rate: 5 }]', 'workload.responseBytes: must be a size like "512B", "1KiB", "2MiB", "1kB", "1MB" or a whole number of bytes, got "1KB"'],
    ['a path without a slash', 'name: x\nworkload: { path: api }\nsteps: [{ mode: rate, rate: 5 }]', 'workload.path: must be a request path starting with "/", without spaces, got "api"'],
    ['a minRateFraction above 1', 'name: x\nthresholds: { minRateFraction: 1.5 }\nsteps: [{ mode: rate, rate: 5 }]', 'thresholds.minRateFraction: must be a number greater than 0 and at most 1 (e.g. 0.99), got 1.5'],
    ['zero installs', 'name: x\ninstalls: 0\nsteps: [{ mode: rate, rate: 5 }]', 'installs: must be a whole number ≥ 1, got 0'],
    ['fractional installs', 'name: x\ninstalls: 1.5\nsteps: [{ mode: rate, rate: 5 }]', 'installs: must be a whole number ≥ 1, got 1.5'],
    [
      'installs above their limit',
      'name: x\ninstalls: 21\nsteps: [{ mode: rate, rate: 5 }]',
      `installs: must be at most 20 (${LIMITS.installs.why}), got 21`,
    ],
    [
      'installs × repetitions above the repetitions a step may keep',
      'name: x\ninstalls: 11\nrepetitions: 10\nsteps: [{ mode: rate, rate: 5 }]',
      `installs: 11 × repetitions 10 gives 110 repetitions of each step: must be at most 100 repetitions per step (${LIMITS.totalRepetitions.why})`,
    ],
    ['a typo of installs', 'name: x\ninstall: 2\nsteps: [{ mode: rate, rate: 5 }]', `install: unknown field (did you mean "installs"?); allowed: ${TOP_FIELDS}`],
    ['an empty value', 'name: x\nsteps: [{ mode: rate, rate: }]', 'steps[0].rate: must be a positive number of requests per second, got an empty value'],
    ['a duplicate key', 'name: x\nname: y\nsteps: [{ mode: rate, rate: 5 }]', 'invalid YAML at line 2, column 1: Map keys must be unique'],
    ['an alias to no anchor', 'name: *x\nsteps: [{ mode: rate, rate: 5 }]', 'invalid YAML: Unresolved alias (the anchor must be set before the alias): x'],
  ];
  it.each(cases)('%s', (_title, text, expected) => {
    expect(parseRejection(text).message).toBe(`inline.yaml: ${expected}`);
  });
});
