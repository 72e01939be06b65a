import { describe, expect, it } from 'vitest';
import { systemResultSchema } from '../src/core/result-schema.js';
import { buildSystemScale, rolePoints } from '../src/scale/build-scale.js';
import { MB, WORKERS, container, istioLikeWindow, istioLikeWindows } from './helpers/scale-fixtures.js';

describe('the scale section built from measured windows', () => {
  it('recovers each role’s per-pod and per-node terms from kubelet-shaped summaries', () => {
    const scale = buildSystemScale({
      system: 'istio',
      nodes: 2,
      replicasPerNode: [1, 4, 8, 16],
      projection: { nodes: 100, pods: 1000 },
      windows: istioLikeWindows(),
      claims: [],
    });
    const idle = scale.conditions.find((c) => c.condition === 'idle');
    const load = scale.conditions.find((c) => c.condition === 'load');
    const role = (c: typeof idle, r: string) => c?.roles.find((x) => x.role === r);
    expect(role(idle, 'sidecar-proxy')?.fit.perPod.estimate).toBeCloseTo(60 * MB, -1);
    expect(Math.abs(role(idle, 'sidecar-proxy')?.fit.fixed.estimate ?? 1e9)).toBeLessThan(1);
    expect(role(load, 'sidecar-proxy')?.fit.perPod.estimate).toBeCloseTo(70 * MB, -1);
    expect(role(idle, 'workload')?.fit.perPod.estimate).toBeCloseTo(20 * MB, -1);
    // istiod: fitted once per cluster, 80 MB fixed + 0.1 MB per pod in the cluster.
    expect(role(idle, 'control-plane')?.scope).toBe('cluster');
    expect(role(idle, 'control-plane')?.fit.fixed.estimate).toBeCloseTo(80 * MB, -1);
    expect(role(idle, 'control-plane')?.fit.perPod.estimate).toBeCloseTo(0.1 * MB, -1);
    // The mesh at 100 × 1000: 1000 sidecars × 60 MB + istiod 80 MB + 100 MB; the workload is not the mesh's.
    expect(idle?.meshProjected?.estimate).toBeCloseTo(60_000 * MB + 180 * MB, -2);
    expect(load?.rate).toBe(100);
    expect(systemResultSchema.shape.scale.parse(scale)).toEqual(scale);
  });

  it('takes one point per worker node and window, 0 bytes where a node has no container of the role', () => {
    const window = istioLikeWindow('idle', 4);
    const empty = { ...window, podsByNode: { ...window.podsByNode, 'bench-istio-worker3': 0 } };
    const points = rolePoints([empty], 'sidecar-proxy');
    expect(points).toEqual([
      { pods: 4, bytes: 240 * MB, node: WORKERS[0] },
      { pods: 4, bytes: 240 * MB, node: WORKERS[1] },
      { pods: 0, bytes: 0, node: 'bench-istio-worker3' },
    ]);
  });

  it('leaves out a point with a container that has no memory sample, rather than count it as less memory', () => {
    const base = istioLikeWindow('idle', 1);
    const window = { ...base, containers: [...base.containers, container('sidecar-proxy', WORKERS[0], 'server-extra', 'istio-proxy', null)] };
    expect(rolePoints([window], 'sidecar-proxy')).toEqual([{ pods: 1, bytes: 60 * MB, node: WORKERS[1] }]);
  });

  it('has no role a system does not run (no sidecars without a sidecar mesh)', () => {
    const window = istioLikeWindow('idle', 1);
    expect(rolePoints([window], 'node-agent')).toBeNull();
  });

  it('refuses windows at a single replica count, naming the system, role and condition', () => {
    expect(() =>
      buildSystemScale({
        system: 'istio',
        nodes: 2,
        replicasPerNode: [4, 4],
        projection: { nodes: 100, pods: 1000 },
        windows: [istioLikeWindow('idle', 4), istioLikeWindow('idle', 4)],
        claims: [],
      }),
    ).toThrow('istio sidecar-proxy (idle): pods: a memory fit needs points at 2 or more different pod counts');
  });

  it('keeps older results without a scale section readable', () => {
    expect(systemResultSchema.shape.scale.parse(undefined)).toBeUndefined();
  });
});
