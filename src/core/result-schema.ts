import { z } from 'zod';
import { resolvedLoadStepSchema, resolvedScenarioSchema, stepModes } from './scenario-types.js';
import { sloSearchSchema } from './slo-schema.js';
import { systemScaleSchema } from './scale-schema.js';

/**
 * The result file: plain, self-describing data (fortio copies its options into the result; so do we).
 * Reports are pure functions of this; `bench report` validates a file against this schema before rendering.
 * Bump RESULT_SCHEMA_VERSION on any incompatible change.
 */
export const RESULT_SCHEMA_VERSION = 1;

/** Latency histograms: microseconds, 1 µs … 60 s, 3 significant digits (HdrHistogram). */
export const HISTOGRAM_LOWEST_US = 1;
export const HISTOGRAM_HIGHEST_US = 60_000_000;
export const HISTOGRAM_SIGNIFICANT_DIGITS = 3;

export const encodedHistogramSchema = z
  .object({
    /** HdrHistogram compressed V2 encoding, base64 (hdr-histogram-js encodeIntoCompressedBase64). */
    encoding: z.literal('hdr-compressed-base64'),
    unit: z.literal('us'),
    data: z.string(),
  })
  .strict();
export type EncodedHistogram = z.infer<typeof encodedHistogramSchema>;

export const latencySummarySchema = z
  .object({
    count: z.number().int().nonnegative(),
    minUs: z.number().nonnegative(),
    meanUs: z.number().nonnegative(),
    stdevUs: z.number().nonnegative(),
    p50Us: z.number().nonnegative(),
    p90Us: z.number().nonnegative(),
    p99Us: z.number().nonnegative(),
    p999Us: z.number().nonnegative(),
    maxUs: z.number().nonnegative(),
  })
  .strict();
export type LatencySummary = z.infer<typeof latencySummarySchema>;

export const latencyRecordSchema = z
  .object({ summary: latencySummarySchema, histogram: encodedHistogramSchema })
  .strict();
export type LatencyRecord = z.infer<typeof latencyRecordSchema>;

export const requestCountsSchema = z
  .object({
    /** Requests written in the measured window. */
    sent: z.number().int().nonnegative(),
    /** Responses received (any status) for requests of the measured window. */
    completed: z.number().int().nonnegative(),
    /** 2xx responses. */
    ok: z.number().int().nonnegative(),
    /** Responses with a status outside 2xx. */
    non2xx: z.number().int().nonnegative(),
    /** Connection errors (refused, reset, …). */
    socketErrors: z.number().int().nonnegative(),
    /** Requests with no response within the timeout. */
    timeouts: z.number().int().nonnegative(),
    /** Requests never answered because the step ended (the drain after the window timed out). */
    unanswered: z.number().int().nonnegative(),
    /** Connections re-opened (server closes, errors, timeouts); pool growth shows in `connections.peak`. */
    reconnects: z.number().int().nonnegative(),
    /** Requests re-sent on a new connection because the server closed the one they were written on. */
    resent: z.number().int().nonnegative(),
    /** Count per HTTP status code. */
    statusCodes: z.record(z.string(), z.number().int().nonnegative()),
  })
  .strict();
export type RequestCounts = z.infer<typeof requestCountsSchema>;

export const littlesLawCheckSchema = z
  .object({
    /** Connections ÷ throughput, µs: what the mean latency must be if every connection always had a request out. */
    expectedMeanUs: z.number().nonnegative(),
    measuredMeanUs: z.number().nonnegative(),
    /** measured ÷ expected. */
    ratio: z.number().nonnegative(),
    withinTolerance: z.boolean(),
  })
  .strict();
export type LittlesLawCheck = z.infer<typeof littlesLawCheckSchema>;

/** The engine's own output for one step run once: also what `bench load --json` prints. */
export const loadRunSchema = z
  .object({
    url: z.string(),
    /** The engine writes rate, connections or max; an slo step's repetition (its probe at the rate found) says slo. */
    mode: z.enum(stepModes),
    step: resolvedLoadStepSchema,
    startedAt: z.string(),
    /** Measured window actually achieved, seconds. */
    durationS: z.number().nonnegative(),
    targetRate: z.number().positive().nullable(),
    /** Requests sent per second in the measured window. */
    achievedRate: z.number().nonnegative(),
    /** Responses per second in the measured window. */
    throughput: z.number().nonnegative(),
    /** (non2xx + socketErrors + timeouts + unanswered) ÷ sent. */
    errorRate: z.number().nonnegative(),
    connections: z.object({ initial: z.number().int(), peak: z.number().int() }).strict(),
    counts: requestCountsSchema,
    latency: z
      .object({
        /** From the intended send instant (rate mode only): includes queueing behind stalls. */
        intended: latencyRecordSchema.nullable(),
        /** From the actual write to the socket. */
        sent: latencyRecordSchema,
      })
      .strict(),
    /** Rate mode: how late requests left relative to their intended instant. */
    sendLag: latencySummarySchema.nullable(),
    /** Closed-loop modes only. */
    littlesLaw: littlesLawCheckSchema.nullable(),
    /** The first connection error in words ("connection refused by …", "TLS handshake … failed", "not HTTP: …"); absent when none. */
    firstConnectionError: z.string().optional(),
    status: z.enum(['valid', 'invalid']),
    invalidReasons: z.array(z.string()),
    /** Observations that do not invalidate the step (e.g. Little's law drift). */
    warnings: z.array(z.string()),
  })
  .strict();
export type LoadRun = z.infer<typeof loadRunSchema>;

export const repetitionResultSchema = loadRunSchema
  .extend({
    /** 1-based and counted across installs: install 2 of a 5-repetition scenario measures repetitions 6–10. */
    repetition: z.number().int().positive(),
    /** The fresh install (cluster, namespace set or server processes) it was measured on, 1-based; absent: install 1. */
    install: z.number().int().positive().optional(),
    /** Kubelet-scraped memory and CPU during the measured window (clusters only; null for the local target). */
    resources: resourceSummarySchema.nullable(),
    /** Mode slo: the search this repetition ran; its numbers above are the probe at the rate found (absent otherwise). */
    slo: sloSearchSchema.optional(),
  })
  .strict();
export type RepetitionResult = z.infer<typeof repetitionResultSchema>;

export const estimateSchema = z
  .object({ value: z.number(), ci95: z.tuple([z.number(), z.number()]) })
  .strict();
export type Estimate = z.infer<typeof estimateSchema>;

export const stepAggregateSchema = z
  .object({
    /** Which latency the statistics use: 'intended' for rate steps, 'sent' for closed-loop steps. */
    latencyBasis: z.enum(['intended', 'sent']),
    validRepetitions: z.number().int().nonnegative(),
    /** Percentiles of all valid repetitions' histograms merged. */
    merged: latencySummarySchema.nullable(),
    mergedHistogram: encodedHistogramSchema.nullable(),
    /** Median over valid repetitions, with a seeded bootstrap 95% interval. */
    median: z
      .object({
        p50Us: estimateSchema,
        p90Us: estimateSchema,
        p99Us: estimateSchema,
        p999Us: estimateSchema,
        throughput: estimateSchema,
      })
      .strict()
      .nullable(),
    /** Coefficient of variation over valid repetitions (null with fewer than 2). */
    cv: z.object({ p50: z.number().nullable(), p99: z.number().nullable(), throughput: z.number().nullable() }).strict(),
    noisy: z.boolean(),
    /**
     * Per role, over valid repetitions that have resource data: the median of each repetition's means and the
     * highest of their maxima. Null when no repetition has resource data (the local target).
     */
    resources: z.record(z.enum(containerRoles), roleResourceSummarySchema).nullable(),
    /** Cost per 1000 req/s by role (absent in results written before it; null without resource data). */
    perThousandRps: perThousandRpsSchema.nullable().optional(),
    /** The data plane's (sidecars, node agents, waypoints together) cost per 1000 req/s; null without one. */
    dataPlanePerThousandRps: dataPlanePerThousandRpsSchema.nullable().optional(),
    /** CPU and memory outside every container, from the kubelets' node series (absent in older results). */
    outsideContainers: outsideContainersSchema.nullable().optional(),
    notes: z.array(z.string()),
  })
  .strict();
export type StepAggregate = z.infer<typeof stepAggregateSchema>;

export const stepResultSchema = z
  .object({
    name: z.string(),
    config: resolvedLoadStepSchema,
    repetitions: z.array(repetitionResultSchema),
    aggregate: stepAggregateSchema,
  })
  .strict();
export type StepResult = z.infer<typeof stepResultSchema>;

export const failureSchema = z
  .object({
    /** Pipeline step that failed, e.g. `installMesh`. */
    step: z.string(),
    message: z.string(),
    /** argv of the failing command, when a command failed. */
    command: z.array(z.string()).optional(),
    /** Its captured output (tail). */
    output: z.string().optional(),
  })
  .strict();
export type Failure = z.infer<typeof failureSchema>;

import {
  containerRoles,
  dataPlanePerThousandRpsSchema,
  outsideContainersSchema,
  perThousandRpsSchema,
  resourceSummarySchema,
  roleResourceSummarySchema,
} from './resource-schema.js';
export { resourceStatsSchema, containerRoles, type ResourceStats, type ContainerRole } from './resource-schema.js';

const quantitiesSchema = z.object({ cpu: z.string().nullable(), memory: z.string().nullable() }).strict();

/** A mesh container as installed (fairness record: what the mesh was given, at upstream defaults unless overridden). */
export const meshComponentSchema = z
  .object({
    namespace: z.string(),
    container: z.string(),
    role: z.enum(containerRoles),
    /** Pods running it with these settings (per node for agents, per workload pod for sidecars). */
    pods: z.number().int().positive(),
    requests: quantitiesSchema,
    limits: quantitiesSchema,
  })
  .strict();
export type MeshComponent = z.infer<typeof meshComponentSchema>;

/** How long one phase of a system took (issue 8, build 5): cluster create, image load, mesh install, … teardown. */
export const phaseTimingSchema = z
  .object({
    /** `cluster create`, `image load`, `mesh install`, `readiness`, `deploy`, `verify`, `measure <variant> <step> #<rep>`, `teardown`… */
    name: z.string(),
    /** The install the phase belongs to, 1-based (absent in results written before installs: install 1). */
    install: z.number().int().positive().optional(),
    startedAt: z.string(),
    durationMs: z.number().nonnegative(),
    ok: z.boolean(),
  })
  .strict();
export type PhaseTiming = z.infer<typeof phaseTimingSchema>;

/** Proof by traffic (issue 8, build 1): what a burst through the measured path showed, per variant. */
export const trafficProofSchema = z
  .object({
    /** What the variant had to show (meshed) or not show (unmeshed). */
    expected: z.string(),
    seen: z.string(),
    ok: z.boolean(),
    meshed: z.boolean(),
    burst: z.object({ sent: z.number().int().nonnegative(), ok: z.number().int().nonnegative() }).strict(),
    /** Every counter read, before and after the burst (server headers, ztunnel, waypoint, Hubble, WireGuard). */
    counters: z.record(z.string(), z.object({ before: z.number(), after: z.number() }).strict()),
    /** The last mesh header value the server saw (an XFCC or a Linkerd identity), if any. */
    headerSample: z.string().nullable(),
  })
  .strict();
export type TrafficProof = z.infer<typeof trafficProofSchema>;

/** Where a mesh pod ran (issue 8, defect 9). */
export const meshPodSchema = z
  .object({
    namespace: z.string(),
    pod: z.string(),
    role: z.enum(containerRoles),
    node: z.string().nullable(),
    /** The node is a control-plane node (label node-role.kubernetes.io/control-plane), not a measured worker. */
    onControlPlane: z.boolean(),
  })
  .strict();
export type MeshPod = z.infer<typeof meshPodSchema>;

/** A failed system's diagnostics bundle (issue 8, build 2), collected before teardown. */
export const diagnosticsSchema = z
  .object({
    /** Relative to the result file's directory: `diagnostics/<system>`. */
    dir: z.string(),
    files: z.array(z.object({ path: z.string(), bytes: z.number().int().nonnegative(), truncated: z.boolean() }).strict()),
    /** The file to open first, and why. */
    lookFirst: z.string(),
    /** What could not be collected (the bundle is best effort; the run's failure stays the failure). */
    problems: z.array(z.string()),
  })
  .strict();
export type Diagnostics = z.infer<typeof diagnosticsSchema>;

/**
 * The machine a system was measured on, recorded beside its numbers when a run is merged from per-runner runs
 * (`bench merge`, src/history/merge-runs.ts): GitHub's runners of one class differ in CPU model, so every overhead is
 * taken within the run that measured it, and the reader sees which runner each system's numbers came from.
 */
export const runnerSchema = z
  .object({
    /** runId of the source run (each runner's own run). */
    run: z.string(),
    hostname: z.string(),
    cpuModel: z.string(),
    cores: z.number().int().positive(),
    kernel: z.string(),
    /** That runner's `bench calibrate` verdict, when the source run had a calibration.json beside it. */
    calibration: z
      .object({ maxRate: z.number().nullable(), workers: z.number().int(), reason: z.string() })
      .strict()
      .nullable(),
  })
  .strict();
export type Runner = z.infer<typeof runnerSchema>;

export const systemResultSchema = z
  .object({
    /** System id as the user typed it (`baseline`, `istio-ambient`, …). */
    id: z.string(),
    target: z.enum(['local', 'kind', 'existing']),
    status: z.enum(['completed', 'failed', 'interrupted']),
    startedAt: z.string(),
    finishedAt: z.string(),
    failure: failureSchema.nullable(),
    /** Versions as reported by the tools and the cluster, not the pins. */
    versions: z.record(z.string(), z.string()),
    /** The mesh's containers with their requests and limits, read from the cluster (empty without a mesh). */
    meshComponents: z.array(meshComponentSchema),
    /** Every mesh pod and the node it ran on (absent in results written before this field). */
    meshPods: z.array(meshPodSchema).optional(),
    /** Proof by traffic of this variant; null when the system failed before it ran. */
    trafficProof: trafficProofSchema.nullable().optional(),
    /** Duration of every phase of the system (shared by its variants). */
    phases: z.array(phaseTimingSchema).optional(),
    /** Collected when the system failed. */
    diagnostics: diagnosticsSchema.nullable().optional(),
    /** The runner it was measured on, in a merged run (absent in a single run: see `environment`). */
    runner: runnerSchema.optional(),
    /** Memory at several pod counts per node, the fitted model and its projection (scenario `scale:`; issue 10). */
    scale: systemScaleSchema.optional(),
    steps: z.array(stepResultSchema),
  })
  .strict();
export type SystemResult = z.infer<typeof systemResultSchema>;

/**
 * One metric's test in a comparison (issue 12): the Hodges–Lehmann shift with its Moses interval and the exact
 * Wilcoxon–Mann–Whitney p-value (src/analysis/two-sample.ts), and what the verdict can and cannot say.
 */
export const shiftTestSchema = z
  .object({
    /** Hodges–Lehmann shift system − reference (µs), distribution-free interval (`ci95` holds `achievedConfidence`). */
    shift: estimateSchema,
    achievedConfidence: z.number().min(0).max(1),
    pValue: z.number().min(0).max(1),
    pValueMethod: z.enum(['exact', 'sampled']),
    /** significant: p < 0.05, interval excludes 0, beyond any install spread; within-install-variation: only the last fails. */
    outcome: z.enum(['significant', 'not-significant', 'within-install-variation']),
    /** 95% bound of install-to-install variation of the shift, and where it comes from; null when none was measured. */
    installSpread: z
      .object({ spreadUs: z.number().nonnegative(), source: z.string(), installShiftUs: z.number().optional() })
      .strict()
      .nullable(),
    /** Smallest shift detected with 80% power (two-sided α = 0.05) from the observed spread; null when it cannot be said. */
    minimumDetectableUs: z.number().nonnegative().nullable(),
    minimumDetectableNote: z.string().nullable(),
    /** Set when a side has fewer than 5 repetitions. */
    coverageWarning: z.string().nullable(),
  })
  .strict();
export type ShiftTest = z.infer<typeof shiftTestSchema>;

export const comparisonSchema = z
  .object({
    step: z.string(),
    reference: z.string(),
    system: z.string(),
    latencyBasis: z.enum(['intended', 'sent']),
    /**
     * system − reference over per-repetition values. With `statistic` set: the Hodges–Lehmann shift and its Moses
     * interval (the same numbers as `p50.shift`); in results written before it: difference of medians, bootstrap
     * interval.
     */
    deltaP50Us: estimateSchema,
    deltaP99Us: estimateSchema,
    /**
     * Two-sided p-value on per-repetition p50 (p99). With `statistic` set: exact Wilcoxon–Mann–Whitney; before it: a
     * permutation test on the difference of means.
     */
    pValueP50: z.number().min(0).max(1),
    pValueP99: z.number().min(0).max(1),
    repetitions: z.object({ reference: z.number().int(), system: z.number().int() }).strict(),
    /** The fields below are absent in results written before issue 12. */
    statistic: z.literal('hodges-lehmann-mann-whitney').optional(),
    /** within-cluster: a mesh against its own unmeshed namespace (interleaved, same install); cross-cluster: two installs. */
    scope: z.enum(['within-cluster', 'cross-cluster']).optional(),
    /** What variation the verdict accounts for, one plain sentence. */
    covers: z.string().optional(),
    /** Fresh installs per side that the repetitions came from. */
    installs: z.object({ reference: z.number().int().positive(), system: z.number().int().positive() }).strict().optional(),
    /** What a within-cluster comparison isolates for this system (a CNI cannot be un-enrolled). */
    withinCluster: z.object({ isolatesMesh: z.boolean(), means: z.string() }).strict().optional(),
    p50: shiftTestSchema.optional(),
    p99: shiftTestSchema.optional(),
  })
  .strict();
export type Comparison = z.infer<typeof comparisonSchema>;

export const environmentSchema = z
  .object({
    hostname: z.string(),
    platform: z.string(),
    arch: z.string(),
    kernel: z.string(),
    cpuModel: z.string(),
    cores: z.number().int().positive(),
    memoryBytes: z.number().int().positive(),
    node: z.string(),
    harnessVersion: z.string(),
    /** git commit of the harness checkout, or null outside a checkout. */
    harnessCommit: z.string().nullable(),
    harnessDirty: z.boolean().nullable(),
    /** Versions of the libraries and tools that measured (autocannon, hdr-histogram-js, …). */
    tools: z.record(z.string(), z.string()),
  })
  .strict();
export type Environment = z.infer<typeof environmentSchema>;

/** One per-runner run a merged run was made from, and what its systems are called in the merged run. */
export const mergedSourceSchema = z
  .object({
    /** The file as given to `bench merge`. */
    file: z.string(),
    runId: z.string(),
    createdAt: z.string(),
    /** Source system id → id in the merged run (a source's `baseline` becomes `baseline@<its runner>`). */
    systems: z.record(z.string(), z.string()),
  })
  .strict();
export type MergedSource = z.infer<typeof mergedSourceSchema>;

/** The fields a run's results and its compact record (src/history/record-schema.ts) share, in this order. */
export const runHeaderShape = {
  runId: z.string(),
  createdAt: z.string(),
  finishedAt: z.string(),
  status: z.enum(['completed', 'failed', 'interrupted']),
  /** The command line that produced the run. */
  command: z.array(z.string()),
  scenario: resolvedScenarioSchema,
  environment: environmentSchema,
  /** Name of the reference system comparisons are made against. */
  reference: z.string().nullable(),
  /** The per-runner runs a merged run was made from (`bench merge`); absent for a single run. */
  mergedFrom: z.array(mergedSourceSchema).optional(),
};

export const runResultSchema = z
  .object({
    schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
    kind: z.literal('mesh-bench/run'),
    ...runHeaderShape,
    systems: z.array(systemResultSchema),
    comparisons: z.array(comparisonSchema),
  })
  .strict();
export type RunResult = z.infer<typeof runResultSchema>;
