import { describe, expect, it } from 'vitest';
import { parseResourceMetrics } from '../src/metrics/kubelet-resource.js';
import { parsePrometheusExposition } from '../src/metrics/prometheus-text.js';
import { baselineClassifier } from '../src/metrics/roles.js';
import { summarizeResources } from '../src/metrics/summarize-resources.js';
import type { ResourceScrape } from '../src/metrics/types.js';
import { referenceFiles } from './helpers/reference.js';

const CADVISOR = 'metrics-cadvisor.k8s-v1.35.0.minikube.nri-kubernetes.txt';
const COLLECTOR = ['arbitrary-container-metrics', 'arbitrary-node-metrics', 'arbitrary-pod-metrics', 'error-getting-summary'];
const samples = referenceFiles(
  'the tests on metrics-server and kubelet-collector samples',
  [
    'metrics-resource.normal.metrics-server-v0.9.0.txt',
    'metrics-resource.normal.expected.metrics-server-v0.9.0.json',
    'metrics-resource.no-timestamps.metrics-server-v0.9.0.txt',
    'metrics-resource.bad-start-time.metrics-server-v0.9.0.txt',
    'metrics-resource.kind-e2e.metrics-server-v0.9.0.txt',
    ...COLLECTOR.map((name) => `k8s-collector-expected/${name}.txt`),
  ].map((file) => `kubelet/${file}`),
);
const cadvisor = referenceFiles('the cAdvisor capture test', [`kubelet/${CADVISOR}`]);
const kubelet = (file: string): string => (file === CADVISOR ? cadvisor : samples).read(`kubelet/${file}`);

const SCRAPED_AT = Date.UTC(2026, 0, 2, 3, 4, 5);

/** metrics-server's decoded form (decode_test.go "Normal"), as transcribed in the .expected.json file. */
function asMetricsServerDecodes(scrape: ResourceScrape) {
  const iso = (ms: number) => new Date(ms).toISOString();
  const nodeMemory = scrape.nodeUsage.memoryWorkingSetBytes;
  const nodeCpu = scrape.nodeUsage.cpuUsageCoreSeconds;
  const pods: Record<string, { containers: Record<string, unknown> }> = {};
  for (const c of scrape.containers) {
    const key = `${c.namespace}/${c.pod}`;
    pods[key] ??= { containers: {} };
    pods[key].containers[c.container] = {
      timestamp: iso(c.cpuUsageCoreSeconds?.timestampMs ?? Number.NaN),
      timestampMs: c.cpuUsageCoreSeconds?.timestampMs,
      cumulativeCpuUsedNanoseconds: Math.round((c.cpuUsageCoreSeconds?.value ?? Number.NaN) * 1e9),
      memoryWorkingSetBytes: c.memoryWorkingSetBytes?.value,
      startTime: iso((c.startTimeSeconds ?? Number.NaN) * 1000).replace('.000Z', 'Z'),
    };
  }
  return {
    nodes: {
      [scrape.node]: {
        timestamp: iso(nodeCpu?.timestampMs ?? Number.NaN),
        timestampMs: nodeCpu?.timestampMs,
        cumulativeCpuUsedNanoseconds: Math.round((nodeCpu?.value ?? Number.NaN) * 1e9),
        memoryWorkingSetBytes: nodeMemory?.value,
      },
    },
    pods,
  };
}

describe('kubelet /metrics/resource samples', () => {
  it.skipIf(!samples.available)('extracts from the "Normal" sample exactly what metrics-server v0.9.0 decodes from it', () => {
    const scrape = parseResourceMetrics(kubelet('metrics-resource.normal.metrics-server-v0.9.0.txt'), 'node1', SCRAPED_AT);
    const expected = JSON.parse(kubelet('metrics-resource.normal.expected.metrics-server-v0.9.0.json')) as {
      nodes: unknown;
      pods: unknown;
    };
    const decoded = asMetricsServerDecodes(scrape);
    expect(decoded.nodes).toEqual(expected.nodes);
    expect(decoded.pods).toEqual(expected.pods);
    // Node memory and CPU carry their own timestamps; pod_* series are ignored; scrape_error 0 is "no error".
    expect(scrape.nodeUsage.memoryWorkingSetBytes).toEqual({
      value: 1616273408,
      timestampMs: 1633253809720,
      timestampFromScrape: false,
    });
    expect(scrape.containers).toHaveLength(1);
    expect(scrape.scrapeError).toBe(false);
    expect(scrape.notes).toEqual([]);
  });

  it.skipIf(!samples.available)('stamps lines without a timestamp with the scrape time and says so', () => {
    const scrape = parseResourceMetrics(kubelet('metrics-resource.no-timestamps.metrics-server-v0.9.0.txt'), 'node1', SCRAPED_AT);
    expect(scrape.containers).toEqual([
      {
        namespace: 'kube-system',
        pod: 'coredns-558bd4d5db-4dpjz',
        container: 'coredns',
        memoryWorkingSetBytes: { value: 12533760, timestampMs: SCRAPED_AT, timestampFromScrape: true },
        cpuUsageCoreSeconds: { value: 4.710169, timestampMs: SCRAPED_AT, timestampFromScrape: true },
        startTimeSeconds: 1633252712,
      },
    ]);
    expect(scrape.nodeUsage).toEqual({
      memoryWorkingSetBytes: { value: 1616273408, timestampMs: SCRAPED_AT, timestampFromScrape: true },
      cpuUsageCoreSeconds: { value: 357.35491, timestampMs: SCRAPED_AT, timestampFromScrape: true },
    });
    // Neither error gauge in this sample: unknown, not "no error".
    expect(scrape.scrapeError).toBeNull();
  });

  it.skipIf(!samples.available)('treats a zero-time container start (which makes metrics-server fail) as unknown, keeping the valid one', () => {
    const scrape = parseResourceMetrics(kubelet('metrics-resource.bad-start-time.metrics-server-v0.9.0.txt'), 'n', SCRAPED_AT);
    expect(scrape.containers.map((c) => [c.pod, c.startTimeSeconds, c.memoryWorkingSetBytes, c.cpuUsageCoreSeconds])).toEqual([
      ['kubernetes-dashboard-metrics-server-77db45cdf4-fppzx', null, null, null],
      ['kubernetes-dashboard-metrics-server-77db45cdf4-tpx4v', 1.6509742024191372e9, null, null],
    ]);
    expect(scrape.notes).toEqual([
      'kubernetes-dashboard/kubernetes-dashboard-metrics-server-77db45cdf4-fppzx/metrics-server: implausible container_start_time_seconds -6795364578.8713455 ignored',
    ]);
  });

  it.skipIf(!samples.available)('reads all 70 containers of the real 2021 kind capture ([ALPHA] format), each with its own timestamp', () => {
    const text = kubelet('metrics-resource.kind-e2e.metrics-server-v0.9.0.txt');
    expect(parsePrometheusExposition(text).families.get('container_cpu_usage_seconds_total')?.help).toMatch(/^\[ALPHA\]/);
    const scrape = parseResourceMetrics(text, 'e2e-control-plane', SCRAPED_AT);
    expect(scrape.containers).toHaveLength(70);
    expect(new Set(scrape.containers.map((c) => `${c.namespace}/${c.pod}`)).size).toBe(70);
    expect(scrape.containers.every((c) => c.memoryWorkingSetBytes !== null && c.cpuUsageCoreSeconds !== null)).toBe(true);
    expect(scrape.containers.every((c) => c.startTimeSeconds === null)).toBe(true); // not in this capture
    const etcd = scrape.containers.find((c) => c.container === 'etcd');
    expect(etcd?.cpuUsageCoreSeconds).toEqual({ value: 31.349402, timestampMs: 1633253814387, timestampFromScrape: false });
    // The kubelet refreshes containers at different moments: the timestamps of one response spread over ~19 s.
    const stamps = scrape.containers.map((c) => c.cpuUsageCoreSeconds?.timestampMs ?? 0);
    expect(Math.max(...stamps) - Math.min(...stamps)).toBe(1633253817851 - 1633253798973);
    expect(scrape.scrapeError).toBe(false);
    expect(scrape.nodeUsage.cpuUsageCoreSeconds?.value).toBeGreaterThan(0);
  });

  describe.skipIf(!samples.available)('current [STABLE] format (the kubelet collector unit test expectations)', () => {
    const collector = (name: string) => kubelet(`k8s-collector-expected/${name}.txt`);

    it('reads container series and ignores commit, swap and pod series', () => {
      const text = collector('arbitrary-container-metrics');
      expect(parsePrometheusExposition(text).families.get('container_cpu_usage_seconds_total')?.help).toMatch(/^\[STABLE\]/);
      const scrape = parseResourceMetrics(text, 'n', SCRAPED_AT);
      const at = { timestampMs: 1624396278302, timestampFromScrape: false };
      expect(scrape.containers).toEqual([
        {
          namespace: 'namespace_a',
          pod: 'pod_a',
          container: 'container_a',
          memoryWorkingSetBytes: { value: 1000, ...at },
          cpuUsageCoreSeconds: { value: 10, ...at },
          startTimeSeconds: 1.6243962483020916e9,
        },
        {
          namespace: 'namespace_a',
          pod: 'pod_a',
          container: 'container_b',
          memoryWorkingSetBytes: { value: 1000, ...at },
          cpuUsageCoreSeconds: { value: 10, ...at },
          startTimeSeconds: 1.6243961583020916e9,
        },
        {
          namespace: 'namespace_b',
          pod: 'pod_b',
          container: 'container_a',
          memoryWorkingSetBytes: { value: 1000, ...at },
          cpuUsageCoreSeconds: { value: 10, ...at },
          startTimeSeconds: 1.6243956783020916e9,
        },
      ]);
      expect(scrape.scrapeError).toBe(false);
      expect(scrape.nodeUsage).toEqual({ memoryWorkingSetBytes: null, cpuUsageCoreSeconds: null });
    });

    it('reads node series', () => {
      const scrape = parseResourceMetrics(collector('arbitrary-node-metrics'), 'n', SCRAPED_AT);
      expect(scrape.containers).toEqual([]);
      expect(scrape.nodeUsage).toEqual({
        memoryWorkingSetBytes: { value: 1000, timestampMs: 1624396278302, timestampFromScrape: false },
        cpuUsageCoreSeconds: { value: 10, timestampMs: 1624396278302, timestampFromScrape: false },
      });
      expect(scrape.scrapeError).toBe(false);
    });

    it('finds no container in pod-only output', () => {
      const scrape = parseResourceMetrics(collector('arbitrary-pod-metrics'), 'n', SCRAPED_AT);
      expect(scrape.containers).toEqual([]);
      expect(scrape.nodeUsage).toEqual({ memoryWorkingSetBytes: null, cpuUsageCoreSeconds: null });
    });

    it('reports the error of a kubelet that could not get its summary, through to the step summary', () => {
      const scrape = parseResourceMetrics(collector('error-getting-summary'), 'worker-1', SCRAPED_AT);
      expect(scrape.scrapeError).toBe(true);
      expect(scrape.containers).toEqual([]);
      const summary = summarizeResources([scrape], baselineClassifier('bench'));
      expect(summary.scrapeErrors).toBe(1);
      expect(summary.notes).toContain('1 of 1 scrape(s) reported a kubelet resource scrape error');
    });

    it('reports an error from the deprecated scrape_error gauge alone', () => {
      const text = collector('error-getting-summary').replace('resource_scrape_error 1', 'resource_scrape_error 0');
      expect(parseResourceMetrics(text, 'n', SCRAPED_AT).scrapeError).toBe(true);
      expect(parseResourceMetrics(text.replace('scrape_error 1', 'scrape_error 0'), 'n', SCRAPED_AT).scrapeError).toBe(false);
    });
  });

  it.skipIf(!cadvisor.available)('reduces the real cAdvisor capture to its 17 application containers (same series names, more rows)', () => {
    const scrape = parseResourceMetrics(kubelet(CADVISOR), 'minikube', SCRAPED_AT);
    expect(scrape.containers).toHaveLength(17);
    expect(scrape.containers.every((c) => c.memoryWorkingSetBytes !== null && c.cpuUsageCoreSeconds !== null)).toBe(true);
    expect(scrape.containers.every((c) => c.startTimeSeconds !== null)).toBe(true);
    const apiserver = scrape.containers.find((c) => c.container === 'kube-apiserver');
    expect(apiserver?.memoryWorkingSetBytes).toEqual({ value: 2.21794304e8, timestampMs: 1782468869068, timestampFromScrape: false });
    // 41 cgroups without a container label × (memory, cpu, start time).
    expect(scrape.notes).toEqual(['123 row(s) without a container label skipped (pod, sandbox or cgroup aggregates)']);
  });

  it('keeps the newest reading when a container appears twice, and notes it', () => {
    const text = [
      'container_memory_working_set_bytes{container="c",namespace="ns",pod="p"} 100 2000',
      'container_memory_working_set_bytes{container="c",namespace="ns",pod="p"} 50 1000',
    ].join('\n');
    const scrape = parseResourceMetrics(text, 'n', SCRAPED_AT);
    expect(scrape.containers[0]?.memoryWorkingSetBytes?.value).toBe(100);
    expect(scrape.notes).toEqual(['more than one row for container_memory_working_set_bytes ns/p/c: kept the newest']);
  });
});
