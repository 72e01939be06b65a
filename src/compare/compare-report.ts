import { z } from 'zod';
import { containerRoles, estimateSchema } from '../core/result-schema.js';

/**
 * What `bench compare` computes, as data: the JSON it writes with `--json` and the only input of its markdown
 * renderer. The nightly stores its compact form beside a run as COMPARE_REPORT_FILE_NAME (gzip-compressed,
 * src/history/gzip-json-file.ts), where `bench history` reads the regressions each night found; older nights have a
 * plain PLAIN_COMPARE_REPORT_FILE_NAME. Self-describing like a result file (kind + schemaVersion); bump the version on
 * any incompatible change.
 */
export const COMPARE_REPORT_KIND = 'mesh-bench/compare';
export const COMPARE_REPORT_SCHEMA_VERSION = 1;
export const COMPARE_REPORT_FILE_NAME = 'compare.json.gz';
export const PLAIN_COMPARE_REPORT_FILE_NAME = 'compare.json';
/** The comparison files beside a night's record in the order they are looked for: the gzip-compressed one first. */
export const COMPARE_REPORT_FILE_NAMES = [COMPARE_REPORT_FILE_NAME, PLAIN_COMPARE_REPORT_FILE_NAME] as const;

export const metricKinds = ['latency', 'throughput', 'memory', 'cpu'] as const;
export type MetricKind = (typeof metricKinds)[number];

/**
 * One metric's verdict, in the order the gate decides it:
 * - `not-judged`: no valid repetitions on a side, or runs on different machines without --allow-different-machines;
 * - `not-significant`: p ≥ alpha (the row's minimumDetectable says what size of change could have been seen);
 * - `below-threshold`: significant, but not beyond the threshold (e.g. +4% or +60 µs on latency);
 * - `within-noise-floor`: significant and beyond the threshold, but within the night-to-night spread of history;
 * - `regression` / `improvement`: beyond all three, in the worse / better direction.
 * Only `regression` fails the gate (exit code 5).
 */
export const verdicts = ['regression', 'improvement', 'within-noise-floor', 'below-threshold', 'not-significant', 'not-judged'] as const;
export type Verdict = (typeof verdicts)[number];

export const fingerprintSchema = z.object({ cpuModel: z.string(), cores: z.number().int().positive() }).strict();
export type Fingerprint = z.infer<typeof fingerprintSchema>;

export const compareSideSchema = z
  .object({
    runId: z.string(),
    createdAt: z.string(),
    scenario: z.string(),
    /** The run's own machine (for a merged run, the machine that merged it). */
    fingerprint: fingerprintSchema,
    /** A merged run (`bench merge`): each system was measured on its own runner, recorded per row. */
    perSystemRunners: z.boolean(),
  })
  .strict();
export type CompareSide = z.infer<typeof compareSideSchema>;

export const gateSchema = z
  .object({
    /** Significance level: a change counts only when p < alpha. */
    alpha: z.number().gt(0).lt(1),
    /** Latency (p50, p99, p99.9): worse by more than this fraction AND by more than latencyMinUs. */
    latencyFraction: z.number().nonnegative(),
    latencyMinUs: z.number().nonnegative(),
    /** Memory per role: higher by more than this fraction. */
    memoryFraction: z.number().nonnegative(),
    /** CPU per role: higher by more than this fraction. */
    cpuFraction: z.number().nonnegative(),
    /** Throughput: lower by more than this fraction. */
    throughputFraction: z.number().nonnegative(),
    allowDifferentMachines: z.boolean(),
  })
  .strict();
export type Gate = z.infer<typeof gateSchema>;

export const noiseFloorSchema = z
  .object({
    /** How many earlier runs (nights) of the old and the new system on the same runner class the spread came from. */
    oldNights: z.number().int().nonnegative(),
    newNights: z.number().int().nonnegative(),
    /** Between-night spread (sample SD of per-night medians) of each side; null with fewer than 3 nights. */
    oldSpread: z.number().nonnegative().nullable(),
    newSpread: z.number().nonnegative().nullable(),
    /** t(1 − alpha/2, min(oldNights, newNights) − 1) × √(oldSpread² + newSpread²): a change within it is install-to-install noise. Null = unknown. */
    floor: z.number().nonnegative().nullable(),
    /**
     * From the runs themselves, when they measured several fresh installs (scenario `installs`): the 95% bound on the
     * difference of the sides' mean install medians (src/analysis/install-spread.ts) and that difference. Null when
     * neither side has two installs.
     */
    fromInstalls: z.object({ spread: z.number().nonnegative(), shift: z.number(), source: z.string() }).strict().nullable(),
  })
  .strict();
export type NoiseFloor = z.infer<typeof noiseFloorSchema>;

export const compareRowSchema = z
  .object({
    oldSystem: z.string(),
    newSystem: z.string(),
    step: z.string(),
    /** `p50`, `p99`, `p999`, `throughput`, `memory:<role>`, `cpu:<role>`. */
    metric: z.string(),
    kind: z.enum(metricKinds),
    role: z.enum(containerRoles).nullable(),
    unit: z.enum(['us', 'req/s', 'bytes', 'cores']),
    /** Both sides were measured on the same runner class (which ones: `pairs`). */
    sameMachine: z.boolean(),
    /** Median of the per-repetition values, and how many valid repetitions gave one. */
    old: z.object({ median: z.number().nullable(), n: z.number().int().nonnegative() }).strict(),
    new: z.object({ median: z.number().nullable(), n: z.number().int().nonnegative() }).strict(),
    /** new − old, in `unit`, with its interval; null when a side has no values. */
    change: estimateSchema.nullable(),
    /** The interval's achieved confidence (0.95 when attainable). */
    changeConfidence: z.number().nullable(),
    /** change ÷ old median. */
    changeFraction: estimateSchema.nullable(),
    pValue: z.number().min(0).max(1).nullable(),
    /** Smallest change the test could have detected (80% power), in `unit`; null when it cannot be said. */
    minimumDetectable: z.number().nonnegative().nullable(),
    /** Why minimumDetectable is null. */
    minimumDetectableNote: z.string().nullable(),
    /** The smallest p-value these repetition counts can give (exact test). */
    minimumPValue: z.number().min(0).max(1).nullable(),
    coverageWarning: z.string().nullable(),
    noiseFloor: noiseFloorSchema,
    verdict: z.enum(verdicts),
    /** Why, in words: "p=0.31 ≥ 0.01", "+4.1% is within the 10% threshold"… */
    reason: z.string(),
    /**
     * `two-runs`: the same system in two runs (two installs); `cross-cluster`: two systems of one run on their own
     * clusters; `within-cluster`: a mesh against its own unenrolled namespace (one install, no install effect).
     */
    scope: z.enum(['two-runs', 'cross-cluster', 'within-cluster']),
    /** What variation the verdict accounts for, in words. */
    covers: z.string(),
  })
  .strict();
export type CompareRow = z.infer<typeof compareRowSchema>;

export const compareReportSchema = z
  .object({
    kind: z.literal(COMPARE_REPORT_KIND),
    schemaVersion: z.literal(COMPARE_REPORT_SCHEMA_VERSION),
    /** `runs`: the same systems in two runs; `systems`: two systems of one run. */
    mode: z.enum(['runs', 'systems']),
    old: compareSideSchema,
    new: compareSideSchema,
    /** Every row's two sides were measured on the same runner class. */
    sameMachine: z.boolean(),
    gate: gateSchema,
    /** The test and the interval, in words. */
    statistic: z.string(),
    /**
     * With --history: how many runs it held, the runs a noise floor was taken from (runIds, oldest first), and the
     * ones that could not be read, with the reason. Null without --history.
     */
    history: z
      .object({ runs: z.number().int().nonnegative(), used: z.array(z.string()), skipped: z.array(z.string()) })
      .strict()
      .nullable(),
    /** The systems compared, each with the runner class it was measured on in each run. */
    pairs: z.array(
      z
        .object({ oldSystem: z.string(), newSystem: z.string(), oldRunner: fingerprintSchema, newRunner: fingerprintSchema, sameMachine: z.boolean() })
        .strict(),
    ),
    rows: z.array(compareRowSchema),
    /** Systems and steps present on one side only, and other things the reader should know. */
    notes: z.array(z.string()),
    regressions: z.number().int().nonnegative(),
    /** `regression` when any row is one; `not-judged` when nothing could be judged; else `clean`. */
    outcome: z.enum(['clean', 'regression', 'not-judged']),
  })
  .strict();
export type CompareReport = z.infer<typeof compareReportSchema>;
