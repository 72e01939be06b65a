import { join } from 'node:path';
import type { FileSystem } from '../core/deps.js';
import { InputError, type InputProblem } from '../core/errors.js';
import { fieldPath, firstExistingIn } from '../core/input-file.js';
import { comparisonSchema, type RunResult } from '../core/result-schema.js';
import { describeIssue, parseRunResult, RESULT_FILE_NAME } from '../report/result-file.js';
import { z } from 'zod';
import { makeRecord, restoredAggregate, restoredHistogram, restoredIdleRoles, restoredResourceValue } from './make-record.js';
import { storedStrings, unpack, UnpackError, type PackedItem } from './pack-record.js';
import { recordProblems } from './record-consistency.js';
import { readJsonText } from './gzip-json-file.js';
import { PLAIN_RECORD_FILE_NAME, READABLE_RECORD_SCHEMA_VERSIONS, RECORD_FILE_NAME, RECORD_FILE_NAMES, RECORD_KIND, RECORD_SCHEMA_VERSION, runRecordSchema, type RecordSystem, type RunRecord } from './record-schema.js';
import { recomputedComparison } from './derived-comparisons.js';

/** A run read from disk: always its compact record; the full result too when the input was a results.json. */
export interface ReadRun {
  /** The file actually read (inside the directory when a run directory was given). */
  path: string;
  record: RunRecord;
  full: RunResult | null;
}

const RUN_KIND = 'mesh-bench/run';

/**
 * Reads a results.json, a compact record (record.json.gz, or an older night's plain record.json), or a run directory
 * holding one (results.json preferred: it has everything). A file whose name ends in `.gz` is gzip-compressed JSON
 * (gzip-json-file.ts). Every problem is an InputError naming the file and the field (exit 2): a file of another kind
 * or schema version gets one line, not a list of every field that differs.
 */
export async function readRun(path: string, deps: { fs: FileSystem }): Promise<ReadRun> {
  const file = await resolveRunFile(path, deps.fs);
  const text = await readJsonText(file, deps.fs);
  const data = parseJson(text, file);
  const kind = data['kind'];
  if (kind === RUN_KIND) {
    const full = parseRunResult(text, file);
    return { path: file, record: makeRecord(full), full };
  }
  if (kind === RECORD_KIND) return { path: file, record: checkRecord(data, file), full: null };
  const got = 'kind' in data ? `kind is ${JSON.stringify(kind)}` : 'no kind field';
  throw InputError.single(file, 'kind', `not a mesh-bench run result or record (${got}, expected "${RUN_KIND}" or "${RECORD_KIND}")`);
}

/**
 * The file a run argument names: itself, or a run directory's results.json (preferred), record.json.gz (what a night
 * commits) or record.json (what older nights committed).
 */
export async function resolveRunFile(path: string, fs: FileSystem): Promise<string> {
  const probe = await fs.probe(path);
  if (probe.kind === 'missing') throw InputError.single(path, '', 'cannot read file (ENOENT)');
  if (probe.kind !== 'directory') return path;
  const file = await firstExistingIn(path, [RESULT_FILE_NAME, ...RECORD_FILE_NAMES], fs);
  if (file !== null) return file;
  throw InputError.single(path, '', `a directory without ${RESULT_FILE_NAME}, ${RECORD_FILE_NAME} or ${PLAIN_RECORD_FILE_NAME}: give a results file, a record or a run directory`);
}

/**
 * The results schema version a file holds (a record says which results it was made from), read before the file is
 * validated, so runs of different versions are told apart in one line. Null when the file has none to read.
 */
export async function resultSchemaVersionOf(file: string, fs: FileSystem): Promise<unknown> {
  const data = parseJson(await readJsonText(file, fs), file);
  return data['kind'] === RECORD_KIND ? data['resultSchemaVersion'] : data['schemaVersion'];
}

/** Validates a parsed compact record: kind and version first, then the schema, then consistency. */
export function checkRecord(data: Record<string, unknown>, file: string): RunRecord {
  if (data['kind'] !== RECORD_KIND) {
    throw InputError.single(file, 'kind', `not a mesh-bench record (kind is ${JSON.stringify(data['kind'])}, expected "${RECORD_KIND}")`);
  }
  const version = data['schemaVersion'];
  if (!READABLE_RECORD_SCHEMA_VERSIONS.some((v) => v === version)) {
    const readable = `${READABLE_RECORD_SCHEMA_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_RECORD_SCHEMA_VERSIONS.at(-1)}`;
    throw InputError.single(
      file,
      'schemaVersion',
      version === undefined
        ? `missing (this harness reads record schema versions ${readable})`
        : `unsupported record schema version ${JSON.stringify(version)} (this harness reads ${readable})`,
    );
  }
  // Versions 2 to 4 differ from 5 only on disk (plain string table, resource columns in bytes and cores; histograms
  // in HdrHistogram's encoding; every comparison's figures stored): read, they are a 5. The comparisons are checked
  // after the systems, whose columns give the figures a record of schema 5 left out (derived-comparisons.ts).
  const parsed = recordBeforeComparisonsSchema.safeParse({ ...unpackRecord(data, file, version as number), schemaVersion: RECORD_SCHEMA_VERSION }, { reportInput: true });
  const issues = (error: z.ZodError, prefix: ReadonlyArray<PropertyKey>): InputProblem[] =>
    error.issues.map((issue): InputProblem => ({ source: file, field: fieldPath([...prefix, ...issue.path]), message: describeIssue(issue) }));
  if (!parsed.success) throw new InputError(issues(parsed.error, []));
  const derive = (version as number) >= 5;
  const restored = parsed.data.comparisons.map((c, i) => (derive ? withDerivedFigures(c, parsed.data.systems, parsed.data.scenario.seed, file, i) : c));
  const comparisons = z.array(comparisonSchema).safeParse(restored, { reportInput: true });
  if (!comparisons.success) throw new InputError(issues(comparisons.error, ['comparisons']));
  const record: RunRecord = { ...parsed.data, comparisons: comparisons.data };
  const problems = recordProblems(record, file);
  if (problems.length > 0) throw new InputError(problems);
  return record;
}

/** The record schema with its comparisons not yet checked: a record of schema 5 derives some of their figures. */
const recordBeforeComparisonsSchema = runRecordSchema.extend({ comparisons: z.array(z.unknown()) });

/**
 * A stored comparison of record schema 5 without its derived figures (no `deltaP50Us` and no `p50`) with them computed
 * again from the record's columns (derived-comparisons.ts); any other as it is. A comparison naming a step the record
 * does not hold is one line naming its field.
 */
function withDerivedFigures(c: unknown, systems: readonly RecordSystem[], seed: number, file: string, i: number): unknown {
  if (!isObject(c) || 'deltaP50Us' in c || 'p50' in c) return c;
  const { step, reference, system, scope } = c;
  if (typeof step !== 'string' || typeof reference !== 'string' || typeof system !== 'string') return c;
  const key = { step, reference, system, ...(scope === 'within-cluster' || scope === 'cross-cluster' ? { scope: scope as 'within-cluster' | 'cross-cluster' } : {}) };
  const again = recomputedComparison(key, systems, seed);
  if (!again) {
    const missing = systems.some((s) => s.id === reference && s.steps.some((st) => st.name === step)) ? 'system' : 'reference';
    throw InputError.single(file, `comparisons[${i}].${missing}`, `names no system with a step ${JSON.stringify(step)} whose repetitions give this comparison's figures`);
  }
  return { ...again, ...c };
}

const packedItemSchema = z.object({ t: z.number().int().nonnegative(), n: z.array(z.number()), s: z.array(z.number().int().nonnegative()) }).strict();
const packedRecordSchema = z
  .object({
    strings: z.array(z.union([z.string(), z.array(z.number().int().nonnegative())])),
    templates: z.array(z.unknown()),
    systems: z.array(z.object({ system: packedItemSchema, phases: packedItemSchema.optional(), steps: z.array(packedItemSchema) }).strict()),
    comparisons: z.array(packedItemSchema),
  })
  .loose();

/**
 * The record with its systems, steps and comparisons unpacked (src/history/pack-record.ts), for the record schema to
 * check. A packed part that does not fit its template is one line naming it.
 */
function unpackRecord(data: Record<string, unknown>, file: string, version: number): Record<string, unknown> {
  const packed = packedRecordSchema.safeParse(data, { reportInput: true });
  if (!packed.success) {
    throw new InputError(packed.error.issues.map((issue): InputProblem => ({ source: file, field: fieldPath(issue.path), message: describeIssue(issue) })));
  }
  const { strings: table, templates, systems, comparisons, ...run } = packed.data;
  let strings: string[];
  try {
    strings = storedStrings(table);
  } catch (error) {
    if (error instanceof UnpackError) throw InputError.single(file, 'strings', error.message);
    throw error;
  }
  // What record schema 3 stores in shorter forms (make-record.ts: resourcesAsStored, aggregateAsStored).
  const v3 = version >= 3;
  const open = (item: PackedItem, field: string): unknown => {
    try {
      return unpack(item, templates, strings);
    } catch (error) {
      if (error instanceof UnpackError) throw InputError.single(file, field, error.message);
      throw error;
    }
  };
  const system = (entry: (typeof systems)[number], i: number): unknown => {
    const header = entriesAsMaps(open(entry.system, `systems[${i}].system`));
    const phases = entry.phases ? { phases: open(entry.phases, `systems[${i}].phases`) } : {};
    const steps = entry.steps.map((step, j) => {
      const stored = storedStep(open(step, `systems[${i}].steps[${j}]`), run['scenario'], v3);
      const restored = version >= 4 ? withHistogramRestored(stored, `systems[${i}].steps[${j}].aggregate.mergedHistogram`) : stored;
      return version >= 5 && isObject(restored) ? { ...restored, aggregate: restoredIdleRoles(restored['aggregate']) } : restored;
    });
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? { ...header, ...phases, steps } : header;
  };
  /** A step's merged histogram, stored densely (record schema 4, dense-histogram.ts), in HdrHistogram's encoding again. */
  function withHistogramRestored(step: unknown, field: string): unknown {
    if (!isObject(step) || !isObject(step['aggregate'])) return step;
    try {
      return { ...step, aggregate: { ...step['aggregate'], mergedHistogram: restoredHistogram(step['aggregate']['mergedHistogram']) } };
    } catch (error) {
      throw InputError.single(file, field, `does not decode as a dense histogram (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return { ...run, systems: systems.map(system), comparisons: comparisons.map((c, i) => storedComparison(open(c, `comparisons[${i}]`))) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stored step with what make-record.ts left out put back: its scenario step's config, repetition numbers 1…n. */
function storedStep(step: unknown, scenario: unknown, v3: boolean): unknown {
  if (!isObject(step)) return step;
  const columns = v3 ? withResourcesRestored(step['repetitions']) : step['repetitions'];
  const steps = isObject(scenario) && Array.isArray(scenario['steps']) ? (scenario['steps'] as unknown[]) : [];
  const config = 'config' in step ? step['config'] : steps.find((s) => isObject(s) && s['name'] === step['name']);
  const status = isObject(columns) ? columns['status'] : undefined;
  const numbered = isObject(columns) && !('repetition' in columns) && Array.isArray(status) ? { repetition: status.map((_, i) => i + 1), ...columns } : columns;
  const aggregate = v3 ? restoredAggregate(step['aggregate']) : step['aggregate'];
  // Key order as makeRecord writes it, so a record read back equals the one made.
  return { name: step['name'], config, ...step, aggregate, repetitions: numbered };
}


/** Per-repetition memory and CPU columns, stored in KiB and microcores (make-record.ts), in bytes and cores again. */
function withResourcesRestored(columns: unknown): unknown {
  if (!isObject(columns) || !isObject(columns['resources']) || !isObject(columns['resources']['roles'])) return columns;
  const resources = columns['resources'];
  const roles = Object.fromEntries(
    Object.entries(resources['roles'] as Record<string, unknown>).map(([role, c]) => [
      role,
      isObject(c) ? Object.fromEntries(Object.entries(c).map(([field, v]) => [field, Array.isArray(v) ? v.map((x) => restoredResourceValue(field, x)) : v])) : c,
    ]),
  );
  return { ...columns, resources: { ...resources, roles } };
}

/** A stored comparison with its p50/p99 deltas and p-values put back from its tests, where make-record.ts left them out. */
function storedComparison(c: unknown): unknown {
  if (!isObject(c) || 'deltaP50Us' in c || !isObject(c['p50']) || !isObject(c['p99'])) return c;
  const { step, reference, system, latencyBasis, ...rest } = c;
  return { step, reference, system, latencyBasis, deltaP50Us: c['p50']['shift'], deltaP99Us: c['p99']['shift'], pValueP50: c['p50']['pValue'], pValueP99: c['p99']['pValue'], ...rest };
}

/** A packed system's `versions` and proof `counters`, stored as [key, value] lists (make-record.ts), as maps again. */
function entriesAsMaps(header: unknown): unknown {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return header;
  const h = header as Record<string, unknown>;
  const map = (v: unknown): unknown => (Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string') ? Object.fromEntries(v as Array<[string, unknown]>) : v);
  const proof = h['trafficProof'];
  return {
    ...h,
    ...('versions' in h ? { versions: map(h['versions']) } : {}),
    ...(typeof proof === 'object' && proof !== null && !Array.isArray(proof) ? { trafficProof: { ...proof, counters: map((proof as Record<string, unknown>)['counters']) } } : {}),
  };
}

function parseJson(text: string, file: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw InputError.single(file, '', `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw InputError.single(file, '', `not a mesh-bench run result or record (expected a JSON object, got ${data === null ? 'null' : Array.isArray(data) ? 'an array' : `a ${typeof data}`})`);
  }
  return data as Record<string, unknown>;
}
