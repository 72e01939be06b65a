import { describe, expect, it } from 'vitest';
import { parseResourceMetrics } from '../src/metrics/kubelet-resource.js';

// Synthetic /metrics/resource text, so these run without the reference samples (which the other kubelet tests use).
const AT = 1_760_000_000_000;
const row = (series: string, labels: string, value: string | number, ts: number | null = AT) =>
  `${series}{${labels}} ${value}${ts === null ? '' : ` ${ts}`}`;
const C = 'container="server",namespace="bench",pod="server-0"';
const parse = (...lines: string[]) => parseResourceMetrics(lines.join('\n'), 'w1', AT + 500);

describe('kubelet /metrics/resource rows', () => {
  it('ignores a negative or non-finite reading, keeps the valid one, and names the series once each', () => {
    const s = parse(
      row('container_memory_working_set_bytes', C, -1),
      row('container_cpu_usage_seconds_total', C, 'NaN'),
      row('container_cpu_usage_seconds_total', 'container="a",namespace="bench",pod="p"', '+Inf'),
      row('container_memory_working_set_bytes', 'container="a",namespace="bench",pod="p"', 7),
      row('node_memory_working_set_bytes', '', 'NaN'),
      row('node_cpu_usage_seconds_total', '', -3),
    );
    expect(s.containers.map((c) => [c.container, c.memoryWorkingSetBytes?.value ?? null, c.cpuUsageCoreSeconds])).toEqual([
      ['a', 7, null],
      ['server', null, null],
    ]);
    expect(s.nodeUsage).toEqual({ memoryWorkingSetBytes: null, cpuUsageCoreSeconds: null });
    expect(s.notes).toEqual([
      'negative or non-finite value(s) of container_cpu_usage_seconds_total ignored',
      'negative or non-finite value(s) of container_memory_working_set_bytes ignored',
      'negative or non-finite value(s) of node_cpu_usage_seconds_total ignored',
      'negative or non-finite value(s) of node_memory_working_set_bytes ignored',
    ]);
  });

  it('keeps a zero reading (an idle counter, an empty working set)', () => {
    const s = parse(row('container_memory_working_set_bytes', C, 0), row('container_cpu_usage_seconds_total', C, 0));
    expect(s.containers[0]?.memoryWorkingSetBytes?.value).toBe(0);
    expect(s.containers[0]?.cpuUsageCoreSeconds?.value).toBe(0);
    expect(s.notes).toEqual([]);
  });

  it('skips rows that are not one container — no or empty container label, the POD sandbox, no pod or namespace — and counts them', () => {
    const s = parse(
      row('container_memory_working_set_bytes', 'namespace="bench",pod="server-0"', 1),
      row('container_memory_working_set_bytes', 'container="",namespace="bench",pod="server-0"', 2),
      row('container_memory_working_set_bytes', 'container="POD",namespace="bench",pod="server-0"', 3),
      row('container_memory_working_set_bytes', 'container="server",namespace="bench",pod=""', 4),
      row('container_memory_working_set_bytes', 'container="server",namespace="",pod="server-0"', 5),
      row('container_cpu_usage_seconds_total', 'container="server",pod="server-0"', 6),
      row('container_start_time_seconds', 'container="",namespace="bench",pod="server-0"', 1_700_000_000),
      row('container_memory_working_set_bytes', C, 100),
    );
    expect(s.containers.map((c) => [c.namespace, c.pod, c.container, c.memoryWorkingSetBytes?.value])).toEqual([['bench', 'server-0', 'server', 100]]);
    expect(s.notes).toEqual(['7 row(s) without a container label skipped (pod, sandbox or cgroup aggregates)']);
  });

  it('takes a positive start time as known, and zero, Go’s zero time or infinity as unknown, with a note', () => {
    const start = (value: string | number) =>
      parse(row('container_start_time_seconds', C, value), row('container_memory_working_set_bytes', C, 1));
    expect(start(1_700_000_000.25).containers[0]?.startTimeSeconds).toBe(1_700_000_000.25);
    expect(start(1_700_000_000.25).notes).toEqual([]);
    for (const [bad, shown] of [['0', '0'], ['-6795364578.8713455', '-6795364578.8713455'], ['+Inf', 'Infinity']] as const) {
      const s = start(bad);
      expect(s.containers[0]?.startTimeSeconds).toBeNull();
      expect(s.notes).toEqual([`bench/server-0/server: implausible container_start_time_seconds ${shown} ignored`]);
    }
  });

  it('keeps the newer of two rows for one container whichever comes first', () => {
    const older = row('container_memory_working_set_bytes', C, 50, AT - 1000);
    const newer = row('container_memory_working_set_bytes', C, 100, AT);
    expect(parse(older, newer).containers[0]?.memoryWorkingSetBytes?.value).toBe(100);
    expect(parse(newer, older).containers[0]?.memoryWorkingSetBytes?.value).toBe(100);
    const twice = (labels: string) => [row('container_cpu_usage_seconds_total', labels, 1), row('container_cpu_usage_seconds_total', labels, 2, AT + 1)];
    expect(parse(...twice('container="c",namespace="zz",pod="p"'), ...twice('container="c",namespace="aa",pod="p"')).notes).toEqual([
      'more than one row for container_cpu_usage_seconds_total aa/p/c: kept the newest',
      'more than one row for container_cpu_usage_seconds_total zz/p/c: kept the newest',
    ]);
  });

  it('lists containers by namespace/pod/container key, not in the order the kubelet wrote them', () => {
    const names = ['server-1', 'load-0', 'server-0', 'client-9', 'server-10'];
    const s = parse(...names.map((pod) => row('container_memory_working_set_bytes', `container="c",namespace="bench",pod="${pod}"`, 1)));
    expect(s.containers.map((c) => c.pod)).toEqual(['client-9', 'load-0', 'server-0', 'server-1', 'server-10']);
  });

  it('reports a kubelet scrape error from either gauge, and keeps it once seen', () => {
    const err = (...lines: string[]) => parse(...lines).scrapeError;
    expect(err()).toBeNull();
    expect(err('resource_scrape_error 0')).toBe(false);
    expect(err('resource_scrape_error 1')).toBe(true);
    expect(err('scrape_error 1')).toBe(true);
    expect(err('scrape_error 0')).toBe(false);
    expect(err('resource_scrape_error 1', 'scrape_error 0')).toBe(true);
    expect(err('scrape_error 0', 'resource_scrape_error 1')).toBe(true);
  });

  it('stamps a line without a timestamp with the scrape time, and marks it so', () => {
    const s = parse(row('container_memory_working_set_bytes', C, 9, null), row('node_cpu_usage_seconds_total', '', 4, null));
    expect(s.containers[0]?.memoryWorkingSetBytes).toEqual({ value: 9, timestampMs: AT + 500, timestampFromScrape: true });
    expect(s.nodeUsage.cpuUsageCoreSeconds).toEqual({ value: 4, timestampMs: AT + 500, timestampFromScrape: true });
  });
});
