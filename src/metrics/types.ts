import { z } from 'zod';
import { containerRoles, resourceStatsSchema } from '../core/result-schema.js';

/**
 * Domain types of resource sampling. Scrapes are in-memory only; the summary (zod schemas below) is plain data
 * meant for the result file. The exact meaning of every aggregate is in src/metrics/README.md; the short form is
 * repeated on the fields.
 */

/** A container's identity for the whole step: the kubelet's `namespace`, `pod` and `container` labels. */
export interface ContainerRef {
  namespace: string;
  pod: string;
  container: string;
}

/** `namespace/pod/container`: names cannot contain '/', so the key is unambiguous. */
export function containerKey(c: ContainerRef): string {
  return `${c.namespace}/${c.pod}/${c.container}`;
}

/** One value of one series as the kubelet reported it. */
export interface ResourceReading {
  value: number;
  /** The kubelet's sample timestamp (epoch ms), or the scrape time when the line had none. */
  timestampMs: number;
  /** True when the line had no timestamp and `timestampMs` is the scrape time. */
  timestampFromScrape: boolean;
}

export interface ContainerReading extends ContainerRef {
  /** `container_memory_working_set_bytes`, bytes. */
  memoryWorkingSetBytes: ResourceReading | null;
  /** `container_cpu_usage_seconds_total`: a counter, core-seconds since the container started. */
  cpuUsageCoreSeconds: ResourceReading | null;
  /** `container_start_time_seconds`, epoch seconds; null when absent or implausible (≤ 0, e.g. Go's zero time). */
  startTimeSeconds: number | null;
}

export interface NodeReading {
  /** `node_memory_working_set_bytes`. */
  memoryWorkingSetBytes: ResourceReading | null;
  /** `node_cpu_usage_seconds_total`. */
  cpuUsageCoreSeconds: ResourceReading | null;
}

/** One kubelet `/metrics/resource` response, reduced to what the harness uses. */
export interface ResourceScrape {
  node: string;
  /** When the harness received the response, epoch ms (the fallback for lines without a timestamp). */
  scrapedAtMs: number;
  containers: ContainerReading[];
  nodeUsage: NodeReading;
  /**
   * `resource_scrape_error` (or the deprecated `scrape_error`): true when either is non-zero, false when present
   * and zero, null when the response had neither.
   */
  scrapeError: boolean | null;
  /** Anything odd in this response (skipped rows, implausible values). */
  notes: string[];
}

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
