import { describe, expect, it } from 'vitest';
import { reportCommand } from '../src/cli/commands/report-command.js';
import type { Deps } from '../src/core/deps.js';
import { ExitCode, InputError } from '../src/core/errors.js';
import type { LoadRun } from '../src/core/result-schema.js';
import type { ResolvedLoadStep } from '../src/core/scenario-types.js';
import { sloSearchSchema } from '../src/core/slo-schema.js';
import type { CeilingSource } from '../src/pipeline/measure-step.js';
import { runBenchmark, type RunOutcome } from '../src/pipeline/run-benchmark.js';
import type { Platform, PreparedSystem } from '../src/platform/platform.js';
import { readRunResult } from '../src/report/result-file.js';
import { FakeClock } from './helpers/fake-clock.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';
import { latencyProfile, makeRepetition } from './helpers/repetition-factory.js';

/**
 * An slo step whose engine ceiling could not be measured (src/pipeline/measure-step.ts): nothing was searched, so the
 * result publishes `ceiling: null` — no made-up rate — and the repetition is invalid with the reason; the report says
 * in words that the ceiling was not measured and never shows a rate the engine did not reach. Results written before
 * (with the placeholder `{ rate: 1, source: 'not measured' }`) still read, as not measured, and render the same report.
 * The platform models a system of capacity 1000 req/s and measures only rate probes; the ceiling source answers from a
 * list, one answer per search, and refuses a search it was not given an answer for.
 */
const scenario = (repetitions: number): string => `
name: capacity
repetitions: ${repetitions}
steps:
  - mode: slo
    name: cap
    objective: { p99: 5ms }
    startRate: 100
    precision: 5%
    confirmations: 1
    duration: 1s
    warmup: 0s
`;
const REASON = "the engine's ceiling could not be measured: no fixed rate met bench calibrate's pacing targets on loopback";

function probeRun(step: ResolvedLoadStep): LoadRun {
  const rate = step.rate!;
  const ok = rate <= 1000;
  const { repetition: _r, resources: _res, install: _i, ...run } = makeRepetition({
    sentUs: latencyProfile({ p50Us: 1000, p99Us: 2000 }),
    intendedUs: latencyProfile({ p50Us: 1000, p99Us: ok ? 2000 : 10_000 }),
  });
  return { ...run, step, targetRate: rate, achievedRate: rate };
}

function modelPlatform(probed: number[]): Platform {
  return {
    target: 'local',
    supports: (id) => id === 'baseline',
    unsupportedReason: (id) => `${id} is not modelled`,
    async prepare(id): Promise<PreparedSystem> {
      return {
        variants: [id],
        async measure(_variant, step) {
          if (step.mode !== 'rate' || step.rate === null) throw new Error(`the model measures rate probes only, got ${step.mode}`);
          probed.push(step.rate);
          return { run: probeRun(step), resources: null };
        },
        versions: () => ({}),
        meshComponents: () => [],
        teardown: async () => {},
      };
    },
  };
}

async function run(ceilings: Array<{ rate: number; source: string } | null>): Promise<{ fs: MemoryFileSystem; outcome: RunOutcome; probed: number[] }> {
  const fs = new MemoryFileSystem({ '/scenario.yaml': scenario(ceilings.length) });
  const deps: Deps = { runner: new FakeRunner(), fs, clock: new FakeClock(), logger: new RecordingLogger(), cwd: '/', env: {} };
  const probed: number[] = [];
  const answers = [...ceilings];
  const engineCeiling: CeilingSource = async (step) => {
    if (answers.length === 0) throw new Error(`no engine ceiling was set up for another search of ${step.name}`);
    return answers.shift()!;
  };
  const outcome = await runBenchmark(
    { scenarioPath: '/scenario.yaml', systems: ['baseline'], outDir: '/results', command: ['bench', 'run'] },
    { ...deps, platform: modelPlatform(probed), availableCores: 2, signal: new AbortController().signal, repoDir: '/repo', engineCeiling },
  );
  expect(answers).toEqual([]);
  return { fs, outcome, probed };
}

/** The repetitions of the run's one step, as written in results.json (raw JSON, not through the schema). */
function writtenRepetitions(fs: MemoryFileSystem, dir: string): Array<Record<string, unknown> & { slo: Record<string, unknown> }> {
  const json = JSON.parse(fs.read(`${dir}/results.json`)!) as { systems: Array<{ steps: Array<{ repetitions: never[] }> }> };
  return json.systems[0]!.steps[0]!.repetitions;
}

function sloSection(report: string): string {
  const start = report.indexOf('## Capacity under a latency objective');
  expect(start).toBeGreaterThanOrEqual(0);
  const next = report.indexOf('\n## ', start + 1);
  return report.slice(start, next < 0 ? undefined : next);
}

/** A rate of exactly 1 req/s anywhere in the text (not 100 or 0.1 req/s). */
const RATE_OF_ONE = /(^|[^\d.])1 req\/s/;

describe('an slo step whose engine ceiling could not be measured', () => {
  it('publishes ceiling null, not a made-up rate, and its repetitions invalid with the reason, with nothing probed', async () => {
    const { fs, outcome, probed } = await run([null, null]);
    expect(probed).toEqual([]);
    const reps = writtenRepetitions(fs, outcome.dir);
    expect(reps).toHaveLength(2);
    for (const rep of reps) {
      expect(rep.slo.ceiling).toBeNull();
      expect(rep.slo.broken).toBe(REASON);
      expect(rep.slo.found).toBeNull();
      expect(rep.slo.probes).toEqual([]);
      expect(rep.status).toBe('invalid');
      expect(rep.invalidReasons).toEqual([`SLO search: ${REASON}`]);
    }
    expect(fs.read(`${outcome.dir}/results.json`)).not.toContain('"source": "not measured"');
  });

  it('has a report saying the ceiling was not measured, with no capacity and never a rate of 1 req/s', async () => {
    const { fs, outcome } = await run([null, null]);
    const section = sloSection(fs.read(`${outcome.dir}/report.md`)!);
    expect(section).toContain('Engine ceiling: not measured before any search, so none ran (no answer; the reason is below).');
    expect(section.split('\n').find((l) => l.startsWith('| baseline '))).toBe('| baseline | no answer | — | 0 (+2 broken) | — |');
    expect(section).toContain(`- baseline, repetition 1: no answer — ${REASON}`);
    expect(section).toContain(`- baseline, repetition 2: no answer — ${REASON}`);
    expect(section).not.toMatch(RATE_OF_ONE);
    expect(section).not.toContain('Engine ceiling: not measured.');
  });

  it('when measured before one search and not the other, names the one measured and counts the one not', async () => {
    const { fs, outcome, probed } = await run([{ rate: 300, source: 'measured before the search: 300 req/s' }, null]);
    // The measured search was bounded by its ceiling; the other never probed.
    expect(probed.length).toBeGreaterThan(0);
    expect(Math.max(...probed)).toBe(300);
    const reps = writtenRepetitions(fs, outcome.dir);
    expect(reps.map((r) => r.slo.ceiling)).toEqual([{ rate: 300, source: 'measured before the search: 300 req/s' }, null]);
    expect(reps.map((r) => r.status)).toEqual(['valid', 'invalid']);
    const section = sloSection(fs.read(`${outcome.dir}/report.md`)!);
    expect(section).toContain('Engine ceiling: measured before the search: 300 req/s (the search that ran).');
    expect(section).toContain('Engine ceiling: not measured before 1 of 2 searches, which did not run (no answer; the reason is below).');
    expect(section).toContain(`- baseline, repetition 2: no answer — ${REASON}`);
    expect(section).not.toMatch(RATE_OF_ONE);
  });

  it('with one search, or with ceilings measured at several values before the others, says which searches ran', async () => {
    const alone = await run([null]);
    const one = sloSection(alone.fs.read(`${alone.outcome.dir}/report.md`)!);
    expect(one).toContain('Engine ceiling: not measured before the search, so it did not run (no answer; the reason is below).');
    expect(one).not.toMatch(RATE_OF_ONE);

    const several = await run([{ rate: 300, source: 'measured: 300 req/s' }, { rate: 250, source: 'measured: 250 req/s' }, null]);
    const three = sloSection(several.fs.read(`${several.outcome.dir}/report.md`)!);
    expect(three).toContain('Engine ceilings: measured before each search that ran (2 values; per repetition in results.json).');
    expect(three).toContain('Engine ceiling: not measured before 1 of 3 searches, which did not run (no answer; the reason is below).');
    expect(three).toContain(`- baseline, repetition 3: no answer — ${REASON}`);
    expect(three).not.toMatch(RATE_OF_ONE);
  });

  it('read from an older results.json carrying the placeholder rate of 1, is not measured and renders the same report', async () => {
    const { fs, outcome } = await run([null, null]);
    const path = `${outcome.dir}/results.json`;
    const written = fs.read(path)!;
    const report = fs.read(`${outcome.dir}/report.md`)!;
    const older = written.replaceAll('"ceiling": null', '"ceiling": {\n            "rate": 1,\n            "source": "not measured"\n          }');
    expect(older.match(/"rate": 1,\n\s+"source": "not measured"/g)).toHaveLength(2);
    await fs.writeFileAtomic(path, older);

    const read = await readRunResult(path, { fs });
    expect(read.systems[0]!.steps[0]!.repetitions.map((r) => r.slo?.ceiling)).toEqual([null, null]);
    const out: string[] = [];
    const code = await reportCommand({ path, flags: { stdout: true }, deps: { fs }, io: { out: (t) => void out.push(t), err: () => undefined } });
    expect(code).toBe(ExitCode.ok);
    expect(out.join('')).toBe(report);
    expect(sloSection(out.join(''))).not.toMatch(RATE_OF_ONE);
  });

  it('read back, keeps a ceiling of 1 req/s that was given (only the old placeholder, rate 1 and "not measured", is null)', async () => {
    const { fs, outcome } = await run([null, null]);
    const path = `${outcome.dir}/results.json`;
    const given = fs.read(path)!.replaceAll('"ceiling": null', '"ceiling": { "rate": 1, "source": "the scenario (engineCeiling)" }');
    await fs.writeFileAtomic(path, given);
    const read = await readRunResult(path, { fs });
    expect(read.systems[0]!.steps[0]!.repetitions.map((r) => r.slo?.ceiling)).toEqual([
      { rate: 1, source: 'the scenario (engineCeiling)' },
      { rate: 1, source: 'the scenario (engineCeiling)' },
    ]);
    // Nor is any other rate read as not measured for its source alone.
    const search = read.systems[0]!.steps[0]!.repetitions[0]!.slo!;
    expect(sloSearchSchema.parse({ ...search, ceiling: { rate: 2, source: 'not measured' } }).ceiling).toEqual({ rate: 2, source: 'not measured' });
    expect(sloSearchSchema.parse({ ...search, ceiling: { rate: 1, source: 'not measured' } }).ceiling).toBeNull();
  });

  it('read back, refuses a not-measured ceiling beside a search that ran, naming the file and field', async () => {
    const { fs, outcome } = await run([null, null]);
    const path = `${outcome.dir}/results.json`;
    const written = fs.read(path)!;
    const probe = { rate: 100, outcome: 'meets', achievedRate: 100, errorRate: 0, latencyUs: { p99: 2000 }, reasons: [] };
    const cases: Array<[string, (slo: Record<string, unknown>) => void, string]> = [
      ['probes', (slo) => void (slo.probes = [probe]), 'the search has 1 probes'],
      ['found', (slo) => void (slo.found = 100), 'the search has found 100'],
      ['broken', (slo) => void (slo.broken = null), 'the search has broken null'],
    ];
    for (const [what, edit, says] of cases) {
      const json = JSON.parse(written) as { systems: Array<{ steps: Array<{ repetitions: Array<{ slo: Record<string, unknown> }> }> }> };
      edit(json.systems[0]!.steps[0]!.repetitions[1]!.slo);
      await fs.writeFileAtomic(path, JSON.stringify(json));
      const err = await readRunResult(path, { fs }).then(() => null, (e: unknown) => e);
      expect(err, what).toBeInstanceOf(InputError);
      const line = (err as Error).message;
      expect(line, what).toContain(path);
      expect(line, what).toContain('systems[0].steps[0].repetitions[1].slo.ceiling');
      expect(line, what).toContain(`null (not measured, so no search ran) but ${says}`);
    }
  });
});
