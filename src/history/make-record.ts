import { containerRoles, type RunResult, type StepResult, type SystemResult } from '../core/result-schema.js';
import {
  RECORD_HISTOGRAM_SIGNIFICANT_DIGITS,
  RECORD_KIND,
  RECORD_SCHEMA_VERSION,
  type RecordAggregate,
  type RecordStep,
  type RecordSystem,
  type RepetitionColumns,
  type RunRecord,
} from './record-schema.js';
import { rebinHistogram } from './rebin-histogram.js';
import { DENSE_HISTOGRAM_ENCODING, denseFromHdr, hdrFromDense } from './dense-histogram.js';
import { roundFigures } from './round-figures.js';
import { Packer, tableAsStored } from './pack-record.js';
import { dataPlanePods } from '../report/report-input.js';
import { comparisonWithoutDerived } from './derived-comparisons.js';

/**
 * The compact record of a run (record-schema.ts says what it keeps and leaves out): a pure function of the result,
 * so the same results.json always gives the same record.
 */
export function makeRecord(result: RunResult): RunRecord {
  return {
    kind: RECORD_KIND,
    schemaVersion: RECORD_SCHEMA_VERSION,
    resultSchemaVersion: result.schemaVersion,
    runId: result.runId,
    createdAt: result.createdAt,
    finishedAt: result.finishedAt,
    status: result.status,
    command: result.command,
    scenario: result.scenario,
    environment: result.environment,
    reference: result.reference,
    ...(result.mergedFrom ? { mergedFrom: result.mergedFrom } : {}),
    systems: recordSystems(result.systems),
    comparisons: roundFigures(result.comparisons),
  };
}

function recordSystems(systems: readonly SystemResult[]): RecordSystem[] {
  const kept: RecordSystem[] = [];
  for (const s of systems) {
    const { steps, phases, ...rest } = s;
    const own = phases?.map(({ startedAt: _, ...phase }) => phase);
    // The report shows a mesh's phases once, under its id: a variant with the same phases points at the first.
    const first = kept.find((k) => k.id.split('/')[0] === s.id.split('/')[0] && k.phases !== undefined);
    const shared = own !== undefined && first !== undefined && JSON.stringify(first.phases) === JSON.stringify(own);
    kept.push({ ...rest, ...(shared ? { phasesOf: first.id } : own !== undefined ? { phases: own } : {}), steps: steps.map(recordStep) });
  }
  return kept;
}

function recordStep(step: StepResult): RecordStep {
  const merged = step.aggregate.mergedHistogram;
  return {
    name: step.name,
    config: step.config,
    aggregate: {
      ...roundFigures(withoutRaw(step.aggregate)),
      mergedHistogram: merged ? rebinHistogram(merged, RECORD_HISTOGRAM_SIGNIFICANT_DIGITS) : null,
    },
    repetitions: roundFigures(repetitionColumns(step)),
  };
}

/**
 * The aggregate without the cost per 1000 req/s's undivided `raw` figures, and without that cost for the `other` role
 * (the cluster's own pods: kube-system, DNS), which no reader prints (recordAggregateSchema).
 */
function withoutRaw(a: StepResult['aggregate']): RecordAggregate {
  const { perThousandRps, dataPlanePerThousandRps, ...rest } = a;
  const drop = <T extends { raw: unknown }>({ raw: _, ...kept }: T): Omit<T, 'raw'> => kept;
  return {
    ...rest,
    ...(perThousandRps !== undefined
      ? {
          perThousandRps:
            perThousandRps && Object.fromEntries(Object.entries(perThousandRps).flatMap(([role, cost]) => (role === 'other' ? [] : [[role, drop(cost)]]))),
        }
      : {}),
    ...(dataPlanePerThousandRps !== undefined ? { dataPlanePerThousandRps: dataPlanePerThousandRps && drop(dataPlanePerThousandRps) } : {}),
  };
}

function repetitionColumns(step: StepResult): RepetitionColumns {
  const reps = step.repetitions;
  const basis = step.aggregate.latencyBasis;
  const latency = (key: 'p50Us' | 'p99Us' | 'p999Us'): Array<number | null> =>
    reps.map((r) => r.latency[basis]?.summary[key] ?? null);
  const installs = reps.map((r) => r.install ?? 1);
  return {
    repetition: reps.map((r) => r.repetition),
    ...(installs.some((i) => i !== 1) ? { install: installs } : {}),
    status: reps.map((r) => r.status),
    invalidReasons: reps.map((r) => r.invalidReasons),
    warnings: reps.map((r) => r.warnings),
    throughput: reps.map((r) => r.throughput),
    errorRate: reps.map((r) => r.errorRate),
    p50Us: latency('p50Us'),
    p99Us: latency('p99Us'),
    p999Us: latency('p999Us'),
    resources: resourceColumns(step),
  };
}

/**
 * A repetition's memory per role to the KiB and CPU to the microcore: what `bench compare` tests (a 10% change by
 * default) cannot tell from the byte, and on disk (stepAsStored) whole numbers of KiB and microcores, three digits
 * shorter each than bytes and seven-digit cores.
 */
const KIB = 1024;
const MICROCORES = 1_000_000;

function resourceColumns(step: StepResult): RepetitionColumns['resources'] {
  const reps = step.repetitions;
  if (reps.every((r) => r.resources === null)) return null;
  const roles: NonNullable<RepetitionColumns['resources']>['roles'] = {};
  for (const role of containerRoles) {
    if (!reps.some((r) => (r.resources?.roles[role]?.containers ?? 0) > 0)) continue;
    roles[role] = {
      memoryMeanBytes: reps.map((r) => {
        const v = r.resources?.roles[role]?.memoryMeanBytes;
        return v === undefined ? null : Math.round(v / KIB) * KIB;
      }),
      cpuMeanCores: reps.map((r) => {
        const v = r.resources?.roles[role]?.cpuMeanCores;
        return v === undefined ? null : Math.round(v * MICROCORES) / MICROCORES;
      }),
    };
  }
  return {
    nodes: reps.map((r) => (r.resources ? r.resources.nodes.length : null)),
    sidecarPods: reps.map((r) => (r.resources ? dataPlanePods(r.resources.pods).sidecarPods : null)),
    agentNodes: reps.map((r) => (r.resources ? dataPlanePods(r.resources.pods).agentNodes : null)),
    roles,
  };
}

/**
 * A system's maps keyed by what was measured (versions by tool, proof counters by name) as [key, value] lists, so
 * systems with different keys still share a template; entriesAsMaps (read-run.ts) turns them back.
 */
function mapsAsEntries(system: Omit<RecordSystem, 'steps' | 'phases'>): unknown {
  const { versions, trafficProof, ...rest } = system;
  return {
    ...rest,
    versions: Object.entries(versions),
    ...(trafficProof !== undefined ? { trafficProof: trafficProof && { ...trafficProof, counters: Object.entries(trafficProof.counters) } } : {}),
  };
}

/**
 * What a stored step leaves out because the record has it elsewhere (restored by read-run.ts): its config when it is
 * the scenario's step of that name, and the repetition numbers when they are 1, 2, … n.
 */
function stepAsStored(step: RecordStep, scenarioSteps: readonly RecordStep['config'][], onDisk: number): unknown {
  const { config, repetitions, aggregate, ...rest } = step;
  const same = JSON.stringify(scenarioSteps.find((s) => s.name === step.name)) === JSON.stringify(config);
  const stored = { ...repetitions, resources: repetitions.resources && resourcesAsStored(repetitions.resources) };
  const { repetition, ...columns } = stored;
  const numbered = repetition.every((r, i) => r === i + 1);
  const packed = aggregateAsStored(aggregate);
  return { ...rest, aggregate: histogramAsStored(onDisk >= 5 ? withoutIdleRoles(packed) : packed), ...(same ? {} : { config }), repetitions: numbered ? columns : stored };
}

/**
 * A role no container had in the step (its summary all zeros: `containers: 0`, no samples) as stored since record
 * schema 5: left out of `aggregate.resources`, which read-run.ts fills with every role (restoredIdleRoles). A baseline
 * has four such roles per step, a sidecar mesh two: about 4 KB of a nightly's record.
 */
const IDLE_ROLE = { memoryMeanBytes: 0, memoryMaxBytes: 0, cpuMeanCores: 0, cpuMaxCores: 0, samples: 0, containers: 0 };

function withoutIdleRoles(a: RecordAggregate | Record<string, unknown>): RecordAggregate | Record<string, unknown> {
  const resources = (a as { resources?: unknown }).resources;
  if (typeof resources !== 'object' || resources === null) return a;
  const kept = Object.entries(resources).filter(([, summary]) => JSON.stringify(summary) !== JSON.stringify(IDLE_ROLE));
  return { ...a, resources: Object.fromEntries(kept) };
}

/** A stored aggregate's resources with every role, the ones withoutIdleRoles left out as all zeros, in role order. */
export function restoredIdleRoles(a: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(a) || !isObject(a['resources'])) return a;
  const stored = a['resources'];
  const unknownRole = Object.keys(stored).some((role) => !(containerRoles as readonly string[]).includes(role));
  // A role the record does not know is left for the schema to name.
  if (unknownRole) return a;
  return { ...a, resources: Object.fromEntries(containerRoles.map((role) => [role, stored[role] ?? { ...IDLE_ROLE }])) };
}

/**
 * The merged histogram in its dense encoding (record schema 4, dense-histogram.ts): the same counts, about 40% fewer
 * bytes on a nightly's; kept in HdrHistogram's encoding when that is shorter (a histogram of few, scattered counts) or
 * the dense one would not read back to the same string. read-run.ts restores it.
 */
function histogramAsStored(a: RecordAggregate | Record<string, unknown>): RecordAggregate | Record<string, unknown> {
  const h = (a as { mergedHistogram?: unknown }).mergedHistogram;
  if (typeof h !== 'object' || h === null || !('data' in h) || typeof h.data !== 'string') return a;
  const dense = denseFromHdr(h.data);
  return dense === null || dense.length >= h.data.length ? a : { ...a, mergedHistogram: { ...h, encoding: DENSE_HISTOGRAM_ENCODING, data: dense } };
}

/** A stored merged histogram in the dense encoding as HdrHistogram's again; anything else is left for the schema to name. */
export function restoredHistogram(h: unknown): unknown {
  if (typeof h !== 'object' || h === null || !('encoding' in h) || h.encoding !== DENSE_HISTOGRAM_ENCODING || !('data' in h) || typeof h.data !== 'string') return h;
  return { ...h, encoding: 'hdr-compressed-base64', data: hdrFromDense(h.data) };
}

/**
 * A data plane of one role costs what that role costs: its cost per 1000 req/s is then stored as the role's name alone
 * (`dataPlanePerThousandRps: {roles: [role]}`, record schema 3), and read-run.ts copies the role's figures back.
 */
function aggregateAsStored(a: RecordAggregate): RecordAggregate | Record<string, unknown> {
  const dp = a.dataPlanePerThousandRps;
  const [role, ...others] = dp?.roles ?? [];
  if (!dp || !role || others.length > 0) return a;
  const { roles, ...figures } = dp;
  if (JSON.stringify(figures) !== JSON.stringify(a.perThousandRps?.[role])) return a;
  return { ...a, dataPlanePerThousandRps: { roles } };
}

/** A stored aggregate's data plane cost given by its one role's name (aggregateAsStored), with the role's figures. */
export function restoredAggregate(a: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(a) || !isObject(a['dataPlanePerThousandRps']) || !isObject(a['perThousandRps'])) return a;
  const dp = a['dataPlanePerThousandRps'];
  const roles = dp['roles'];
  if (Object.keys(dp).length !== 1 || !Array.isArray(roles) || roles.length !== 1 || typeof roles[0] !== 'string') return a;
  const figures = a['perThousandRps'][roles[0]];
  return isObject(figures) ? { ...a, dataPlanePerThousandRps: { ...figures, roles } } : a;
}

/** Per-repetition memory in whole KiB and CPU in whole microcores (resourceColumns rounded them so); read-run.ts scales back. */
function resourcesAsStored(r: NonNullable<RepetitionColumns['resources']>): unknown {
  const scale = (column: ReadonlyArray<number | null>, by: number): Array<number | null> => column.map((v) => (v === null ? null : Math.round(v * by)));
  const roles = Object.fromEntries(
    Object.entries(r.roles).map(([role, c]) => [role, { memoryMeanBytes: scale(c.memoryMeanBytes, 1 / KIB), cpuMeanCores: scale(c.cpuMeanCores, MICROCORES) }]),
  );
  return { ...r, roles };
}

/**
 * A stored column back in bytes or cores (read-run.ts, record schema 3 on): the same doubles resourceColumns made,
 * KiB × 1024 and microcores ÷ 10⁶. Anything but a number is left for the schema to name.
 */
export function restoredResourceValue(field: string, v: unknown): unknown {
  if (typeof v !== 'number') return v;
  if (field === 'memoryMeanBytes') return v * KIB;
  if (field === 'cpuMeanCores') return v / MICROCORES;
  return v;
}

/**
 * A comparison without the figures computed again from the record's columns when they come back the same (record
 * schema 5, derived-comparisons.ts); else without its p50/p99 deltas and p-values where they are its tests' shifts and
 * p-values. read-run.ts restores both.
 */
function comparisonAsStored(c: RunRecord['comparisons'][number], record: RunRecord, onDisk: number): unknown {
  const derived = onDisk >= 5 ? comparisonWithoutDerived(c, record.systems, record.scenario.seed) : null;
  if (derived) return derived;
  if (!c.p50 || !c.p99) return c;
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  if (!same(c.deltaP50Us, c.p50.shift) || !same(c.deltaP99Us, c.p99.shift) || c.pValueP50 !== c.p50.pValue || c.pValueP99 !== c.p99.pValue) return c;
  const { deltaP50Us: _a, deltaP99Us: _b, pValueP50: _c, pValueP99: _d, ...rest } = c;
  return rest;
}

/**
 * The record as committed: its run's fields a key per line, then the string table and the templates
 * (src/history/pack-record.ts) one per line, then one line per system (its own fields, then its steps) and per
 * comparison, so a diff still points at the system that changed. Parsing it back with parseRecordText gives the same
 * record. `onDisk` 4 writes it as record schema 4 did (every comparison's figures and every role stored), which a
 * harness from before schema 5 reads; any other version is refused.
 */
export function serializeRecord(record: RunRecord, onDisk: 4 | typeof RECORD_SCHEMA_VERSION = RECORD_SCHEMA_VERSION): string {
  const { systems, comparisons, ...header } = record;
  const run = { ...header, schemaVersion: onDisk };
  const packer = new Packer();
  // Phases apart from the rest of the system: a template per phase-list length, not one per mesh (versions differ).
  const packedSystems = systems.map(({ steps, phases, ...system }) => ({
    system: packer.pack(mapsAsEntries(system)),
    ...(phases ? { phases: packer.pack(phases) } : {}),
    steps: steps.map((step) => packer.pack(stepAsStored(step, record.scenario.steps, onDisk))),
  }));
  const packedComparisons = comparisons.map((c) => packer.pack(comparisonAsStored(c, record, onDisk)));
  const list = (items: readonly unknown[]): string => (items.length === 0 ? '[]' : `[\n${items.map((item) => JSON.stringify(item)).join(',\n')}\n]`);
  const lines = [
    ...Object.entries(run).map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`),
    `"strings":${list(tableAsStored(packer.strings))}`,
    `"templates":${list(packer.templates)}`,
    `"systems":${list(packedSystems)}`,
    `"comparisons":${list(packedComparisons)}`,
  ];
  return `{\n${lines.join(',\n')}\n}\n`;
}
