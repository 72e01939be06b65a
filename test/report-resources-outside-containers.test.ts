import { describe, expect, it } from 'vitest';
import { renderMeshComponents, renderOutsideContainers } from '../src/report/render-resources.js';
import type { MeshComponent } from '../src/core/result-schema.js';
import { MiB, est, reportRun, reportStep, reportSystem } from './helpers/report-resources-run.js';

const INTRO =
  "On nodes that are machines of their own: the kubelet's node series (`node_cpu_usage_seconds_total`, `node_memory_working_set_bytes`) minus the sum of " +
  "the node's containers, that is the kernel (interrupt and softirq time, where eBPF programs, iptables, conntrack and WireGuard run, its threads and its own " +
  'memory), the kubelet, the container runtime, pod sandboxes and any other daemon. It cannot tell these apart: the difference from the reference system ' +
  'measured on the same machines is the part that moved with the mesh. Medians over repetitions, 95% intervals.';

const figures = (cpu: number, mib: number, nodeCpu: number, nodeMib: number) => ({
  cpuCores: est(cpu, cpu - 0.01, cpu + 0.01),
  memoryBytes: est(mib * MiB),
  nodeCpuCores: est(nodeCpu),
  nodeMemoryBytes: est(nodeMib * MiB),
});
const W1 = '| w1 | 0.20 [0.19–0.21] vCPU, 900.0 [900.0–900.0] MiB | 0.50 [0.50–0.50] vCPU, 1000.0 [1000.0–1000.0] MiB |';
const W2 = '| w2 | 0.30 [0.29–0.31] vCPU, 950.0 [950.0–950.0] MiB | 0.60 [0.60–0.60] vCPU, 1000.0 [1000.0–1000.0] MiB |';
const TOTAL = '0.50 [0.49–0.51] vCPU, 1850.0 [1850.0–1850.0] MiB | 1.10 [1.10–1.10] vCPU, 2000.0 [2000.0–2000.0] MiB';

/** Measured on machines: its per-repetition vCPU per 1000 req/s, on nodes w1 (and w2). */
function measured(byRepetition: number[], o: { twoNodes?: boolean; notes?: string[] } = {}) {
  return {
    measured: true as const,
    scope: 'machine' as const,
    nodes: [{ node: 'w1', ...figures(0.2, 900, 0.5, 1000) }, ...(o.twoNodes ? [{ node: 'w2', ...figures(0.3, 950, 0.6, 1000) }] : [])],
    total: figures(0.5, 1850, 1.1, 2000),
    perThousandRps: { cpuCores: est(byRepetition[0] ?? 0), memoryBytes: est(1850 * MiB) },
    cpuPerThousandRpsByRepetition: byRepetition,
    repetitions: Math.max(1, byRepetition.length),
    notes: o.notes ?? [],
  };
}
const onKind = (id: string, reason: string) => reportSystem(id, [reportStep('rate-1k', { outsideContainers: { measured: false, reason } })]);
const tableHeader = (reference: string) =>
  `| system | nodes | outside containers (all nodes) | node series (all nodes) | outside containers per 1000 req/s | vCPU per 1000 req/s vs ${reference} |\n|---|---|---|---|---|---|`;
const NODE_HEADER = '| system | node | outside containers | node series |\n|---|---|---|---|';

describe('report: outside containers', () => {
  it('gives per step the figures of every measured system, its nodes, its difference from the reference, and why others are not measured', () => {
    const run = reportRun([
      // The reference's steps in another order, with other figures at conn-4: the difference reads the same step's.
      reportSystem('baseline', [
        reportStep('conn-4', { outsideContainers: measured([9, 9], { twoNodes: true }) }),
        reportStep('rate-1k', { outsideContainers: measured([0.5, 0.5], { twoNodes: true }) }),
      ]),
      reportSystem('up', [reportStep('rate-1k', { outsideContainers: measured([10.5], { notes: ['a node restarted'] }) })]),
      reportSystem('small', [reportStep('rate-1k', { outsideContainers: measured([0.55, 0.55]) })]),
      reportSystem('same', [reportStep('rate-1k', { outsideContainers: measured([0.5]) })]),
      reportSystem('down', [reportStep('rate-1k', { outsideContainers: measured([0.45]) })]),
      // No per-repetition values (nothing to bootstrap): no difference.
      reportSystem('empty', [reportStep('rate-1k', { outsideContainers: measured([]) })]),
      onKind('kind-a', 'kind nodes share one host'),
      onKind('kind-b', 'kind nodes share one host'),
      onKind('other', 'no node series'),
    ]);
    expect(renderOutsideContainers(run)).toBe(
      [
        '## Outside containers',
        '',
        INTRO,
        '',
        '### conn-4',
        '',
        tableHeader('baseline'),
        `| baseline | 2 | ${TOTAL} | 9.00 [9.00–9.00] vCPU, 1850.0 [1850.0–1850.0] MiB | – |`,
        '',
        NODE_HEADER,
        `| baseline ${W1}`,
        `| baseline ${W2}`,
        '',
        '### rate-1k',
        '',
        tableHeader('baseline'),
        `| baseline | 2 | ${TOTAL} | 0.50 [0.50–0.50] vCPU, 1850.0 [1850.0–1850.0] MiB | – |`,
        // Signed: up by 10, up by 0.05 (three decimals below 0.1), no difference unsigned, down by 0.05.
        `| up | 1 | ${TOTAL} | 10.50 [10.50–10.50] vCPU, 1850.0 [1850.0–1850.0] MiB | +10.00 [+10.00, +10.00] |`,
        `| small | 1 | ${TOTAL} | 0.55 [0.55–0.55] vCPU, 1850.0 [1850.0–1850.0] MiB | +0.050 [+0.050, +0.050] |`,
        `| same | 1 | ${TOTAL} | 0.50 [0.50–0.50] vCPU, 1850.0 [1850.0–1850.0] MiB | 0.000 [0.000, 0.000] |`,
        `| down | 1 | ${TOTAL} | 0.45 [0.45–0.45] vCPU, 1850.0 [1850.0–1850.0] MiB | -0.050 [-0.050, -0.050] |`,
        `| empty | 1 | ${TOTAL} | 0.000 [0.000–0.000] vCPU, 1850.0 [1850.0–1850.0] MiB | – |`,
        '',
        NODE_HEADER,
        `| baseline ${W1}`,
        `| baseline ${W2}`,
        ...['up', 'small', 'same', 'down', 'empty'].map((id) => `| ${id} ${W1}`),
        '',
        'up: a node restarted.',
        '',
        'kind-a, kind-b: kind nodes share one host.',
        '',
        'other: no node series.',
      ].join('\n'),
    );
  });

  it('gives no difference without a reference system, and names none in the header', () => {
    const run = reportRun(
      [
        reportSystem('baseline', [reportStep('rate-1k', { outsideContainers: measured([0.5]) })]),
        reportSystem('up', [reportStep('rate-1k', { outsideContainers: measured([0.7]) })]),
      ],
      null,
    );
    const lines = renderOutsideContainers(run)!.split('\n');
    expect(lines.slice(6, 10)).toEqual([
      ...tableHeader('reference').split('\n'),
      `| baseline | 1 | ${TOTAL} | 0.50 [0.50–0.50] vCPU, 1850.0 [1850.0–1850.0] MiB | – |`,
      `| up | 1 | ${TOTAL} | 0.70 [0.70–0.70] vCPU, 1850.0 [1850.0–1850.0] MiB | – |`,
    ]);
  });

  it('gives no difference when the reference system was not measured, or has no per-repetition values', () => {
    for (const reference of [{ measured: false as const, reason: 'kind' }, measured([])]) {
      const run = reportRun([
        reportSystem('baseline', [reportStep('rate-1k', { outsideContainers: reference })]),
        reportSystem('up', [reportStep('rate-1k', { outsideContainers: measured([0.7]) })]),
      ]);
      expect(renderOutsideContainers(run)).toContain(`| up | 1 | ${TOTAL} | 0.70 [0.70–0.70] vCPU, 1850.0 [1850.0–1850.0] MiB | – |`);
    }
  });

  it('with no system measured, gives the reasons alone; with no figures at all, nothing', () => {
    const kindOnly = renderOutsideContainers(reportRun([onKind('baseline', 'kind nodes share one host'), onKind('istio', 'kind nodes share one host')]));
    expect(kindOnly).toBe(['## Outside containers', '', INTRO, '', 'baseline, istio: kind nodes share one host.'].join('\n'));
    const none = reportRun([reportSystem('baseline', [reportStep('rate-1k', { outsideContainers: null }), reportStep('conn-4', {})])]);
    expect(renderOutsideContainers(none)).toBeNull();
  });
});

describe('report: mesh components as installed', () => {
  const component = (container: string, cpu: string | null, memory: string | null): MeshComponent => ({
    namespace: 'istio-system',
    container,
    role: 'control-plane',
    pods: 1,
    requests: { cpu, memory },
    limits: { cpu: null, memory: '1Gi' },
  });

  it('lists each mesh once under its id, with unset requests and limits as dashes', () => {
    const run = reportRun([
      reportSystem('baseline', []),
      // A variant with no components does not hide the next variant's.
      reportSystem('cilium/plain', [], []),
      reportSystem('cilium/wireguard', [], [{ ...component('cilium-agent', '100m', null), namespace: 'kube-system', role: 'node-agent', pods: 3 }]),
      reportSystem('istio/sidecar', [], [component('discovery', '500m', '2Gi')]),
      reportSystem('istio/ambient', [], [component('ztunnel', null, null)]),
    ]);
    expect(renderMeshComponents(run)).toBe(
      [
        '## Mesh components as installed',
        '',
        'Read from the cluster after installation: every mesh runs at its upstream default requests and limits (no overrides). Requests count against the runner: a 16 GB runner must fit them all.',
        '',
        '| system | namespace | container | role | pods | requests (cpu / memory) | limits (cpu / memory) |',
        '|---|---|---|---|---|---|---|',
        '| cilium | kube-system | cilium-agent | node-agent | 3 | 100m / – | – / 1Gi |',
        '| istio | istio-system | discovery | control-plane | 1 | 500m / 2Gi | – / 1Gi |',
      ].join('\n'),
    );
  });

  it('renders nothing when no system has components', () => {
    expect(renderMeshComponents(reportRun([reportSystem('baseline', []), reportSystem('istio', [], [])]))).toBeNull();
  });
});
