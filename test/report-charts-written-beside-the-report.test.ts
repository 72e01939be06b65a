import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Deps } from '../src/core/deps.js';
import type { Platform, PreparedSystem } from '../src/platform/platform.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { renderChartFiles } from '../src/report/charts/report-charts.js';
import { writeRunResult } from '../src/report/result-file.js';
import { bench } from './helpers/cli.js';
import { FakeClock } from './helpers/fake-clock.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';
import { makeRepetition } from './helpers/repetition-factory.js';
import { loadTwoSystemFixture, twoSystemFixturePath } from './helpers/run-result-factory.js';

const fixture = loadTwoSystemFixture();

function imageLinks(markdown: string): string[] {
  return [...markdown.matchAll(/!\[(?:\\.|[^\]\\])*\]\(([^)]*)\)/g)].map((m) => m[1] ?? '');
}

const SCENARIO = `
name: tiny
repetitions: 2
steps:
  - { mode: rate, rate: 100, duration: 1s, warmup: 0s }
  - { mode: rate, rate: 200, duration: 1s, warmup: 0s }
`;

/** A local-like platform measuring canned repetitions; `onMeasure` looks at the disk before each one. */
function fakePlatform(onMeasure: () => void): Platform {
  return {
    target: 'local',
    supports: (id: string) => id === 'baseline',
    unsupportedReason: (id: string) => `${id} is not supported here`,
    async prepare(): Promise<PreparedSystem> {
      return {
        variants: ['baseline'],
        async measure(_variant, step) {
          onMeasure();
          const { repetition: _r, resources: _res, ...run } = makeRepetition({ mode: 'rate' });
          return { run: { ...run, step }, resources: null };
        },
        versions: () => ({}),
        meshComponents: () => [],
        teardown: async () => {},
      };
    },
  };
}

describe('chart files beside report.md', () => {
  it('are drawn once, when the run writes its final report, and every image the report links to exists', async () => {
    const fs = new MemoryFileSystem({ '/scenario.yaml': SCENARIO });
    const deps: Deps = { runner: new FakeRunner(), fs, clock: new FakeClock(), logger: new RecordingLogger(), cwd: '/', env: {} };
    const chartsSeen: number[] = [];
    const outcome = await runBenchmark(
      { scenarioPath: '/scenario.yaml', systems: ['baseline'], outDir: '/results', command: ['bench', 'run'] },
      {
        ...deps,
        platform: fakePlatform(() => chartsSeen.push([...fs.files.keys()].filter((p) => p.includes('/charts/')).length)),
        availableCores: 2,
        signal: new AbortController().signal,
        repoDir: '/repo',
      },
    );
    // Four repetitions measured, results saved after each: no chart drawn for any of those interim saves.
    expect(chartsSeen).toEqual([0, 0, 0, 0]);
    const report = fs.read(`${outcome.dir}/report.md`) ?? '';
    const linked = imageLinks(report);
    expect(linked).toEqual(['charts/spectrum-rate-100.svg', 'charts/spectrum-rate-200.svg', 'charts/latency-vs-load.svg']);
    for (const path of linked) expect(fs.read(`${outcome.dir}/${path}`)).toMatch(/^<svg /);
    const chartWrites = fs.calls.filter((c) => c.op === 'writeFileAtomic' && c.path.includes('/charts/'));
    expect(chartWrites.map((c) => c.path)).toEqual(linked.map((p) => `${outcome.dir}/${p}`));
  });

  it('are written by writeRunResult only when asked, each atomically, with the bytes renderChartFiles draws', async () => {
    const without = new MemoryFileSystem();
    await writeRunResult('/out', fixture, { fs: without });
    expect([...without.files.keys()].filter((p) => p.startsWith('/out/charts'))).toEqual([]);

    const fs = new MemoryFileSystem();
    await writeRunResult('/out', fixture, { fs }, { charts: true });
    const expected = await renderChartFiles(fixture);
    expect(expected.length).toBeGreaterThan(0);
    expect(fs.calls.filter((c) => c.path.startsWith('/out/charts'))).toEqual([
      { op: 'mkdir', path: '/out/charts' },
      ...expected.map((f) => ({ op: 'writeFileAtomic', path: `/out/${f.path}` })),
    ]);
    for (const f of expected) expect(fs.read(`/out/${f.path}`)).toBe(f.svg);
  });
});

describe('bench report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mesh-bench-charts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('redraws the charts beside the report it rewrites, byte for byte; --stdout writes none', async () => {
    const json = join(dir, 'results.json');
    copyFileSync(twoSystemFixturePath, json);
    const printed = await bench(['report', json, '--stdout']);
    expect(printed.code).toBe(0);
    expect(existsSync(join(dir, 'charts'))).toBe(false);

    const written = await bench(['report', json]);
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
    const linked = imageLinks(readFileSync(join(dir, 'report.md'), 'utf8'));
    expect(linked.length).toBeGreaterThan(0);
    const expected = await renderChartFiles(fixture);
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(expected.map((f) => f.path.replace('charts/', '')).sort());
    for (const f of expected) expect(readFileSync(join(dir, f.path), 'utf8')).toBe(f.svg);
    expect(linked).toEqual(expected.map((f) => f.path));

    writeFileSync(join(dir, expected[0]!.path), 'stale');
    expect((await bench(['report', json])).code).toBe(0);
    expect(readFileSync(join(dir, expected[0]!.path), 'utf8')).toBe(expected[0]!.svg);
  });
});
