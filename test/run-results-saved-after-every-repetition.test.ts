import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Deps } from '../src/core/deps.js';
import { runResultSchema } from '../src/core/result-schema.js';
import type { Platform, PreparedSystem } from '../src/platform/platform.js';
import { runBenchmark, type RunOutcome } from '../src/pipeline/run-benchmark.js';
import { FakeClock } from './helpers/fake-clock.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';
import { makeRepetition } from './helpers/repetition-factory.js';
import { bench } from './helpers/cli.js';

const SCENARIO = `
name: tiny
repetitions: 3
steps:
  - mode: rate
    rate: 100
    duration: 1s
    warmup: 0s
`;

/** A platform whose measure calls `onMeasure` first (to look at what is on disk at that moment). */
function fakePlatform(onMeasure: () => Promise<void> = async () => {}): Platform & { prepared: number } {
  const platform = {
    target: 'local' as const,
    prepared: 0,
    supports: (id: string) => id === 'baseline',
    unsupportedReason: (id: string) => `${id} is not supported here`,
    async prepare(): Promise<PreparedSystem> {
      platform.prepared++;
      return {
        variants: ['baseline'],
        async measure(_variant, step) {
          await onMeasure();
          const { repetition: _r, resources: _res, ...run } = makeRepetition({ mode: 'rate' });
          return { run: { ...run, step }, resources: null };
        },
        versions: () => ({}),
        meshComponents: () => [],
        teardown: async () => {},
      };
    },
  };
  return platform;
}

function setup(fs = new MemoryFileSystem({ '/scenario.yaml': SCENARIO }), clock = new FakeClock()) {
  const deps: Deps = { runner: new FakeRunner(), fs, clock, logger: new RecordingLogger(), cwd: '/', env: {} };
  const run = (platform: Platform, outDir = '/results'): Promise<RunOutcome> =>
    runBenchmark(
      { scenarioPath: '/scenario.yaml', systems: ['baseline'], outDir, command: ['bench', 'run'] },
      { ...deps, platform, availableCores: 2, signal: new AbortController().signal, repoDir: '/repo' },
    );
  return { fs, clock, run };
}

describe('results are written after every repetition', () => {
  it('has every repetition measured so far on disk before the next one starts, marked interrupted until the run ends', async () => {
    const { fs, run } = setup();
    const seen: Array<{ reps: number; status: string } | null> = [];
    const outcome = await run(
      fakePlatform(async () => {
        const dir = (await fs.readdir('/results'))[0]!;
        const text = fs.read(`/results/${dir}/results.json`);
        if (text === undefined) return void seen.push(null);
        const r = runResultSchema.parse(JSON.parse(text));
        seen.push({ reps: r.systems[0]!.steps[0]!.repetitions.length, status: r.status });
      }),
    );
    expect(seen).toEqual([null, { reps: 1, status: 'interrupted' }, { reps: 2, status: 'interrupted' }]);
    const final = runResultSchema.parse(JSON.parse(fs.read(`${outcome.dir}/results.json`)!));
    expect(final.status).toBe('completed');
    expect(final.systems[0]!.steps[0]!.repetitions).toHaveLength(3);
  });
});

describe('the run directory is created exclusively', () => {
  it('gives two runs started in the same second a directory each (-2), both complete', async () => {
    const { fs, run } = setup();
    const [a, b] = await Promise.all([run(fakePlatform()), run(fakePlatform())]);
    expect([a.dir, b.dir].sort()).toEqual(['/results/2026-11-21T05-49-00Z-tiny', '/results/2026-11-21T05-49-00Z-tiny-2']);
    for (const o of [a, b]) {
      const r = runResultSchema.parse(JSON.parse(fs.read(`${o.dir}/results.json`)!));
      expect(r.status).toBe('completed');
      expect(r.systems[0]!.steps[0]!.repetitions).toHaveLength(3);
    }
  });

  it('never takes over a directory that appeared after the name was chosen (exclusive mkdir, not exists-then-create)', async () => {
    const { fs, run } = setup();
    // Another run's folder already there, with its results.
    await fs.mkdir('/results/2026-11-21T05-49-00Z-tiny');
    await fs.writeFileAtomic('/results/2026-11-21T05-49-00Z-tiny/results.json', 'theirs');
    const outcome = await run(fakePlatform());
    expect(outcome.dir).toBe('/results/2026-11-21T05-49-00Z-tiny-2');
    expect(fs.read('/results/2026-11-21T05-49-00Z-tiny/results.json')).toBe('theirs');
    expect(fs.calls.filter((c) => c.op === 'exists')).toEqual([]);
  });
});

describe('an --out that cannot be written is refused before anything starts', () => {
  const cases: Array<[string, (fs: MemoryFileSystem) => void, string, RegExp]> = [
    ['a file', (fs) => void fs.files.set('/results', 'x'), '/results', /^--out: \/results is a file, not a directory$/],
    ['under a file', (fs) => void fs.files.set('/data', 'x'), '/data/results', /^--out: \/data \(a parent of \/data\/results\) is a file, not a directory$/],
    ['a read-only folder', (fs) => void (fs.dirs.add('/ro'), fs.readOnly.add('/ro')), '/ro/results', /^--out: \/ro \(a parent of \/ro\/results\) is not writable/],
    ['under /proc', (fs) => void (fs.dirs.add('/proc'), fs.pseudo.set('/proc', 'proc')), '/proc/results', /^--out: \/proc \(a parent of \/proc\/results\) is on the proc pseudo-filesystem/],
    ['empty', () => {}, '', /^--out: must not be empty/],
  ];
  for (const [what, arrange, out, message] of cases) {
    it(`exits 2 naming --out, prepares nothing and creates nothing when --out is ${what}`, async () => {
      const { fs, run } = setup();
      arrange(fs);
      const dirsBefore = [...fs.dirs].sort();
      const platform = fakePlatform();
      const error = await run(platform, out).catch((e: unknown) => e);
      expect(error).toMatchObject({ exitCode: 2 });
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message.split('\n')).toHaveLength(1);
      expect(platform.prepared).toBe(0);
      expect([...fs.dirs].sort()).toEqual(dirsBefore);
      expect(fs.calls.some((c) => c.op === 'mkdir' || c.op === 'mkdirExclusive' || c.op === 'writeFileAtomic')).toBe(false);
    });
  }
});

describe('two real runs in the same folder at once', () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-concurrent-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('end in two folders, both complete', async () => {
    const args = ['run', '--target', 'local', '--mesh', 'baseline', '--scenario', 'test/fixtures/cli/quick.yaml', '--out', out];
    const [a, b] = await Promise.all([bench(args), bench(args)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const dirs = readdirSync(out).sort();
    expect(dirs).toHaveLength(2);
    for (const d of dirs) {
      // Each run printed its own folder.
      expect([a.stdout, b.stdout].filter((s) => s.includes(join(out, d, 'results.json')))).toHaveLength(1);
      const r = runResultSchema.parse(JSON.parse(readFileSync(join(out, d, 'results.json'), 'utf8')));
      expect(r.status).toBe('completed');
      expect(r.systems[0]!.steps.map((s) => s.repetitions.length)).toEqual([2, 2]);
    }
  });
});
