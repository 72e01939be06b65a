import { z } from 'zod';
import { resolvedSloSchema } from './slo-schema.js';

/**
 * The resolved scenario: every default applied, every duration in seconds, every size in bytes.
 * This is what a run executes and what the result file embeds, so a saved result says exactly what it measured.
 * The user-facing YAML shape (durations as "10s", defaults) lives in src/scenario/ and resolves into this.
 */
export const loadModes = ['rate', 'connections', 'max'] as const;
export type LoadMode = (typeof loadModes)[number];
/**
 * A scenario step's modes: the engine's, plus `slo`, a search over fixed-rate probes (src/load/slo-search.ts) that
 * the engine never runs as such: each probe is a `rate` step.
 */
export const stepModes = [...loadModes, 'slo'] as const;
export type StepMode = (typeof stepModes)[number];

export const resolvedLoadStepSchema = z
  .object({
    name: z.string().min(1),
    /**
     * rate: open loop at a fixed arrival rate; connections: closed loop; max: closed loop, throughput ceiling;
     * slo: the highest fixed rate meeting a latency objective (`slo`), searched with rate-mode probes.
     */
    mode: z.enum(stepModes),
    /** Requests per second (rate mode only, else null). */
    rate: z.number().positive().nullable(),
    /** Connections opened at start. In rate mode more are opened, up to maxConnections, when all are busy. */
    connections: z.number().int().positive(),
    /** Upper bound on connections in rate mode (equals `connections` in closed-loop modes). */
    maxConnections: z.number().int().positive(),
    /** Measured window, seconds. */
    durationS: z.number().positive(),
    /** Warm-up before the measured window, seconds; traffic flows but nothing is recorded. */
    warmupS: z.number().nonnegative(),
    /** Spacing of intended send instants in rate mode. */
    arrival: z.enum(['uniform', 'poisson']),
    /** Engine threads; 1 runs in the calling thread. */
    workers: z.number().int().positive(),
    /** Per-request timeout, milliseconds. */
    timeoutMs: z.number().int().positive(),
    /** Mode slo only: the objective and the search's bounds (each probe uses this step's window and warm-up). */
    slo: resolvedSloSchema.optional(),
  })
  .strict();
export type ResolvedLoadStep = z.infer<typeof resolvedLoadStepSchema>;

export const resolvedWorkloadSchema = z
  .object({
    /** Response body size, bytes. */
    responseBytes: z.number().int().nonnegative(),
    /** Service time the server adds to each request, microseconds (0 = none). */
    serviceDelayUs: z.number().int().nonnegative(),
    /** Number of server hops: 1 = client → server; 2 = client → server → server; … */
    hops: z.number().int().min(1).max(8),
    /** Server replicas per hop (clusters only; the local target always runs one). */
    replicas: z.number().int().positive(),
    /** Request path. */
    path: z.string().startsWith('/'),
  })
  .strict();
export type ResolvedWorkload = z.infer<typeof resolvedWorkloadSchema>;

export const thresholdsSchema = z
  .object({
    /** A rate step is invalid when achieved rate < minRateFraction × target. */
    minRateFraction: z.number().gt(0).max(1),
    /** A step is flagged noisy when the coefficient of variation of p50 over repetitions exceeds this. */
    maxCv: z.number().positive(),
    /** Closed-loop steps: |mean latency ÷ (connections ÷ throughput) − 1| above this is flagged. */
    littlesLawTolerance: z.number().positive(),
  })
  .strict();
export type Thresholds = z.infer<typeof thresholdsSchema>;

/**
 * Scenario `scale:` (issue 10, build 3): the server Deployment at each count of replicas per worker node, memory
 * sampled over an idle window and then under a light fixed rate, fitted per role (src/scale/README.md).
 */
export const resolvedScaleSchema = z
  .object({
    /** Server replicas per worker node, strictly increasing, at least two counts (the fit needs two). */
    replicasPerNode: z.array(z.number().int().positive()).min(2),
    /** After the pods are ready and before sampling: memory settles (caches, first config push). Seconds. */
    settleS: z.number().nonnegative(),
    /** The idle window, no traffic, seconds. */
    idleS: z.number().positive(),
    /** The light fixed load: rate (req/s, open loop) over a window of durationS seconds. */
    load: z.object({ rate: z.number().positive(), durationS: z.number().positive() }).strict(),
    /** The cluster the model projects to. */
    projection: z.object({ nodes: z.number().int().positive(), pods: z.number().int().positive() }).strict(),
  })
  .strict();
export type ResolvedScale = z.infer<typeof resolvedScaleSchema>;

export const resolvedScenarioSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    /** Where the scenario came from (path as given). */
    source: z.string(),
    /** Repetitions of every step per install (see `installs`): a system measures installs × repetitions in all. */
    repetitions: z.number().int().positive(),
    /**
     * Fresh installs per system, each a complete prepare → measure → teardown (a new kind cluster, a new namespace set
     * on an existing cluster, new server processes locally), so the statistics can see install-to-install spread.
     * Absent in results written before this field: those ran one install.
     */
    installs: z.number().int().positive().optional(),
    /** Memory at several pod counts per node (issue 10): absent when the scenario has no `scale:` section. */
    scale: resolvedScaleSchema.optional(),
    /** Seed for Poisson arrivals, bootstrap and permutation tests: same seed, same statistics. */
    seed: z.number().int().nonnegative(),
    /** Allowed fraction of failed requests (non-2xx + socket errors + timeouts) before a step is invalid. */
    errorBudget: z.number().min(0).max(1),
    workload: resolvedWorkloadSchema,
    thresholds: thresholdsSchema,
    steps: z.array(resolvedLoadStepSchema).min(1),
  })
  .strict();
export type ResolvedScenario = z.infer<typeof resolvedScenarioSchema>;
