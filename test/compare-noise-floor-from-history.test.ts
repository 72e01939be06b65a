import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { makeRecord } from '../src/history/make-record.js';
import { ExitCode } from '../src/core/errors.js';
import { compareRuns } from '../src/compare/compare-runs.js';
import { DEFAULT_GATE } from '../src/compare/gate-flags.js';
import { compareCommand } from '../src/cli/commands/compare-command.js';
import { compareReportSchema } from '../src/compare/compare-report.js';
import { syntheticRun } from './helpers/compare-run-factory.js';
import { nightSigma, noiseFloor } from '../src/compare/noise-floor.js';
import { tQuantile } from '../src/analysis/t-quantile.js';
import { createRandom } from '../src/analysis/random.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';

/** A night of linkerd whose per-repetition p50s sit around `p50` (median exactly p50). */
function night(day: number, p50: number, o: { cpuModel?: string; scenarioName?: string; rate?: number } = {}): RunResult {
  return syntheticRun({
    runId: `2026-11-${String(day).padStart(2, '0')}T02-00-00Z-nightly`,
    createdAt: `2026-11-${String(day).padStart(2, '0')}T02:00:00.000Z`,
    systems: { linkerd: { r1000: { p50s: [p50 - 10, p50 - 5, p50, p50 + 5, p50 + 10] } } },
    ...o,
  });
}

const NEW_DAY = 20;
/** The old run is the last night before the new one; the new one is +200 µs (+20%) on it, on every repetition. */
const oldRun = night(19, 1000);
const newRun = night(NEW_DAY, 1200);

function compareWith(history: RunResult[]) {
  const runs = history.map(makeRecord);
  return compareRuns({ mode: 'runs', oldLabel: 'old.json', newLabel: 'new.json', oldRun: makeRecord(oldRun), newRun: makeRecord(newRun), history: { runs, skipped: [] }, gate: DEFAULT_GATE });
}

describe('the noise floor from history', () => {
  it('a +200 µs shift within the night-to-night spread of five nights is not a regression', () => {
    // Per-night medians 1000 1150 900 1100 1000: s = √(38 000 / 4) = 97.47 µs, floor = t(0.995, 4) · √2 · s ≈ 635 µs.
    const history = [night(12, 1000), night(14, 1150), night(16, 900), night(18, 1100), oldRun];
    // Ignored: another runner class, another scenario, another step setting, and a night after the new run.
    const ignored = [night(13, 5000, { cpuModel: 'Intel Xeon' }), night(15, 5000, { scenarioName: 'smoke' }), night(17, 5000, { rate: 2000 }), night(21, 5000)];
    const report = compareWith([...history, ...ignored, newRun]);
    const p50 = report.rows.find((r) => r.metric === 'p50');
    expect(p50?.noiseFloor.oldNights).toBe(5);
    expect(report.history?.used).toEqual(history.map((h) => h.runId));
    expect(p50?.noiseFloor.oldSpread).toBeCloseTo(Math.sqrt(38_000 / 4), 3);
    expect(p50?.noiseFloor.floor).toBeCloseTo(4.6041 * Math.SQRT2 * Math.sqrt(38_000 / 4), 1);
    expect(p50?.pValue).toBeLessThan(0.01);
    expect(p50).toMatchObject({ verdict: 'within-noise-floor', change: { value: 200 } });
    expect(p50?.reason).toBe('within install-to-install variation (±635 µs, from history)');
    expect(p50?.covers).toContain('install-to-install variation from history (5 nights)');
    expect(report.outcome).toBe('clean');
  });

  it('the same shift beyond a tight history is a regression, and says the history covered install-to-install variation', () => {
    const history = [night(12, 1000), night(14, 1002), night(16, 998), night(18, 1001), oldRun];
    const report = compareWith(history);
    const p50 = report.rows.find((r) => r.metric === 'p50');
    expect(p50?.noiseFloor.floor).toBeLessThan(10);
    expect(p50?.verdict).toBe('regression');
    expect(p50?.covers).toContain('install-to-install variation from history (5 nights)');
    expect(report.outcome).toBe('regression');
  });

  it('with fewer than 3 earlier nights there is no noise floor: threshold and significance alone decide', () => {
    const report = compareWith([night(18, 1150), oldRun]);
    const p50 = report.rows.find((r) => r.metric === 'p50');
    expect(p50?.noiseFloor).toMatchObject({ floor: null, oldSpread: null, oldNights: 2 });
    expect(report.history?.used).toEqual([]);
    expect(p50?.covers).toContain('no noise floor (2 nights, 3 needed)');
    expect(p50?.verdict).toBe('regression');
  });

  it('bench compare --history reads results/<run>/results.json, skips an unusable run with its reason, and exits 0 within the floor', async () => {
    const history = [night(12, 1000), night(14, 1150), night(16, 900), night(18, 1100), oldRun];
    const files: Record<string, string> = {};
    for (const run of history) files[`/repo/results/${run.runId}/results.json`] = JSON.stringify(run);
    files['/repo/results/2026-11-17T02-00-00Z-nightly/results.json'] = '{"kind": "mesh-bench/run", "schemaVersion": 0}';
    files['/repo/results/README.md'] = '# history';
    files['/repo/new/results.json'] = JSON.stringify(newRun);
    const fs = new MemoryFileSystem(files);
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => undefined };
    const base = { deps: { fs, cwd: '/repo' }, io };
    const oldPath = `/repo/results/${oldRun.runId}`;

    const gated = await compareCommand({ ...base, paths: [oldPath, '/repo/new'], flags: { history: '/repo/results', json: '/repo/compare.json' } });
    expect(gated).toBe(ExitCode.ok);
    const report = compareReportSchema.parse(JSON.parse(fs.read('/repo/compare.json') ?? ''));
    expect(report.history).toEqual({
      runs: 5,
      used: history.map((h) => h.runId),
      skipped: ['2026-11-17T02-00-00Z-nightly/results.json: schemaVersion: unsupported schema version 0 (this harness reads 1)'],
    });
    expect(report.rows.find((r) => r.metric === 'p50')?.verdict).toBe('within-noise-floor');

    const ungated = await compareCommand({ ...base, paths: [oldPath, '/repo/new'], flags: {} });
    expect(ungated).toBe(ExitCode.regression);
    expect(out.join('')).toContain('**Outcome: 3 regressions** (exit code 5).');
  });

  it('with no real change the floor is exceeded at α (within the simulation margin) at 3, 5 and 10 nights, where the z-floor was not (seeded simulation)', () => {
    // Null: every night (history and the two compared) is an independent normal draw, σ = 1; one system in two runs,
    // so both sides' spreads come from the same K earlier nights (the case compare meets night to night).
    const random = createRandom(12);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const alpha = DEFAULT_GATE.alpha;
    const samples = 20_000;
    // 20 000 draws: the standard error of a 1% rate is 0.07 percentage points; the margin is 0.4.
    const margin = 0.004;
    const rates: Record<number, { t: number; z: number }> = {};
    for (const nights of [3, 5, 10]) {
      let overT = 0;
      let overZ = 0;
      for (let i = 0; i < samples; i++) {
        const side = { nights: Array.from({ length: nights }, (_, k) => `night-${k}`), spread: nightSigma(Array.from({ length: nights }, normal)) };
        const change = Math.abs(normal() - normal());
        const floor = noiseFloor(side, side, alpha).floor ?? 0;
        if (change > floor) overT++;
        if (change > tQuantile(1 - alpha / 2, 1e9) * Math.SQRT2 * (side.spread ?? 0)) overZ++;
      }
      rates[nights] = { t: overT / samples, z: overZ / samples };
      expect(overT / samples, `t floor, ${nights} nights`).toBeLessThanOrEqual(alpha + margin);
    }
    // The z quantile (the floor before) ignored that the spread comes from a few nights: at 3 nights about 12 times α.
    expect(rates[3]?.z).toBeGreaterThan(5 * alpha);
    expect(rates[10]?.z).toBeGreaterThan(alpha + margin);
  });

  it('runs that measured several installs bring their own install spread: a shift the installs disagree on is within it', () => {
    // Two installs a side; the new run's installs sit +50 and +350 µs above the old ones: the +200 µs shift is
    // significant on the pooled repetitions, but the installs alone move it by ±300 µs.
    const installs = [1, 1, 1, 2, 2, 2];
    const oldSide = [1000, 1005, 995, 1000, 1005, 995];
    const newSide = [1050, 1055, 1045, 1350, 1355, 1345];
    const mk = (runId: string, day: string, p50s: number[]) =>
      makeRecord(syntheticRun({ runId, createdAt: `2026-11-${day}T02:00:00.000Z`, systems: { linkerd: { r1000: { p50s, installs } } } }));
    const report = compareRuns({ mode: 'runs', oldLabel: 'old', newLabel: 'new', oldRun: mk('a', '01', oldSide), newRun: mk('b', '02', newSide), history: null, gate: DEFAULT_GATE });
    const p50 = report.rows.find((r) => r.metric === 'p50');
    expect(p50?.pValue).toBeLessThan(0.01);
    expect(p50?.noiseFloor.fromInstalls).toMatchObject({ shift: 200, source: '2 + 2 installs' });
    expect(p50?.verdict).toBe('within-noise-floor');
    expect(p50?.reason).toMatch(/^within install-to-install variation \(±\d+ µs, from 2 \+ 2 installs in the runs\)$/);
    expect(p50?.covers).toContain('install-to-install variation from 2 + 2 installs in the runs');
  });
});
