import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { MESH_ADAPTERS_BY_ID } from '../src/mesh/registry.js';
import { meshPodPlacements } from '../src/mesh/mesh-components.js';
import { CONTROL_PLANE_NODE_LABEL } from '../src/mesh/placement.js';
import { renderMeshPlacement } from '../src/report/render-cluster-run.js';
import type { RunResult } from '../src/core/result-schema.js';
import { meshTestContext } from './helpers/mesh-context.js';
import { referenceFiles } from './helpers/reference.js';

/**
 * Issue 8, defect 9: istiod, the Linkerd control plane, cilium-operator and hubble-relay go to the control-plane node
 * (node selector + toleration of its taint, through each mesh's own install options), and every mesh pod's node is
 * recorded and reported.
 */
const SELECTOR = { [CONTROL_PLANE_NODE_LABEL]: '' };
const TOLERATION = { key: CONTROL_PLANE_NODE_LABEL, operator: 'Exists', effect: 'NoSchedule' };

function writtenFile(systemId: string, suffix: string): Record<string, unknown> {
  const op = MESH_ADAPTERS_BY_ID.get(systemId)!.installOperations(meshTestContext(systemId)).find((o) => o.op === 'write-file' && o.path.endsWith(suffix));
  if (op?.op !== 'write-file') throw new Error(`${systemId}: no ${suffix}`);
  return parse(op.content) as Record<string, unknown>;
}

describe('control planes on the control-plane node', () => {
  for (const id of ['cilium', 'cilium-wireguard', 'cilium-l7', 'istio-ambient-cilium']) {
    it(`${id}: cilium-operator and hubble-relay select the control-plane node; relay tolerates its taint`, () => {
      const v = writtenFile(id, 'cilium-values.yaml') as { operator: { nodeSelector: unknown }; hubble: { relay: { nodeSelector: unknown; tolerations: unknown } } };
      expect(v.operator.nodeSelector).toEqual(SELECTOR);
      expect(v.hubble.relay.nodeSelector).toEqual(SELECTOR);
      expect(v.hubble.relay.tolerations).toEqual([TOLERATION]);
    });
  }

  for (const id of ['istio', 'istio-ambient', 'istio-ambient-waypoint', 'istio-ambient-cilium']) {
    it(`${id}: istiod selects the control-plane node and tolerates its taint (IstioOperator values.pilot, passed with --filename)`, () => {
      const overlay = writtenFile(id, 'istio-operator.yaml') as { kind: string; spec: { values: { pilot: unknown } } };
      expect(overlay.kind).toBe('IstioOperator');
      expect(overlay.spec.values.pilot).toEqual({ nodeSelector: SELECTOR, tolerations: [TOLERATION] });
      const install = MESH_ADAPTERS_BY_ID.get(id)!.installOperations(meshTestContext(id)).find((o) => o.op === 'run' && o.argv[0] === 'istioctl' && o.argv[1] === 'install');
      expect(install?.op === 'run' && install.argv).toEqual(expect.arrayContaining(['--filename', `/tmp/mesh-bench/run-1/${id}/work/istio-operator.yaml`]));
    });
  }

  it('linkerd: the control plane selects the control-plane node (keeping the chart’s linux selector) and tolerates its taint', () => {
    const v = writtenFile('linkerd', 'linkerd-values.yaml');
    expect(v).toEqual({ nodeSelector: { 'kubernetes.io/os': 'linux', ...SELECTOR }, tolerations: [TOLERATION] });
    const install = MESH_ADAPTERS_BY_ID.get('linkerd')!.installOperations(meshTestContext('linkerd')).find((o) => o.op === 'run-apply' && !o.argv.includes('--crds'));
    expect(install?.op === 'run-apply' && install.argv.slice(0, 4)).toEqual(['linkerd', 'install', '--values', '/tmp/mesh-bench/run-1/linkerd/work/linkerd-values.yaml']);
  });

  const ref = referenceFiles('the placement keys against the Istio and Linkerd charts', [
    'istio/1.30.3/charts/istio-discovery/values.yaml',
    'linkerd/edge-26.8.3/charts/linkerd-control-plane/values.yaml',
  ]);
  it.skipIf(!ref.available)('uses keys the pinned charts have (istio-discovery root; linkerd-control-plane top level)', () => {
    const istiod = (parse(ref.read('istio/1.30.3/charts/istio-discovery/values.yaml')) as { _internal_defaults_do_not_set: Record<string, unknown> })._internal_defaults_do_not_set;
    expect(istiod.nodeSelector).toEqual({});
    expect(istiod.tolerations).toEqual([]);
    const linkerdText = ref.read('linkerd/edge-26.8.3/charts/linkerd-control-plane/values.yaml');
    expect((parse(linkerdText) as Record<string, unknown>).nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    // Documented but commented out by default.
    expect(linkerdText).toMatch(/^#tolerations:$/m);
  });
});

describe('where every mesh pod ran', () => {
  const nodes: V1Node[] = [
    { metadata: { name: 'bench-istio-control-plane', labels: { [CONTROL_PLANE_NODE_LABEL]: '', 'kubernetes.io/os': 'linux' } } },
    { metadata: { name: 'bench-istio-worker', labels: { 'mesh-bench/role': 'load' } } },
    { metadata: { name: 'bench-istio-worker2', labels: { 'mesh-bench/role': 'server' } } },
  ];
  const pod = (namespace: string, name: string, node: string, containers: string[], init: string[] = []): V1Pod => ({
    metadata: { namespace, name },
    spec: { nodeName: node, containers: containers.map((c) => ({ name: c })), initContainers: init.map((c) => ({ name: c, restartPolicy: 'Always' })) },
  });
  const pods = [
    pod('istio-system', 'istiod-7c9d6f-x2k4p', 'bench-istio-control-plane', ['discovery']),
    pod('istio-system', 'ztunnel-8hq2d', 'bench-istio-worker', ['istio-proxy']),
    pod('mesh-bench', 'waypoint-5d8b7-qx9z2', 'bench-istio-worker2', ['istio-proxy']),
    pod('mesh-bench', 'server-1-6d4f-abcde', 'bench-istio-worker2', ['server']),
    pod('kube-system', 'coredns-668d6bf9bc-4x7bq', 'bench-istio-control-plane', ['coredns']),
  ];

  it('lists each mesh pod with its role and node, and whether that node is the control plane', () => {
    const placed = meshPodPlacements(pods, nodes, MESH_ADAPTERS_BY_ID.get('istio-ambient-waypoint')!.classify);
    expect(placed).toEqual([
      { namespace: 'istio-system', pod: 'istiod-7c9d6f-x2k4p', role: 'control-plane', node: 'bench-istio-control-plane', onControlPlane: true },
      { namespace: 'istio-system', pod: 'ztunnel-8hq2d', role: 'node-agent', node: 'bench-istio-worker', onControlPlane: false },
      { namespace: 'mesh-bench', pod: 'waypoint-5d8b7-qx9z2', role: 'waypoint', node: 'bench-istio-worker2', onControlPlane: false },
    ]);
  });

  it('reports control planes and the waypoint with their nodes', () => {
    const meshPods = meshPodPlacements(pods, nodes, MESH_ADAPTERS_BY_ID.get('istio-ambient-waypoint')!.classify);
    const r = { systems: [{ id: 'istio-ambient-waypoint', meshPods }, { id: 'istio-ambient-waypoint/unmeshed', meshPods }] } as unknown as RunResult;
    const text = renderMeshPlacement(r)!;
    expect(text).toContain('| istio-ambient-waypoint | istio-system/istiod-7c9d6f-x2k4p | control-plane | bench-istio-control-plane | control-plane node |');
    expect(text).toContain('| istio-ambient-waypoint | mesh-bench/waypoint-5d8b7-qx9z2 | waypoint | bench-istio-worker2 | a worker |');
    expect(text.match(/istiod-7c9d6f/g)).toHaveLength(1);
  });
});
