import { z } from 'zod';

/**
 * Resource usage as the result file stores it (per repetition, from kubelet scrapes; computed in src/metrics/).
 * Lives in core because the result schema embeds it.
 */
export const resourceStatsSchema = z
  .object({
    memoryMeanBytes: z.number().nonnegative(),
    memoryMaxBytes: z.number().nonnegative(),
    cpuMeanCores: z.number().nonnegative(),
    cpuMaxCores: z.number().nonnegative(),
    samples: z.number().int().nonnegative(),
  })
  .strict();
export type ResourceStats = z.infer<typeof resourceStatsSchema>;

export const containerRoles = ['workload', 'load-client', 'sidecar-proxy', 'node-agent', 'control-plane', 'waypoint', 'other'] as const;
export type ContainerRole = (typeof containerRoles)[number];

/** Usage of one container over the step. Null = no data (no sample; for CPU, fewer than two distinct samples). */
export const containerResourceSummarySchema = z
  .object({
    namespace: z.string(),
    pod: z.string(),
    container: z.string(),
    node: z.string(),
    role: z.enum(containerRoles),
    /** Mean of the distinct working-set samples. */
    memoryMeanBytes: z.number().nonnegative().nullable(),
    memoryMaxBytes: z.number().nonnegative().nullable(),
    /** Σ Δcounter ÷ Σ Δt over the intervals between consecutive distinct samples (the time-weighted mean rate). */
    cpuMeanCores: z.number().nonnegative().nullable(),
    /** Highest rate over one such interval. */
    cpuMaxCores: z.number().nonnegative().nullable(),
    /** Distinct memory samples kept. */
    memorySamples: z.number().int().nonnegative(),
    /** Distinct CPU counter samples kept. */
    cpuSamples: z.number().int().nonnegative(),
    /** CPU intervals a rate was computed over. */
    cpuIntervals: z.number().int().nonnegative(),
    /** Intervals skipped because the counter went down or the start time changed (a restart). */
    counterResets: z.number().int().nonnegative(),
  })
  .strict();
export type ContainerResourceSummary = z.infer<typeof containerResourceSummarySchema>;

/**
 * A group of containers (a role, a pod, a node's containers). Means are sums of the containers' means;
 * maxima are the maximum over time of the summed series (see README: "Aggregates"); `samples` counts the
 * distinct memory and CPU samples of the group's containers.
 */
export const groupResourceStatsSchema = resourceStatsSchema;
export type GroupResourceStats = z.infer<typeof groupResourceStatsSchema>;

export const roleResourceSummarySchema = resourceStatsSchema
  .extend({
    /** Containers attributed to the role (with or without data). */
    containers: z.number().int().nonnegative(),
  })
  .strict();
export type RoleResourceSummary = z.infer<typeof roleResourceSummarySchema>;

export const podResourceSummarySchema = resourceStatsSchema
  .extend({
    namespace: z.string(),
    pod: z.string(),
    node: z.string(),
    /** Roles of the pod's containers, in `containerRoles` order (a meshed pod has workload and sidecar-proxy). */
    roles: z.array(z.enum(containerRoles)),
    containers: z.number().int().nonnegative(),
  })
  .strict();
export type PodResourceSummary = z.infer<typeof podResourceSummarySchema>;

export const nodeResourceSummarySchema = z
  .object({
    node: z.string(),
    containers: z.number().int().nonnegative(),
    /** The node's containers added up, like a role. */
    sumOfContainers: groupResourceStatsSchema,
    /**
     * The kubelet's own node series (`node_memory_working_set_bytes`, `node_cpu_usage_seconds_total`): everything on
     * the node, including the kubelet, the container runtime and pod overhead. Null when the kubelet sent neither.
     */
    total: groupResourceStatsSchema.nullable(),
  })
  .strict();
export type NodeResourceSummary = z.infer<typeof nodeResourceSummarySchema>;

export const resourceSummarySchema = z
  .object({
    /** Every role, always present (containers: 0 and zeros for a role nobody had). */
    roles: z.record(z.enum(containerRoles), roleResourceSummarySchema),
    pods: z.array(podResourceSummarySchema),
    nodes: z.array(nodeResourceSummarySchema),
    containers: z.array(containerResourceSummarySchema),
    /** Kubelet responses used. */
    scrapes: z.number().int().nonnegative(),
    /** Responses whose resource_scrape_error (or scrape_error) was non-zero. */
    scrapeErrors: z.number().int().nonnegative(),
    /** Container memory and CPU values read over all scrapes, before de-duplication and windowing. */
    samples: z.number().int().nonnegative(),
    /** Distinct (container, series, timestamp) samples kept: what the statistics are computed from. */
    distinctTimestamps: z.number().int().nonnegative(),
    /** Samples outside this window (epoch ms, inclusive) were dropped; null = no window. */
    window: z.object({ startMs: z.number(), endMs: z.number() }).strict().nullable(),
    notes: z.array(z.string()),
  })
  .strict();
export type ResourceSummary = z.infer<typeof resourceSummarySchema>;
