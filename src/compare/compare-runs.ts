import { median } from 'simple-statistics';
import { InputError } from '../core/errors.js';
import type { RecordStep, RunRecord } from '../history/record-schema.js';
import { deriveSeed } from '../analysis/random.js';
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
  const rows: CompareRow[] = [];

  for (const pair of pairs) {
    const oldSystem = oldRun.systems.find((s) => s.id === pair.oldSystem);
    const newSystem = newRun.systems.find((s) => s.id === pair.newSystem);
    if (!oldSystem || !newSystem) continue;
    const oldRunner = fingerprintOf(oldRun, pair.oldSystem);
    const newRunner = fingerprintOf(newRun, pair.newSystem);
    const sameMachine = sameFingerprint(oldRunner, newRunner);
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
        const floor = noiseFloor(
          nightSpread(historyRuns, metric, queryFor(pair.oldSystem)),
          nightSpread(historyRuns, metric, queryFor(pair.newSystem)),
          gate.alpha,
        );
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
            covers: covers(input, oldRunner, newRunner, floor),
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
    history: input.history ? { runs: input.history.runs.length, skipped: [...input.history.skipped] } : null,
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
  covers: string;
}

function compareMetric(c: MetricComparison): CompareRow {
  const sameMachine = sameFingerprint(c.oldRunner, c.newRunner);
  const oldValues = c.metric.values(c.oldStep);
  const newValues = c.metric.values(c.newStep);
  const oldMedian = oldValues.length ? median(oldValues) : null;
  const newMedian = newValues.length ? median(newValues) : null;
  const test = oldValues.length && newValues.length ? testShift(oldValues, newValues, c.seed) : null;
  const changeFraction =
    test && oldMedian !== null && oldMedian !== 0
      ? { value: test.shift.value / oldMedian, ci95: [test.shift.ci95[0] / oldMedian, test.shift.ci95[1] / oldMedian] as [number, number] }
      : null;
  const minP = test ? minimumPValue(oldValues.length, newValues.length) : null;
  const { verdict, reason } = judgeChange(
    {
      metric: c.metric,
      oldN: oldValues.length,
      newN: newValues.length,
      change: test?.shift.value ?? null,
      fraction: changeFraction?.value ?? null,
      pValue: test?.pValue ?? null,
      minimumDetectable: test?.minimumDetectable ?? null,
      minimumPValue: minP,
      noiseFloor: c.floor,
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
    oldRunner: c.oldRunner,
    newRunner: c.newRunner,
    sameMachine,
    old: { median: oldMedian, n: oldValues.length },
    new: { median: newMedian, n: newValues.length },
    change: test ? test.shift : null,
    changeConfidence: test ? test.confidence : null,
    changeFraction,
    pValue: test ? test.pValue : null,
    minimumDetectable: test ? test.minimumDetectable : null,
    minimumDetectableNote: test ? test.minimumDetectableNote : null,
    minimumPValue: minP,
    coverageWarning: test ? test.coverageWarning : null,
    noiseFloor: c.floor,
    verdict,
    reason,
    covers: c.covers,
  };
}

/** What a row's verdict accounts for, in words (issue 12: beside every verdict, which variation it covers). */
function covers(input: CompareInput, oldRunner: Fingerprint, newRunner: Fingerprint, floor: NoiseFloor): string {
  const sameMachine = sameFingerprint(oldRunner, newRunner);
  const [oldMachine, newMachine] = [describeFingerprint(oldRunner), describeFingerprint(newRunner)];
  const repetitions =
    input.mode === 'runs' ? 'repetition-to-repetition variation in each run' : 'repetition-to-repetition variation of two clusters in one run';
  const machine = sameMachine
    ? `same runner class (${newMachine})`
    : `different machines (${oldMachine} vs ${newMachine}): machine differences are part of the change`;
  const nights = Math.min(floor.oldNights.length, floor.newNights.length);
  const install =
    floor.floor !== null
      ? `install-to-install variation from history (${nightsText(nights)})`
      : input.history === null
        ? 'not install-to-install variation (no --history)'
        : `not install-to-install variation: no noise floor (${nightsText(nights)}, ${MIN_NIGHTS} needed)`;
  return `${repetitions}; ${machine}; ${install}`;
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
