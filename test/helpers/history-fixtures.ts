import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nightComparisonSchema } from '../../src/history/render-history.js';
import type { ResolvedScenario } from '../../src/core/scenario-types.js';
import { makeRecord, serializeRecord } from '../../src/history/make-record.js';
import { mergedNight } from './nightly-merge-fixture.js';
import { nightlyScenario, perRunnerRun } from './per-runner-run-factory.js';

/**
 * How test/fixtures/history/results was made: three nights of two runners (istio-ambient, linkerd; each with its
 * baseline and unmeshed namespace), merged and committed as record.json, with the compare.json the nightly stores
 * against the night before on nights two and three (istio-ambient's p99 regresses on the third). The committed files
 * are the test input; regenerate them with writeHistoryFixtures(dir) only when the record schema changes. They are
 * plain JSON, as nights were committed before the nightly gzip-compressed them (record.json.gz, compare.json.gz): so
 * they also prove that older nights still read.
 */
/** Writes `text` to `name` under `root`, its folders created; returns the file's path. */
export function writeUnder(root: string, name: string, text: string): string {
  const file = join(root, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const scenario: ResolvedScenario = { ...nightlyScenario, steps: [nightlyScenario.steps[2]!, nightlyScenario.steps[5]!] };
const NIGHTS = ['2026-11-28', '2026-11-29', '2026-11-30'];
const FP = { cpuModel: 'AMD EPYC 7763 64-Core Processor', cores: 4 };

export function writeHistoryFixtures(root: string): void {
  // Everything is built before anything is removed: a generator that throws leaves the committed files alone.
  const files = new Map<string, string>();
  NIGHTS.forEach((night, n) => {
    const runs = [
      perRunnerRun({ mesh: 'istio-ambient', p50Us: { baseline: 300, unmeshed: 305, mesh: 350 + (n === 2 ? 40 : 0) }, hostname: `fv-az${300 + n}`, cpuModel: FP.cpuModel, createdAt: `${night}T02:17:00.000Z`, seed: 10 + n, strata: 40, scenario }),
      perRunnerRun({ mesh: 'linkerd', p50Us: { baseline: 290, unmeshed: 292, mesh: 410 }, hostname: `fv-az${400 + n}`, cpuModel: 'AMD EPYC 9V74 80-Core Processor', createdAt: `${night}T02:18:00.000Z`, seed: 20 + n, strata: 40, scenario }),
    ];
    const merged = mergedNight(runs);
    files.set(join(merged.runId, 'record.json'), serializeRecord(makeRecord(merged)));
    if (n > 0) files.set(join(merged.runId, 'compare.json'), `${JSON.stringify(nightComparison(NIGHTS[n - 1]!, merged.runId, merged.createdAt, n === 2), null, 2)}\n`);
  });
  // Not a run: bench calibrate's directory, which the history must pass over.
  files.set(join('calibration', 'calibration.md'), 'not a run\n');
  rmSync(root, { recursive: true, force: true });
  for (const [path, text] of files) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/**
 * A `bench compare` report as src/compare/compare-report.ts wrote it when these fixtures were made. Checked here only
 * against what the history reads (nightComparisonSchema): the compare report's own schema is the compare tests' to pin.
 */
function nightComparison(previous: string, runId: string, createdAt: string, regressed: boolean): object {
  const row = (metric: 'p50' | 'p99', regression: boolean) => ({
    oldSystem: 'istio-ambient', newSystem: 'istio-ambient', step: 'rate-1000', metric, kind: 'latency' as const, role: null, unit: 'us' as const,
    sameMachine: true,
    old: { median: 395, n: 5 }, new: { median: regression ? 512 : 397, n: 5 },
    change: { value: regression ? 117 : 2, ci95: (regression ? [98, 139] : [-9, 12]) as [number, number] },
    changeConfidence: 0.968,
    changeFraction: { value: regression ? 0.2962 : 0.0051, ci95: (regression ? [0.2481, 0.3519] : [-0.023, 0.03]) as [number, number] },
    pValue: regression ? 0.0079 : 0.69, minimumDetectable: 14, minimumDetectableNote: null, minimumPValue: 0.0079, coverageWarning: null,
    noiseFloor: { oldNights: 0, newNights: 0, oldSpread: null, newSpread: null, floor: null, fromInstalls: null },
    verdict: regression ? ('regression' as const) : ('not-significant' as const),
    reason: regression ? '+29.6% and +117 µs exceed 10% and 100 µs, p=0.008 < 0.01' : 'p=0.69 ≥ 0.01',
    scope: 'two-runs' as const,
    covers: 'repetition-to-repetition variation only',
  });
  const report = {
    kind: 'mesh-bench/compare', schemaVersion: 1, mode: 'runs',
    old: { runId: `${previous}T02-17-00Z-default-merged`, createdAt: `${previous}T02:17:00.000Z`, scenario: 'default', fingerprint: FP, perSystemRunners: true },
    new: { runId, createdAt, scenario: 'default', fingerprint: FP, perSystemRunners: true },
    sameMachine: true,
    gate: { alpha: 0.01, latencyFraction: 0.1, latencyMinUs: 100, memoryFraction: 0.1, cpuFraction: 0.1, throughputFraction: 0.1, allowDifferentMachines: false },
    statistic: 'Hodges–Lehmann shift with exact Wilcoxon–Mann–Whitney p',
    history: null,
    pairs: [{ oldSystem: 'istio-ambient', newSystem: 'istio-ambient', oldRunner: FP, newRunner: FP, sameMachine: true }],
    rows: [row('p99', regressed), row('p50', false)],
    notes: [], regressions: regressed ? 1 : 0, outcome: regressed ? 'regression' : 'clean',
  };
  nightComparisonSchema.parse(report);
  return report;
}
