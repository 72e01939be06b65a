import type { KubeClient } from '../core/kube.js';
import { parseResourceMetrics } from './kubelet-resource.js';
import type { ResourceScrape } from './types.js';

/**
 * Scrapes every node's kubelet `/metrics/resource` through the API server's node proxy while a step runs (not
 * metrics-server: its own README says it is not meant for accurate monitoring). The kubelet refreshes its numbers
 * only every ~10–15 s, so scraping every 5 s sees each refresh; duplicates are dropped when summarizing.
 */
export const SCRAPE_INTERVAL_MS = 5000;
export const KUBELET_RESOURCE_PATH = 'metrics/resource';

export interface SamplerHandle {
  /** Stops after the scrape in progress (if any) and returns every scrape, with failures as notes. */
  stop(): Promise<{ scrapes: ResourceScrape[]; failures: string[] }>;
}

export function startKubeletSampler(kube: KubeClient, nodes: readonly string[], everyMs = SCRAPE_INTERVAL_MS, now: () => number = Date.now): SamplerHandle {
  const scrapes: ResourceScrape[] = [];
  const failures: string[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> = Promise.resolve();

  const scrapeAll = async (): Promise<void> => {
    await Promise.all(
      nodes.map(async (node) => {
        const at = now();
        try {
          // A scrape may retry transient failures only until the next one is due (and stop() never waits longer).
          const text = await kube.nodeProxyGet(node, KUBELET_RESOURCE_PATH, { timeoutMs: everyMs });
          scrapes.push(parseResourceMetrics(text, node, at));
        } catch (error) {
          failures.push(`${node}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
  };
  const tick = (): void => {
    if (stopped) return;
    inFlight = scrapeAll().finally(() => {
      if (!stopped) timer = setTimeout(tick, everyMs);
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      // One last look, so a step shorter than the interval still ends on a fresh reading.
      await scrapeAll();
      return { scrapes, failures };
    },
  };
}
