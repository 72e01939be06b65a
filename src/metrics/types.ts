export type { ContainerRole } from '../core/resource-schema.js';

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

export {
  containerResourceSummarySchema,
  groupResourceStatsSchema,
  roleResourceSummarySchema,
  podResourceSummarySchema,
  nodeResourceSummarySchema,
  resourceSummarySchema,
  type ContainerResourceSummary,
  type GroupResourceStats,
  type RoleResourceSummary,
  type PodResourceSummary,
  type NodeResourceSummary,
  type ResourceSummary,
} from '../core/resource-schema.js';
