/**
 * Synthetic kubelet `/metrics/resource` responses in the current [STABLE] format, for tests that need a known truth:
 * the counters and gauges are whatever the test says, at the kubelet timestamp it says.
 */
export interface SyntheticContainer {
  namespace: string;
  pod: string;
  container: string;
  /** container_cpu_usage_seconds_total */
  cpuSeconds: number;
  /** container_memory_working_set_bytes */
  memoryBytes: number;
  /** container_start_time_seconds (default: a fixed start before every sample). */
  startTimeSeconds?: number;
}

export interface SyntheticNode {
  /** node_cpu_usage_seconds_total; omitted: no line. */
  cpuSeconds?: number;
  /** node_memory_working_set_bytes; omitted: no line. */
  memoryBytes?: number;
}

export function kubeletResourceText(timestampMs: number, node: SyntheticNode, containers: readonly SyntheticContainer[]): string {
  const labels = (c: SyntheticContainer): string => `{container="${c.container}",namespace="${c.namespace}",pod="${c.pod}"}`;
  const lines: string[] = [
    '# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds',
    '# TYPE container_cpu_usage_seconds_total counter',
    ...containers.map((c) => `container_cpu_usage_seconds_total${labels(c)} ${c.cpuSeconds} ${timestampMs}`),
    '# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes',
    '# TYPE container_memory_working_set_bytes gauge',
    ...containers.map((c) => `container_memory_working_set_bytes${labels(c)} ${c.memoryBytes} ${timestampMs}`),
    '# HELP container_start_time_seconds [STABLE] Start time of the container since unix epoch in seconds',
    '# TYPE container_start_time_seconds gauge',
    ...containers.map((c) => `container_start_time_seconds${labels(c)} ${c.startTimeSeconds ?? 1_700_000_000} ${timestampMs}`),
  ];
  if (node.cpuSeconds !== undefined) {
    lines.push(
      '# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds',
      '# TYPE node_cpu_usage_seconds_total counter',
      `node_cpu_usage_seconds_total ${node.cpuSeconds} ${timestampMs}`,
    );
  }
  if (node.memoryBytes !== undefined) {
    lines.push(
      '# HELP node_memory_working_set_bytes [STABLE] Current working set of the node in bytes',
      '# TYPE node_memory_working_set_bytes gauge',
      `node_memory_working_set_bytes ${node.memoryBytes} ${timestampMs}`,
    );
  }
  lines.push('# HELP resource_scrape_error [STABLE] 1 if there was an error while getting container metrics, 0 otherwise', '# TYPE resource_scrape_error gauge', 'resource_scrape_error 0');
  return `${lines.join('\n')}\n`;
}
