import { parsePrometheusText, type PrometheusSample } from './prometheus-text.js';
import { containerKey, type ContainerReading, type ResourceReading, type ResourceScrape } from './types.js';

/**
 * The kubelet's `/metrics/resource` endpoint (what metrics-server reads), reduced to the series the harness uses.
 * The series names are the same in the [ALPHA] format of 2021 and the [STABLE] one of current kubelets; only the
 * HELP text and the error gauge's name changed (`scrape_error`, deprecated in 1.29, → `resource_scrape_error`).
 */
export const RESOURCE_SERIES = {
  containerMemory: 'container_memory_working_set_bytes',
  containerCpu: 'container_cpu_usage_seconds_total',
  containerStartTime: 'container_start_time_seconds',
  nodeMemory: 'node_memory_working_set_bytes',
  nodeCpu: 'node_cpu_usage_seconds_total',
  scrapeError: 'resource_scrape_error',
  scrapeErrorDeprecated: 'scrape_error',
} as const;

/**
 * Parses one `/metrics/resource` response from `node`, received at `scrapedAtMs` (epoch ms: the timestamp given to
 * lines that carry none). Throws PrometheusTextError on text that is not exposition format.
 *
 * Rows without a non-empty `container` label (and the `POD` sandbox of dockershim-era kubelets) are skipped: they
 * are pod or cgroup aggregates, not containers. /metrics/resource has none, but the same reduction then also works on
 * `/metrics/cadvisor`, which has many.
 */
export function parseResourceMetrics(text: string, node: string, scrapedAtMs: number): ResourceScrape {
  const samples = parsePrometheusText(text);
  const containers = new Map<string, ContainerReading>();
  const notes: string[] = [];
  let skippedAggregates = 0;
  let nodeMemory: ResourceReading | null = null;
  let nodeCpu: ResourceReading | null = null;
  let scrapeError: boolean | null = null;
  const duplicates = new Set<string>();
  const nonFinite = new Set<string>();

  const reading = (s: PrometheusSample): ResourceReading | null => {
    if (!Number.isFinite(s.value) || s.value < 0) {
      nonFinite.add(s.name);
      return null;
    }
    return s.timestampMs === null
      ? { value: s.value, timestampMs: scrapedAtMs, timestampFromScrape: true }
      : { value: s.value, timestampMs: s.timestampMs, timestampFromScrape: false };
  };

  for (const s of samples) {
    switch (s.name) {
      case RESOURCE_SERIES.containerMemory:
      case RESOURCE_SERIES.containerCpu:
      case RESOURCE_SERIES.containerStartTime: {
        const ref = containerLabels(s);
        if (ref === null) {
          skippedAggregates++;
          break;
        }
        const key = containerKey(ref);
        let c = containers.get(key);
        if (c === undefined) {
          c = { ...ref, memoryWorkingSetBytes: null, cpuUsageCoreSeconds: null, startTimeSeconds: null };
          containers.set(key, c);
        }
        if (s.name === RESOURCE_SERIES.containerStartTime) {
          // Go's zero time.Time renders as about -6.8e9 s (year 1); any value ≤ 0 means "unknown".
          c.startTimeSeconds = Number.isFinite(s.value) && s.value > 0 ? s.value : null;
          if (c.startTimeSeconds === null) notes.push(`${key}: implausible container_start_time_seconds ${s.value} ignored`);
          break;
        }
        const field = s.name === RESOURCE_SERIES.containerMemory ? 'memoryWorkingSetBytes' : 'cpuUsageCoreSeconds';
        const r = reading(s);
        if (r === null) break;
        const previous = c[field];
        if (previous !== null) {
          duplicates.add(`${s.name} ${key}`);
          // A dead container's cgroup can linger next to its successor's (cAdvisor): keep the newer reading.
          if (previous.timestampMs > r.timestampMs) break;
        }
        c[field] = r;
        break;
      }
      case RESOURCE_SERIES.nodeMemory:
        nodeMemory = reading(s) ?? nodeMemory;
        break;
      case RESOURCE_SERIES.nodeCpu:
        nodeCpu = reading(s) ?? nodeCpu;
        break;
      case RESOURCE_SERIES.scrapeError:
      case RESOURCE_SERIES.scrapeErrorDeprecated:
        scrapeError = scrapeError === true || s.value !== 0;
        break;
      // Stryker disable next-line ConditionalExpression: emptying the last clause (a lone break) changes nothing
      default:
        break;
    }
  }

  if (skippedAggregates > 0) {
    notes.push(`${skippedAggregates} row(s) without a container label skipped (pod, sandbox or cgroup aggregates)`);
  }
  for (const d of [...duplicates].sort()) notes.push(`more than one row for ${d}: kept the newest`);
  for (const n of [...nonFinite].sort()) notes.push(`negative or non-finite value(s) of ${n} ignored`);

  return {
    node,
    scrapedAtMs,
    containers: [...containers.values()].sort((a, b) => compareKeys(containerKey(a), containerKey(b))),
    nodeUsage: { memoryWorkingSetBytes: nodeMemory, cpuUsageCoreSeconds: nodeCpu },
    scrapeError,
    notes,
  };
}

function containerLabels(s: PrometheusSample): { namespace: string; pod: string; container: string } | null {
  const { namespace, pod, container } = s.labels;
  if (namespace === undefined || pod === undefined || container === undefined) return null;
  if (container === '' || container === 'POD' || pod === '' || namespace === '') return null;
  return { namespace, pod, container };
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
