import { describe, expect, it } from 'vitest';
import {
  parsePrometheusExposition,
  parsePrometheusText,
  PrometheusTextError,
  type PrometheusSample,
} from '../src/metrics/prometheus-text.js';
import { referenceFiles } from './helpers/reference.js';

const KIND_E2E = 'metrics-resource.kind-e2e.metrics-server-v0.9.0.txt';
const CADVISOR = 'metrics-cadvisor.k8s-v1.35.0.minikube.nri-kubernetes.txt';
const kindE2e = referenceFiles('the test on the 2021 kind capture', [`kubelet/${KIND_E2E}`]);
const cadvisor = referenceFiles('the 2 tests on the cAdvisor capture', [`kubelet/${CADVISOR}`]);
const kubelet = (file: string): string => (file === KIND_E2E ? kindE2e : cadvisor).read(`kubelet/${file}`);

/** The example of the format documentation (prometheus.io, "Text format example"), comments included. */
const DOCS_EXAMPLE = [
  '# HELP http_requests_total The total number of HTTP requests.',
  '# TYPE http_requests_total counter',
  'http_requests_total{method="post",code="200"} 1027 1395066363000',
  'http_requests_total{method="post",code="400"}    3 1395066363000',
  '',
  '# Escaping in label values:',
  'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
  '',
  '# Minimalistic line:',
  'metric_without_timestamp_and_labels 12.47',
  '',
  '# A weird metric from before the epoch:',
  'something_weird{problem="division by zero"} +Inf -3982045',
  '',
  '# HELP rpc_duration_seconds A summary of the RPC duration in seconds.',
  '# TYPE rpc_duration_seconds summary',
  'rpc_duration_seconds{quantile="0.01"} 3102',
  'rpc_duration_seconds_sum 1.7560473e+07',
  'rpc_duration_seconds_count 2693',
  '',
].join('\n');

function byName(samples: readonly PrometheusSample[], name: string): PrometheusSample[] {
  return samples.filter((s) => s.name === name);
}

/** Independent count: every line that is neither blank nor a comment is one sample. */
function sampleLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
}

describe('Prometheus text format parsing', () => {
  it('unescapes backslash, double quote and line feed in label values', () => {
    const [s] = byName(parsePrometheusText(DOCS_EXAMPLE), 'msdos_file_access_time_seconds');
    expect(s?.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(s?.value).toBe(1.458255915e9);
    expect(s?.timestampMs).toBeNull();
  });

  it('reads optional integer millisecond timestamps, including negative ones', () => {
    const samples = parsePrometheusText(DOCS_EXAMPLE);
    expect(byName(samples, 'http_requests_total').map((s) => [s.labels.code, s.value, s.timestampMs])).toEqual([
      ['200', 1027, 1395066363000],
      ['400', 3, 1395066363000],
    ]);
    expect(byName(samples, 'something_weird')[0]?.timestampMs).toBe(-3982045);
    expect(byName(samples, 'metric_without_timestamp_and_labels')[0]).toEqual({
      name: 'metric_without_timestamp_and_labels',
      labels: {},
      value: 12.47,
      timestampMs: null,
    });
  });

  it('reads NaN, +Inf and -Inf values', () => {
    const samples = parsePrometheusText('a NaN\nb +Inf 5\nc -Inf\nd Inf\n');
    expect(samples.map((s) => s.value)).toEqual([Number.NaN, Infinity, -Infinity, Infinity]);
    expect(samples[1]?.timestampMs).toBe(5);
  });

  it('keeps HELP and TYPE as metadata, not samples, and skips other comments and blank lines', () => {
    const { samples, families } = parsePrometheusExposition(DOCS_EXAMPLE);
    expect(samples).toHaveLength(8);
    expect(families.get('http_requests_total')).toEqual({ type: 'counter', help: 'The total number of HTTP requests.' });
    expect(families.get('rpc_duration_seconds')?.type).toBe('summary');
    expect(families.has('msdos_file_access_time_seconds')).toBe(false);
  });

  it('unescapes HELP text and accepts a trailing comma, blanks around label tokens and CRLF', () => {
    const { samples, families } = parsePrometheusExposition(
      '# HELP m line one\\nline \\\\two\r\n  m { a = "1" , b="x y",} 2 \t 7 \r\n\r\n',
    );
    expect(families.get('m')?.help).toBe('line one\nline \\two');
    expect(samples).toEqual([{ name: 'm', labels: { a: '1', b: 'x y' }, value: 2, timestampMs: 7 }]);
  });

  it.each([
    ['a value that is not a number', 'ok 1\nbad abc', 2],
    ['a missing value', 'ok 1\n\nbad{a="b"}', 3],
    ['an unterminated label value', 'bad{a="b} 1', 1],
    ['an unknown escape in a label value', 'ok 1\nbad{a="\\t"} 1', 2],
    ['a duplicate label', 'bad{a="1",a="2"} 1', 1],
    ['an unquoted label value', 'bad{a=b} 1', 1],
    ['a fractional timestamp', 'ok 1\nok 2\nbad 1 1.5', 3],
    ['text after the timestamp', 'bad 1 2 3', 1],
    ['a metric name starting with a digit', '1bad 1', 1],
    ['a character not allowed in a metric name', 'bad-name 1', 1],
    ['an unknown TYPE', '# TYPE m gaugeish', 1],
    ['a second TYPE for one metric', '# TYPE m gauge\n# TYPE m counter', 2],
    ['a TYPE after the samples', 'm 1\n# TYPE m gauge', 2],
  ])('rejects %s, naming the line', (_what, text, line) => {
    let error: unknown;
    try {
      parsePrometheusText(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PrometheusTextError);
    expect((error as PrometheusTextError).lineNumber).toBe(line);
    expect((error as Error).message).toMatch(new RegExp(`^line ${line}: `));
  });

  it.skipIf(!kindE2e.available)('parses the 2021 kind /metrics/resource capture: 70 containers, 70 pods, node series and scrape_error', () => {
    const text = kubelet(KIND_E2E);
    const samples = parsePrometheusText(text);
    expect(samples).toHaveLength(sampleLines(text).length);
    expect(samples).toHaveLength(283);
    const counts: Record<string, number> = {};
    for (const s of samples) counts[s.name] = (counts[s.name] ?? 0) + 1;
    expect(counts).toEqual({
      container_cpu_usage_seconds_total: 70,
      container_memory_working_set_bytes: 70,
      node_cpu_usage_seconds_total: 1,
      node_memory_working_set_bytes: 1,
      pod_cpu_usage_seconds_total: 70,
      pod_memory_working_set_bytes: 70,
      scrape_error: 1,
    });
    const series = new Set(samples.map((s) => `${s.name}${JSON.stringify(s.labels)}`));
    expect(series.size).toBe(283);
    expect(samples.filter((s) => s.timestampMs === null).map((s) => s.name)).toEqual(['scrape_error']);
  });

  it.skipIf(!cadvisor.available)('parses the 1.4 MB cAdvisor capture: every line, timestamps where given, 78 families', () => {
    const text = kubelet(CADVISOR);
    expect(text.length).toBeGreaterThan(1_000_000);
    const { samples, families } = parsePrometheusExposition(text);
    const lines = sampleLines(text);
    expect(samples).toHaveLength(lines.length);
    expect(samples).toHaveLength(4621);
    // Independent count of lines with a timestamp: two tokens after the label set (label values may hold spaces).
    const afterLabels = (l: string): string => (l.includes('}') ? l.slice(l.lastIndexOf('}') + 1) : l.slice(l.indexOf(' ')));
    const withTimestamp = lines.filter((l) => afterLabels(l).trim().split(/\s+/).length === 2);
    expect(withTimestamp).toHaveLength(4246);
    expect(samples.filter((s) => s.timestampMs !== null)).toHaveLength(withTimestamp.length);
    expect(families.size).toBe(78);
    expect([...families.values()].every((f) => f.type !== null && f.help !== null)).toBe(true);
    const info = byName(samples, 'cadvisor_version_info')[0];
    expect(info?.labels.osVersion).toBe('Debian GNU/Linux 12 (bookworm)');
  });

  it.skipIf(!cadvisor.available)('leaves only application containers in the cAdvisor capture when filtered on container!=""', () => {
    const samples = parsePrometheusText(kubelet(CADVISOR));
    for (const name of ['container_memory_working_set_bytes', 'container_cpu_usage_seconds_total']) {
      const all = byName(samples, name);
      const app = all.filter((s) => s.labels.container !== '');
      expect(all).toHaveLength(58);
      expect(app).toHaveLength(17);
      // What the filter removed: node and QoS cgroups (no pod), pod cgroups, and pause sandboxes.
      const removed = all.filter((s) => s.labels.container === '');
      expect(removed.some((s) => s.labels.id === '/' && s.labels.pod === '')).toBe(true);
      expect(removed.some((s) => s.labels.image?.startsWith('registry.k8s.io/pause:'))).toBe(true);
      for (const s of app) {
        expect(s.labels.image).not.toMatch(/pause/);
        expect(s.labels.pod).not.toBe('');
        // /kubepods[/qos]/pod<uid>/<container id>: a container's own cgroup.
        expect(s.labels.id).toMatch(/\/pod[0-9a-f-]+\/[0-9a-f]{64}$/);
        expect(s.timestampMs).not.toBeNull();
      }
      expect([...new Set(app.map((s) => s.labels.container))].sort()).toEqual([
        'compute-pi-digits',
        'coredns',
        'e2e-scraper',
        'etcd',
        'kindnet-cni',
        'kube-apiserver',
        'kube-controller-manager',
        'kube-proxy',
        'kube-scheduler',
        'kube-state-metrics',
        'metrics-server',
        'php-apache',
        'storage-provisioner',
      ]);
    }
  });

  it('parses a 1 MB scrape without slowing down on long or escape-heavy lines', () => {
    const escaped = '\\\\\\"\\n'.repeat(50_000); // 300 kB of escapes in one label value
    const manySeries = Array.from({ length: 10_000 }, (_, i) => `m{i="${i}",pad="${'x'.repeat(60)}"} ${i} ${i}`);
    const text = [`big{v="${escaped}"} 1`, ...manySeries].join('\n');
    expect(text.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    const samples = parsePrometheusText(text);
    expect(samples).toHaveLength(10_001);
    expect(samples[0]?.labels.v).toBe('\\"\n'.repeat(50_000));
    // An unterminated 1 MB label value must fail in linear time too.
    expect(() => parsePrometheusText(`bad{v="${'\\"'.repeat(500_000)}} 1`)).toThrow(PrometheusTextError);
    // Generous: the linear scanner takes tens of milliseconds; anything quadratic takes minutes.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
