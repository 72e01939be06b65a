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

/**
 * What a node is, which decides what the kubelet's node series cover (see src/metrics/README.md, "Outside
 * containers"): `machine`, a VM or machine of its own, whose root cgroup is the whole machine (kernel threads and
 * interrupt time included); `kind-node`, a kind node, i.e. a container on a host shared with the other nodes, whose
 * "root" cgroup is only that container's.
 */
export const nodeScopes = ['machine', 'kind-node'] as const;
export type NodeScope = (typeof nodeScopes)[number];

/**
 * A node's series minus the sum of its containers' (the `container_*` series: pod sandboxes, the kubelet, the runtime
 * and the kernel are in none of them). Signed: the two sides are means over slightly different sample instants, so a
 * node with almost nothing outside its containers can come out a little below zero. Null = that side had no data
 * (memory: no node sample; CPU: fewer than two distinct node samples).
 */
export const outsideContainersSampleSchema = z
  .object({
    cpuMeanCores: z.number().nullable(),
    memoryMeanBytes: z.number().nullable(),
  })
  .strict();
export type OutsideContainersSample = z.infer<typeof outsideContainersSampleSchema>;

export const nodeResourceSummarySchema = z
  .object({
    node: z.string(),
    /** What the node is (absent in results written before it was recorded: then nothing outside containers is computed). */
    scope: z.enum(nodeScopes).optional(),
    containers: z.number().int().nonnegative(),
    /** The node's containers added up, like a role. */
    sumOfContainers: groupResourceStatsSchema,
    /**
     * The kubelet's own node series (`node_memory_working_set_bytes`, `node_cpu_usage_seconds_total`): everything on
     * the node, including the kubelet, the container runtime and pod overhead. Null when the kubelet sent neither.
     */
    total: groupResourceStatsSchema.nullable(),
    /** `total` − `sumOfContainers`, means only; null without `total` (absent in results written before it). */
    outsideContainers: outsideContainersSampleSchema.nullable().optional(),
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

// ---- figures over repetitions (the step aggregate) ------------------------------------------------------------------

/**
 * A median over repetitions with a seeded bootstrap 95% interval. The same shape as `estimateSchema` in
 * result-schema.ts, which imports this file and so cannot be imported here.
 */
const intervalEstimateSchema = z.object({ value: z.number(), ci95: z.tuple([z.number(), z.number()]) }).strict();

const cpuAndMemorySchema = z.object({ cpuCores: intervalEstimateSchema, memoryBytes: intervalEstimateSchema }).strict();

/**
 * One role's cost per 1000 req/s of the step's achieved throughput (the units of Istio's performance page: vCPU and
 * memory per 1000 requests per second). Per repetition: the role's mean CPU (cores) and mean working set (bytes),
 * summed over every container of the role, each divided by (throughput ÷ 1000); then the median over repetitions with
 * a bootstrap interval. Memory is not consumed per request: `memoryBytes` is the role's working set at the measured
 * load divided by load/1000, comparable with a published "X MB per 1000 req/s" only at that same load. `raw` is the
 * undivided figures over the same repetitions.
 */
export const roleCostPerThousandSchema = z
  .object({
    cpuCores: intervalEstimateSchema,
    memoryBytes: intervalEstimateSchema,
    raw: cpuAndMemorySchema,
    /** Repetitions the figures are over (valid, with resource data, throughput > 0, the role present). */
    repetitions: z.number().int().positive(),
  })
  .strict();
export type RoleCostPerThousand = z.infer<typeof roleCostPerThousandSchema>;

/** Per role present in the step (a role no container had is absent). */
export const perThousandRpsSchema = z.partialRecord(z.enum(containerRoles), roleCostPerThousandSchema);
export type PerThousandRps = z.infer<typeof perThousandRpsSchema>;

/** The roles that carry the requests: a mesh's data plane (the control plane and the workload are not in it). */
export const dataPlaneRoles = ['sidecar-proxy', 'node-agent', 'waypoint'] as const satisfies readonly ContainerRole[];

/**
 * The data plane's cost per 1000 req/s: the `dataPlaneRoles` present in the step added up within each repetition,
 * then divided and summarised like one role (the median of the sums, not the sum of the roles' medians, so it has an
 * interval of its own). `roles` names the roles it adds up.
 */
export const dataPlanePerThousandRpsSchema = roleCostPerThousandSchema
  .extend({ roles: z.array(z.enum(containerRoles)).min(1) })
  .strict();
export type DataPlanePerThousandRps = z.infer<typeof dataPlanePerThousandRpsSchema>;

/** Node series − Σ containers, and the node series themselves, medians over repetitions with intervals. */
const outsideFiguresSchema = z
  .object({
    cpuCores: intervalEstimateSchema,
    memoryBytes: intervalEstimateSchema,
    nodeCpuCores: intervalEstimateSchema,
    nodeMemoryBytes: intervalEstimateSchema,
  })
  .strict();

/**
 * CPU and memory outside every container, per node and summed over the nodes: the kubelet's node series minus the
 * sum of that node's containers. Computed only on nodes that are machines of their own (`measured: true`); on kind
 * nodes (containers sharing one host) the node series do not hold the kernel's work, so the figure is not computed
 * and `reason` says why. See src/metrics/README.md, "Outside containers".
 */
export const outsideContainersSchema = z.discriminatedUnion('measured', [
  z
    .object({
      measured: z.literal(true),
      scope: z.literal('machine'),
      nodes: z.array(outsideFiguresSchema.extend({ node: z.string() }).strict()),
      /** Summed over the nodes within each repetition, then the median over repetitions. */
      total: outsideFiguresSchema,
      /** `total.cpuCores` and `total.memoryBytes` per 1000 req/s of the step's throughput, per repetition. */
      perThousandRps: cpuAndMemorySchema,
      /**
       * The per-repetition values `perThousandRps.cpuCores` is the median of, in repetition order: kept so a
       * difference between two systems can be bootstrapped from the aggregate alone (compact records drop the samples).
       */
      cpuPerThousandRpsByRepetition: z.array(z.number()),
      repetitions: z.number().int().positive(),
      notes: z.array(z.string()),
    })
    .strict(),
  z.object({ measured: z.literal(false), reason: z.string() }).strict(),
]);
export type OutsideContainers = z.infer<typeof outsideContainersSchema>;
