import { z } from 'zod';
import {
  comparisonSchema,
  containerRoles,
  RESULT_SCHEMA_VERSION,
  phaseTimingSchema,
  systemResultSchema,
  stepAggregateSchema,
  runHeaderShape,
} from '../core/result-schema.js';
import { resolvedLoadStepSchema } from '../core/scenario-types.js';
import { dataPlanePerThousandRpsSchema, roleCostPerThousandSchema } from '../core/resource-schema.js';

/**
 * The compact record (issue 9, build 6): what a night commits instead of its full results.json. It keeps everything
 * the report, `bench compare` and `bench history` read — each step's aggregate with its merged histogram, every
 * comparison, and per repetition the numbers the statistics use (status and reasons, the step's latency percentiles,
 * throughput, the install, memory and CPU per role) — and leaves out each repetition's histograms, counts and
 * per-container samples, which stay in the full results.json (the workflow's artefact).
 *
 * This is the record as read (src/history/read-run.ts); on disk its systems and comparisons are packed
 * (src/history/pack-record.ts) and its computed figures rounded to 7 significant digits (round-figures.ts).
 * Bump RECORD_SCHEMA_VERSION on any incompatible change, like RESULT_SCHEMA_VERSION (2: packed, rounded, and the
 * systems' report fields and pod counts kept; 3: words of the string table shared, per-repetition memory in KiB and CPU
 * in microcores on disk; 4: merged histograms in a denser encoding on disk, src/history/dense-histogram.ts; 5: a
 * comparison's figures left out where they are computed again from the record's columns, derived-comparisons.ts).
 */
export const RECORD_SCHEMA_VERSION = 5;
/**
 * The record versions this harness reads: 2, 3 and 4 are 5 without some of its on-disk savings (2: a string table of
 * plain strings, memory and CPU per repetition in bytes and cores; 3: histograms in HdrHistogram's own encoding; 4:
 * every comparison's figures stored), so a night committed before still reads (read-run.ts).
 */
export const READABLE_RECORD_SCHEMA_VERSIONS = [2, 3, 4, 5] as const;
export const RECORD_KIND = 'mesh-bench/record';
/** The record a night commits, gzip-compressed (src/history/gzip-json-file.ts; `zcat record.json.gz | jq .`). */
export const RECORD_FILE_NAME = 'record.json.gz';
/** The plain record older nights committed, still read where there is no RECORD_FILE_NAME. */
export const PLAIN_RECORD_FILE_NAME = 'record.json';
/** A run directory's record files in the order they are looked for: the gzip-compressed one first. */
export const RECORD_FILE_NAMES = [RECORD_FILE_NAME, PLAIN_RECORD_FILE_NAME] as const;

/**
 * The merged histogram of a step, re-binned to this many significant digits (value error ≤ 1%) to halve its size;
 * results.json keeps 3. The step's `merged` percentiles are copied exactly, not recomputed from the re-binned one.
 */
export const RECORD_HISTOGRAM_SIGNIFICANT_DIGITS = 2;

const nullableNumbers = z.array(z.number().nullable());

/**
 * One step's repetitions, column by column (index i of every column is repetition i): a row of named fields per
 * repetition would spend most of the record on repeating the names. What nothing reads from a record (request
 * counts, p90, max, achieved rate) stays in results.json. Latency columns are the step's basis
 * (`aggregate.latencyBasis`): null where a repetition has no record of that basis.
 */
export const repetitionColumnsSchema = z
  .object({
    repetition: z.array(z.number().int().positive()),
    /** The install (fresh cluster or server set) each repetition ran on; absent when every one ran on install 1. */
    install: z.array(z.number().int().positive()).optional(),
    status: z.array(z.enum(['valid', 'invalid'])),
    invalidReasons: z.array(z.array(z.string())),
    warnings: z.array(z.array(z.string())),
    throughput: z.array(z.number().nonnegative()),
    errorRate: z.array(z.number().nonnegative()),
    p50Us: nullableNumbers,
    p99Us: nullableNumbers,
    p999Us: nullableNumbers,
    /**
     * Per role, each repetition's mean working set (bytes, rounded to the KiB) and mean CPU (cores, rounded to the
     * microcore); null where a repetition had no resource data. Roles nobody had in any repetition are left out.
     * Null when no repetition has resource data (the local target).
     */
    resources: z
      .object({
        nodes: nullableNumbers,
        /**
         * Per repetition, pods with a sidecar-proxy container and nodes running a node agent (from its pod list, which
         * the record leaves out): what the report's data plane per pod and per node divide by.
         */
        sidecarPods: nullableNumbers,
        agentNodes: nullableNumbers,
        roles: z.partialRecord(
          z.enum(containerRoles),
          z.object({ memoryMeanBytes: nullableNumbers, cpuMeanCores: nullableNumbers }).strict(),
        ),
      })
      .strict()
      .nullable(),
  })
  .strict();
export type RepetitionColumns = z.infer<typeof repetitionColumnsSchema>;

/**
 * A step's aggregate as the statistics wrote it, without the cost per 1000 req/s's `raw` (undivided) figures and
 * without that cost for the `other` role (the cluster's own pods), which nothing reads from a record (the role's CPU
 * and memory are in `resources`). On disk (schema 3) a data plane of one role gives its cost as that role's name.
 */
export const recordAggregateSchema = stepAggregateSchema
  .extend({
    perThousandRps: z.partialRecord(z.enum(containerRoles), roleCostPerThousandSchema.omit({ raw: true })).nullable().optional(),
    dataPlanePerThousandRps: dataPlanePerThousandRpsSchema.omit({ raw: true }).nullable().optional(),
  })
  .strict();
export type RecordAggregate = z.infer<typeof recordAggregateSchema>;

export const recordStepSchema = z
  .object({ name: z.string(), config: resolvedLoadStepSchema, aggregate: recordAggregateSchema, repetitions: repetitionColumnsSchema })
  .strict();
export type RecordStep = z.infer<typeof recordStepSchema>;

/**
 * A system as the full result has it, every field the report reads included (its failure with the command and output
 * tail, mesh components and pods, proof by traffic, phases, diagnostics, runner), with its steps in the record's form.
 */
export const recordSystemSchema = systemResultSchema
  .omit({ steps: true, phases: true })
  .extend({
    /** Every phase without its start time, which nothing reads from a record; absent where `phasesOf` says whose. */
    phases: z.array(phaseTimingSchema.omit({ startedAt: true })).optional(),
    /** A mesh's variants share one cluster and so its phases: the id of the earlier variant that holds them. */
    phasesOf: z.string().optional(),
    steps: z.array(recordStepSchema),
  })
  .strict();
export type RecordSystem = z.infer<typeof recordSystemSchema>;

export const runRecordSchema = z
  .object({
    kind: z.literal(RECORD_KIND),
    schemaVersion: z.literal(RECORD_SCHEMA_VERSION),
    /** The schema version of the results.json the record was made from. */
    resultSchemaVersion: z.literal(RESULT_SCHEMA_VERSION),
    ...runHeaderShape,
    systems: z.array(recordSystemSchema),
    comparisons: z.array(comparisonSchema),
  })
  .strict();
export type RunRecord = z.infer<typeof runRecordSchema>;
