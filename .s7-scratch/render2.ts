import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { buildVerdictRun, RATE_STEP, CONN_STEP } from '../test/helpers/verdict-run-factory.js';
const L = (a: number, b: number, c: number, d: number) => ({ [RATE_STEP]: { p50Us: a, p99Us: b }, [CONN_STEP]: { p50Us: c, p99Us: d } });
it('prints', () => {
  const r = buildVerdictRun([
    { id: 'baseline', latency: L(300, 500, 250, 450) },
    { id: 'istio-ambient', latency: L(340, 710, 280, 460), dataPlane: { agents: { nodes: 3, memoryBytes: 15 * 2 ** 20, cpuCores: 0.03 } } },
    { id: 'istio-ambient/unmeshed', latency: L(300, 500, 250, 450), dataPlane: { agents: { nodes: 3, memoryBytes: 15 * 2 ** 20, cpuCores: 0.01 } } },
    { id: 'istio', latency: L(500, 1500, 400, 1200), dataPlane: { sidecars: { pods: 2, memoryBytes: 40 * 2 ** 20, cpuCores: 0.1 } } },
  ], 'baseline');
  writeFileSync('/tmp/s7/out2.md', renderMarkdown(r));
  const r2 = buildVerdictRun([
    { id: 'cilium', latency: L(300, 500, 250, 450), dataPlane: { agents: { nodes: 3, memoryBytes: 150 * 2 ** 20, cpuCores: 0.03, containersPerNode: 2 } } },
    { id: 'cilium/unmeshed', latency: L(300, 500, 250, 450), dataPlane: { agents: { nodes: 3, memoryBytes: 150 * 2 ** 20, cpuCores: 0.03, containersPerNode: 2 } } },
    { id: 'istio-ambient', latency: L(340, 710, 280, 460), dataPlane: { agents: { nodes: 3, memoryBytes: 15 * 2 ** 20, cpuCores: 0.03 } } },
    { id: 'istio-ambient/unmeshed', latency: L(300, 500, 250, 450), dataPlane: { agents: { nodes: 3, memoryBytes: 15 * 2 ** 20, cpuCores: 0.01 } } },
  ], null);
  writeFileSync('/tmp/s7/out3.md', renderMarkdown(r2));
});
