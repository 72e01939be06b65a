import type { ContainerReading, ResourceReading, ResourceScrape } from '../../src/metrics/types.js';

/**
 * Hand-built kubelet scrapes (already parsed) for tests of the arithmetic on them: every value and kubelet timestamp
 * is the test's, so what a summary should say can be worked out by hand. Times are seconds after T0.
 */
export const T0 = 1_760_000_000_000;
export const at = (seconds: number): number => T0 + seconds * 1000;

export function reading(value: number, seconds: number, fromScrape = false): ResourceReading {
  return { value, timestampMs: at(seconds), timestampFromScrape: fromScrape };
}

export interface ContainerAt {
  ns: string;
  pod: string;
  name: string;
  /** Working set, bytes, stamped at the scrape's kubelet time; null = no memory row. */
  memory?: number | null;
  /** CPU counter, core-seconds; null = no CPU row. */
  cpu?: number | null;
  startTimeSeconds?: number | null;
}

/** One response of `node`'s kubelet whose readings were all taken at `seconds` (a scrape of a cached refresh). */
export function scrapeAt(
  node: string,
  seconds: number,
  containers: readonly ContainerAt[],
  extra: { nodeMemory?: number; nodeCpu?: number; scrapeError?: boolean | null; notes?: string[]; scrapedAt?: number } = {},
): ResourceScrape {
  return {
    node,
    scrapedAtMs: at(extra.scrapedAt ?? seconds),
    containers: containers.map(
      (c): ContainerReading => ({
        namespace: c.ns,
        pod: c.pod,
        container: c.name,
        memoryWorkingSetBytes: c.memory === null || c.memory === undefined ? null : reading(c.memory, seconds),
        cpuUsageCoreSeconds: c.cpu === null || c.cpu === undefined ? null : reading(c.cpu, seconds),
        startTimeSeconds: c.startTimeSeconds ?? null,
      }),
    ),
    nodeUsage: {
      memoryWorkingSetBytes: extra.nodeMemory === undefined ? null : reading(extra.nodeMemory, seconds),
      cpuUsageCoreSeconds: extra.nodeCpu === undefined ? null : reading(extra.nodeCpu, seconds),
    },
    scrapeError: extra.scrapeError === undefined ? false : extra.scrapeError,
    notes: extra.notes ?? [],
  };
}
