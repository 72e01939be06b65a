import { median } from 'simple-statistics';
import { InputError } from '../core/errors.js';
import type { RecordStep, RunRecord } from '../history/record-schema.js';
import { deriveSeed } from '../analysis/random.js';
import { UNMESHED_SUFFIX } from '../platform/variants.js';
import { installSpreadFromData } from '../analysis/install-spread.js';
import {
  COMPARE_REPORT_KIND,
  COMPARE_REPORT_SCHEMA_VERSION,
  type CompareReport,
  type CompareRow,
  type Fingerprint,
  type Gate,
  type NoiseFloor,
} from './compare-report.js';
import { describeFingerprint, fingerprintOf, sameFingerprint } from './fingerprint.js';
import { judgeChange } from './judge-change.js';
import { metricsFor, type MetricDef } from './metric-series.js';
import { nightSpread, noiseFloor, MIN_NIGHTS, type NightQuery } from './noise-floor.js';
import { minimumPValue, SHIFT_TEST_DESCRIPTION, testShift } from './shift-test.js';

/**
 * `bench compare` as a pure function: two runs (or one run twice, for two of its systems) in, a CompareReport out.
 * No I/O and no clock; every random choice is seeded from the newer run's scenario seed and the row's labels, so the
 * same inputs give the same report byte for byte.
 */
export interface SystemPair {
  oldSystem: string;
  newSystem: string;
}

export interface CompareInput {
  mode: 'runs' | 'systems';
  /** Labels for messages (the paths as given). */
  oldLabel: string;
  newLabel: string;
  oldRun: RunRecord;
  newRun: RunRecord;
  /** `systems` mode: the one pair asked for. `runs` mode: omitted, every system id present in both. */
  pairs?: readonly SystemPair[];
  /** Earlier runs for the noise floor (`--history`), and the files that could not be used; null without --history. */
  history: { runs: readonly RunRecord[]; skipped: readonly string[] } | null;
  gate: Gate;
}

export function compareRuns(input: CompareInput): CompareReport {
  const { oldRun, newRun, gate } = input;
  const pairs = input.pairs ?? commonSystems(oldRun, newRun);
  const notes = input.pairs ? [] : systemsOnOneSide(oldRun, newRun);
  const seed = newRun.scenario.seed;
  const historyRuns = input.history?.runs ?? [];
  const usedNights = new Set<string>();
  const rows: CompareRow[] = [];
  const pairRecords: CompareReport['pairs'] = [];

  for (const pair of pairs) {
    const oldSystem = oldRun.systems.find((s) => s.id === pair.oldSystem);
    const newSystem = newRun.systems.find((s) => s.id === pair.newSystem);
    if (!oldSystem || !newSystem) continue;
    const oldRunner = fingerprintOf(oldRun, pair.oldSystem);
    const newRunner = fingerprintOf(newRun, pair.newSystem);
    const sameMachine = sameFingerprint(oldRunner, newRunner);
    pairRecords.push({ ...pair, oldRunner, newRunner, sameMachine });
    if (!sameMachine) {
      notes.push(
        `${pairLabel(pair)}: different machines: ${describeFingerprint(oldRunner)} (old) vs ${describeFingerprint(newRunner)} (new)` +
          (gate.allowDifferentMachines ? ': judged anyway (--allow-different-machines)' : ': not judged'),
      );
    }
    const oldSteps = new Map(oldSystem.steps.map((s) => [s.name, s]));
    for (const newStep of newSystem.steps) {
      const oldStep = oldSteps.get(newStep.name);
      if (!oldStep) {
        notes.push(`${pair.newSystem}: step ${newStep.name} is in the new run only, not compared`);
        continue;
      }
      if (oldStep.aggregate.latencyBasis !== newStep.aggregate.latencyBasis) {
        notes.push(`${pair.newSystem}: step ${newStep.name} judged on different latency bases: not compared`);
        continue;
      }
      for (const metric of metricsFor(oldStep, newStep)) {
        const queryFor = (systemId: string): NightQuery => ({
          systemId,
          scenarioName: newRun.scenario.name,
          step: newStep.config,
          fingerprint: systemId === pair.oldSystem ? oldRunner : newRunner,
          before: newRun.createdAt,
        });
        // Two namespaces of one cluster share its install: there is no install-to-install variation between them to
        // allow for, and the nights' spread (which includes it) would only hide a real difference.
        let floor = NO_FLOOR;
        if (!withinCluster(input.mode, pair)) {
          const oldSpread = nightSpread(historyRuns, metric, queryFor(pair.oldSystem));
          const newSpread = nightSpread(historyRuns, metric, queryFor(pair.newSystem));
          floor = noiseFloor(oldSpread, newSpread, gate.alpha);
          if (floor.floor !== null) for (const night of [...oldSpread.nights, ...newSpread.nights]) usedNights.add(night);
        }
        rows.push(
          compareMetric({
            pair,
            step: newStep.name,
            metric,
            oldStep,
            newStep,
            floor,
            seed: deriveSeed(seed, `bench-compare:${pair.oldSystem}:${pair.newSystem}:${newStep.name}:${metric.id}`),
            oldRunner,
            newRunner,
            gate,
            scope: input.mode === 'runs' ? 'two-runs' : withinCluster(input.mode, pair) ? 'within-cluster' : 'cross-cluster',
            historyGiven: input.history !== null,
          }),
        );
      }
    }
    for (const oldStep of oldSystem.steps) {
      if (!newSystem.steps.some((s) => s.name === oldStep.name)) notes.push(`${pair.oldSystem}: step ${oldStep.name} is in the old run only, not compared`);
    }
  }
  if (rows.length === 0) {
    throw InputError.single(input.newLabel, 'systems', `no system and step in common with ${input.oldLabel}: nothing to compare`);
  }
  const regressions = rows.filter((r) => r.verdict === 'regression').length;
  return {
    kind: COMPARE_REPORT_KIND,
    schemaVersion: COMPARE_REPORT_SCHEMA_VERSION,
    mode: input.mode,
    old: side(oldRun),
    new: side(newRun),
    sameMachine: rows.every((r) => r.sameMachine),
    gate,
    statistic: SHIFT_TEST_DESCRIPTION,
    history: input.history
      ? {
          runs: input.history.runs.length,
          used: [...input.history.runs]
            .filter((r) => usedNights.has(r.runId))
            .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.runId.localeCompare(b.runId))
            .map((r) => r.runId),
          skipped: [...input.history.skipped],
        }
      : null,
    pairs: pairRecords,
    rows,
    notes,
    regressions,
    outcome: regressions > 0 ? 'regression' : rows.every((r) => r.verdict === 'not-judged') ? 'not-judged' : 'clean',
  };
}

interface MetricComparison {
  pair: SystemPair;
  step: string;
  metric: MetricDef;
  oldStep: RecordStep;
  newStep: RecordStep;
  floor: NoiseFloor;
  seed: number;
  oldRunner: Fingerprint;
  newRunner: Fingerprint;
  gate: Gate;
  scope: CompareRow['scope'];
  historyGiven: boolean;
}

function compareMetric(c: MetricComparison): CompareRow {
  const sameMachine = sameFingerprint(c.oldRunner, c.newRunner);
  const oldValues = c.metric.values(c.oldStep);
  const newValues = c.metric.values(c.newStep);
  // Several fresh installs in the runs measure install-to-install spread directly, as the run's own comparisons do
  // (src/analysis/compare.ts); history, when given, adds its own floor. Figures are rounded before the gate judges
  // them, so the JSON's numbers are exactly the ones the verdict was decided on.
  const fromRuns = c.scope === 'within-cluster' ? null : installSpreadFromData(c.metric.valuesByInstall(c.oldStep), c.metric.valuesByInstall(c.newStep));
  const floor: NoiseFloor = {
    ...c.floor,
    oldSpread: roundOrNull(c.floor.oldSpread),
    newSpread: roundOrNull(c.floor.newSpread),
    floor: roundOrNull(c.floor.floor),
    fromInstalls: fromRuns
      ? { spread: round(fromRuns.spreadUs), shift: round(fromRuns.installShiftUs ?? 0), source: fromRuns.source.replace(/ in this run$/, '') }
      : null,
  };
  const oldMedian = oldValues.length ? median(oldValues) : null;
  const newMedian = newValues.length ? median(newValues) : null;
  const test = oldValues.length && newValues.length ? testShift(oldValues, newValues, c.seed) : null;
  const change = test ? estimate(test.shift) : null;
  const changeFraction =
    change && oldMedian !== null && oldMedian !== 0
      ? estimate({ value: change.value / oldMedian, ci95: [change.ci95[0] / oldMedian, change.ci95[1] / oldMedian] })
      : null;
  const minimumDetectable = test ? roundOrNull(test.minimumDetectable) : null;
  const minP = test ? minimumPValue(oldValues.length, newValues.length) : null;
  const { verdict, reason } = judgeChange(
    {
      metric: c.metric,
      oldN: oldValues.length,
      newN: newValues.length,
      change: change?.value ?? null,
      fraction: changeFraction?.value ?? null,
      // p-values are exact fractions (or seeded estimates): never rounded, so p < alpha reads the same everywhere.
      pValue: test?.pValue ?? null,
      minimumDetectable,
      minimumPValue: minP,
      noiseFloor: floor,
      sameMachine,
    },
    c.gate,
  );
  return {
    oldSystem: c.pair.oldSystem,
    newSystem: c.pair.newSystem,
    step: c.step,
    metric: c.metric.id,
    kind: c.metric.kind,
    role: c.metric.role,
    unit: c.metric.unit,
    sameMachine,
    old: { median: oldMedian, n: oldValues.length },
    new: { median: newMedian, n: newValues.length },
    change,
    changeConfidence: test ? round(test.confidence) : null,
    changeFraction,
    pValue: test ? test.pValue : null,
    minimumDetectable,
    minimumDetectableNote: test ? test.minimumDetectableNote : null,
    minimumPValue: minP,
    coverageWarning: test ? test.coverageWarning : null,
    noiseFloor: floor,
    verdict,
    reason,
    scope: c.scope,
    covers: covers(c.scope, c.oldRunner, c.newRunner, floor, c.historyGiven),
  };
}

/**
 * What a row's verdict accounts for, in words (issue 12: beside every verdict, which variation it covers). Short: it is
 * repeated on every row of a JSON the nightly commits; the runner classes themselves are in the report's `pairs`.
 */
function covers(scope: CompareRow['scope'], oldRunner: Fingerprint, newRunner: Fingerprint, floor: NoiseFloor, historyGiven: boolean): string {
  if (scope === 'within-cluster') return 'repetitions of two namespaces of one cluster; one install: no install-to-install variation';
  const repetitions = scope === 'two-runs' ? 'repetitions of each run' : 'repetitions of two clusters of one run';
  const machine = sameFingerprint(oldRunner, newRunner) ? 'same runner class' : 'different machines: their difference is part of the change';
  const nights = nightsText(Math.min(floor.oldNights, floor.newNights));
  const fromHistory = floor.floor !== null ? `history (${nights})` : null;
  const fromInstalls = floor.fromInstalls ? `${floor.fromInstalls.source} in the runs` : null;
  const sources = [fromInstalls, fromHistory].filter((s): s is string => s !== null);
  const install = sources.length
    ? `install-to-install variation from ${sources.join(' and ')}`
    : !historyGiven
      ? 'not install-to-install variation (no --history)'
      : `not install-to-install variation: no noise floor (${nights}, ${MIN_NIGHTS} needed)`;
  return `${repetitions}; ${machine}; ${install}`;
}

const NO_FLOOR: NoiseFloor = { oldNights: 0, newNights: 0, oldSpread: null, newSpread: null, floor: null, fromInstalls: null };

/**
 * Derived figures are kept to 6 significant digits: far below any difference the gate can see, and it keeps the JSON
 * the nightly commits small (a night has ~1000 rows). The gate judges the rounded values (compareMetric).
 */
function round(x: number): number {
  return Number(x.toPrecision(6));
}

function roundOrNull(x: number | null): number | null {
  return x === null ? null : round(x);
}

function estimate(e: { value: number; ci95: readonly [number, number] }): { value: number; ci95: [number, number] } {
  return { value: round(e.value), ci95: [round(e.ci95[0]), round(e.ci95[1])] };
}

/**
 * The JSON as written (`--json`, and `compare.json` beside a night): one key per line and one line per row and pair,
 * so it stays small and a diff still points at the row that changed. Parses back to the same value.
 */
export function serializeCompareReport(report: CompareReport): string {
  const lines = Object.entries(report).map(([key, value]) => {
    const name = JSON.stringify(key);
    if ((key === 'rows' || key === 'pairs') && Array.isArray(value) && value.length > 0) {
      return `${name}:[\n${value.map((item) => JSON.stringify(item)).join(',\n')}\n]`;
    }
    return `${name}:${JSON.stringify(value)}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** A mesh against its own unenrolled namespace (`<id>/unmeshed`, src/platform/variants.ts): one cluster, one install. */
function withinCluster(mode: CompareInput['mode'], pair: SystemPair): boolean {
  return mode === 'systems' && (pair.oldSystem === `${pair.newSystem}${UNMESHED_SUFFIX}` || pair.newSystem === `${pair.oldSystem}${UNMESHED_SUFFIX}`);
}

export function nightsText(n: number): string {
  return `${n} ${n === 1 ? 'night' : 'nights'}`;
}

function side(run: RunRecord): CompareReport['old'] {
  return {
    runId: run.runId,
    createdAt: run.createdAt,
    scenario: run.scenario.name,
    fingerprint: { cpuModel: run.environment.cpuModel, cores: run.environment.cores },
    perSystemRunners: run.systems.some((s) => s.runner !== undefined),
  };
}

function pairLabel(pair: SystemPair): string {
  return pair.oldSystem === pair.newSystem ? pair.newSystem : `${pair.oldSystem} → ${pair.newSystem}`;
}

function commonSystems(oldRun: RunRecord, newRun: RunRecord): SystemPair[] {
  const oldIds = new Set(oldRun.systems.map((s) => s.id));
  return newRun.systems.filter((s) => oldIds.has(s.id)).map((s) => ({ oldSystem: s.id, newSystem: s.id }));
}

function systemsOnOneSide(oldRun: RunRecord, newRun: RunRecord): string[] {
  const oldIds = oldRun.systems.map((s) => s.id);
  const newIds = newRun.systems.map((s) => s.id);
  return [
    ...oldIds.filter((id) => !newIds.includes(id)).map((id) => `${id}: in the old run only, not compared`),
    ...newIds.filter((id) => !oldIds.includes(id)).map((id) => `${id}: in the new run only, not compared`),
  ];
}
