import { describe, expect, it } from 'vitest';
import type { Claim, RoleScale, SystemScale } from '../src/core/scale-schema.js';
import { decimalBytes, renderScale } from '../src/report/render-scale.js';

const MB = 1e6;

function term(estimate: number, low: number, high: number) {
  return { estimate, low, high, standardError: 1 };
}

/** A fitted role: `fixed` per node (or once per cluster) and `perPod`, each ±10%, projected to `projected`. */
function role(name: RoleScale['role'], scope: RoleScale['scope'], fixed: number, perPod: number, projected: number): RoleScale {
  return {
    role: name,
    scope,
    points: [],
    fit: {
      fixed: term(fixed, fixed * 0.9, fixed * 1.1),
      perPod: term(perPod, perPod * 0.9, perPod * 1.1),
      points: 8,
      degreesOfFreedom: 6,
      residualSd: 1,
      meanPods: 4,
      podsSumOfSquares: 10,
    },
    projected: { estimate: projected, low: projected * 0.9, high: projected * 1.1 },
  };
}

function scale(fields: Partial<SystemScale> = {}): SystemScale {
  return {
    nodes: 2,
    replicasPerNode: [1, 4],
    projection: { nodes: 100, pods: 1000 },
    conditions: [{ condition: 'idle', roles: [role('sidecar-proxy', 'node', 2 * MB, 50 * MB, 50e9)], meshProjected: null }],
    claims: [],
    ...fields,
  } as SystemScale;
}

function lines(s: SystemScale, id = 'istio'): string[] {
  const text = renderScale({ systems: [{ id: 'baseline' }, { id, scale: s }] });
  if (text === null) throw new Error('no section');
  return text.split('\n').slice(3);
}

/** A system's heading with the blank lines around it. */
const ISTIO_HEADING = ['', '### istio', ''];

const TABLE_HEAD = [
  '| role | fitted | per node (95%) | per pod (95%) | at 100 × 1000 (95%) |',
  '|---|---|---:|---:|---:|',
];

describe('decimal memory as the claims write it', () => {
  it('switches to whole MB from 10 MB and to GB from 1 GB, keeping a sign but not a negative zero', () => {
    expect(decimalBytes(9_949_999)).toBe('9.9 MB');
    expect(decimalBytes(10 * MB)).toBe('10 MB');
    expect(decimalBytes(999_400_000)).toBe('999 MB');
    expect(decimalBytes(1e9)).toBe('1.0 GB');
    expect(decimalBytes(15.24e9)).toBe('15.2 GB');
    expect(decimalBytes(-2.5 * MB)).toBe('-2.5 MB');
    expect(decimalBytes(-20 * MB)).toBe('-20 MB');
    expect(decimalBytes(-3e9)).toBe('-3.0 GB');
    expect(decimalBytes(-10_000)).toBe('0.0 MB');
    expect(decimalBytes(0)).toBe('0.0 MB');
  });
});

describe('the memory-at-scale section', () => {
  it('is absent when no system measured a scale section', () => {
    expect(renderScale({ systems: [{ id: 'baseline' }, { id: 'istio', scale: undefined }] })).toBeNull();
  });

  it('opens with its heading and how the model was fitted', () => {
    const text = renderScale({ systems: [{ id: 'istio', scale: scale() }] }) ?? '';
    expect(text.split('\n').slice(0, 2)).toEqual(['## Memory at scale (a measured model)', '']);
    expect(text.split('\n')[2]).toMatch(/^Each role’s memory \(mean working set over the window\) .* Memory in decimal MB\/GB \(10⁶\/10⁹ bytes\)\.$/);
  });

  it('gives where it was measured, then one table per condition with per-node and per-cluster roles and the mesh total', () => {
    const s = scale({
      conditions: [
        {
          condition: 'idle',
          roles: [role('sidecar-proxy', 'node', 2 * MB, 50 * MB, 50e9), role('control-plane', 'cluster', 80 * MB, 0.1 * MB, 180 * MB)],
          meshProjected: { estimate: 50.2e9, low: 45e9, high: 55e9 },
        },
        { condition: 'load', rate: 200, roles: [role('sidecar-proxy', 'node', 3 * MB, 60 * MB, 60e9)], meshProjected: null },
      ],
    } as Partial<SystemScale>);
    expect(lines(s)).toEqual([
      ...ISTIO_HEADING,
      'Measured at 1, 4 replicas per node on 2 worker nodes; projected to 100 nodes × 1000 pods.',
      '',
      'Idle:',
      '',
      ...TABLE_HEAD,
      '| sidecar-proxy | per node, 8 points | 2.0 MB [1.8 MB, 2.2 MB] | 50 MB [45 MB, 55 MB] | 50.0 GB [45.0 GB, 55.0 GB] |',
      '| control-plane | per cluster, 8 points | 80 MB [72 MB, 88 MB] once | 0.1 MB [0.1 MB, 0.1 MB] | 180 MB [162 MB, 198 MB] |',
      '| mesh total |  |  |  | 50.2 GB [45.0 GB, 55.0 GB] |',
      '',
      'Under load (200 req/s):',
      '',
      ...TABLE_HEAD,
      '| sidecar-proxy | per node, 8 points | 3.0 MB [2.7 MB, 3.3 MB] | 60 MB [54 MB, 66 MB] | 60.0 GB [54.0 GB, 66.0 GB] |',
    ]);
  });

  it('says one worker node in the singular, an unrecorded count in words, and a load without its rate as ?', () => {
    expect(lines(scale({ nodes: 1 }))[3]).toBe('Measured at 1, 4 replicas per node on 1 worker node; projected to 100 nodes × 1000 pods.');
    const { nodes: _unrecorded, ...rest } = scale();
    expect(lines(rest as SystemScale)[3]).toBe(
      'Measured at 1, 4 replicas per node on an unrecorded number of worker nodes; projected to 100 nodes × 1000 pods.',
    );
    const load = scale({ conditions: [{ condition: 'load', roles: [], meshProjected: null }] } as Partial<SystemScale>);
    expect(lines(load)[5]).toBe('Under load (? req/s):');
  });

  it('names the server CPU request and the pods as placed per node', () => {
    const s = scale({
      serverCpuRequest: '250m',
      placements: [
        { replicasPerNode: 1, podsByNode: { 'worker-a': 1, 'worker-b': 1 } },
        { replicasPerNode: 4, podsByNode: { 'worker-a': 4, 'worker-b': 3 } },
      ],
    } as Partial<SystemScale>);
    expect(lines(s).slice(3, 7)).toEqual([
      'Measured at 1, 4 replicas per node on 2 worker nodes; projected to 100 nodes × 1000 pods. ' +
        'Server CPU request in the scale windows: 250m (memory request and limit as in the steps).',
      '',
      'Server pods per node as placed (read from the pods): 1 → worker-a: 1, worker-b: 1; 4 → worker-a: 4, worker-b: 3.',
      '',
    ]);
  });

  it('publishes no number from windows that cannot be trusted, giving the reasons', () => {
    const s = scale({
      invalidReasons: ['a server pod restarted', 'a node was replaced'],
      placements: [{ replicasPerNode: 1, podsByNode: { 'worker-a': 1 } }],
    } as Partial<SystemScale>);
    expect(lines(s)).toEqual([
      ...ISTIO_HEADING,
      'Planned at 1, 4 replicas per node, to be projected to 100 nodes × 1000 pods.',
      '',
      'Server pods per node as placed (read from the pods): 1 → worker-a: 1.',
      '',
      '**Not fitted: the scale windows cannot be trusted** (no number is published from them): a server pod restarted; a node was replaced.',
    ]);
  });

  it('treats an empty list of reasons as trusted windows, and no placements as none to show', () => {
    const out = lines(scale({ invalidReasons: [], placements: [] } as Partial<SystemScale>));
    expect(out[3]).toMatch(/^Measured at /);
    expect(out[5]).toBe('Idle:');
  });
});

describe('public claims beside the model', () => {
  const perPod = (fields: Partial<Claim>): Claim =>
    ({ id: 'c', wording: 'sidecars cost 50–200 MB', source: 'a blog', kind: 'per-pod', role: 'sidecar-proxy', lowBytes: 50 * MB, highBytes: 200 * MB, ...fields }) as Claim;

  function claimRows(claims: Claim[], conditions?: SystemScale['conditions']): string[] {
    const out = lines(scale({ claims, ...(conditions ? { conditions } : {}) }));
    const at = out.indexOf('Public claims, **labelled as claims** (quoted, not measured here), beside the model:');
    expect(at).toBeGreaterThan(0);
    expect(out.slice(at + 1, at + 4)).toEqual([
      '',
      '| claim | claimed | condition | measured (95%) | measured ÷ claimed | claim inside the interval |',
      '|---|---:|---|---:|---:|---|',
    ]);
    return out.slice(at + 4);
  }

  it('gives a range claim’s ratio as a pair, and whether the claim meets the interval', () => {
    expect(claimRows([perPod({})])).toEqual([
      '| “sidecars cost 50–200 MB” (a blog) | 50 MB–200 MB (sidecar-proxy per-pod) | idle | 50 MB [45 MB, 55 MB] | 0.25×–1.00× | yes |',
    ]);
    expect(claimRows([perPod({ lowBytes: 100 * MB, highBytes: 100 * MB, wording: 'w' })])).toEqual([
      '| “w” (a blog) | 100 MB (sidecar-proxy per-pod) | idle | 50 MB [45 MB, 55 MB] | 0.50× | no |',
    ]);
  });

  it('writes ratios of 10 and above with one decimal', () => {
    expect(claimRows([perPod({ lowBytes: 5 * MB, highBytes: 5 * MB, wording: 'w' })])[0]).toBe(
      '| “w” (a blog) | 5.0 MB (sidecar-proxy per-pod) | idle | 50 MB [45 MB, 55 MB] | 10.0× | no |',
    );
    expect(claimRows([perPod({ lowBytes: 5.1 * MB, highBytes: 5.1 * MB, wording: 'w' })])[0]).toBe(
      '| “w” (a blog) | 5.1 MB (sidecar-proxy per-pod) | idle | 50 MB [45 MB, 55 MB] | 9.80× | no |',
    );
  });

  it('says not measured for a role the system does not have, one row per claim and condition', () => {
    const agent = perPod({ kind: 'per-node', role: 'node-agent', wording: 'agents', lowBytes: 40 * MB, highBytes: 40 * MB });
    const rows = claimRows([agent], [
      { condition: 'idle', roles: [role('sidecar-proxy', 'node', 2 * MB, 50 * MB, 50e9)], meshProjected: null },
      { condition: 'load', rate: 100, roles: [role('node-agent', 'node', 40 * MB, 0.2 * MB, 4.2e9)], meshProjected: null },
    ]);
    expect(rows).toEqual([
      '| “agents” (a blog) | 40 MB (node-agent per-node) | idle | not measured | – | – |',
      '| “agents” (a blog) | 40 MB (node-agent per-node) | load | 40 MB [36 MB, 44 MB] | 1.00× | yes |',
    ]);
  });

  it('names what a mesh-total claim is about, with ? for what it does not say', () => {
    const total = { id: 't', wording: 'total', source: 's', kind: 'mesh-total', nodes: 100, pods: 1000, lowBytes: 100e9, highBytes: 100e9 } as Claim;
    expect(claimRows([total])[0]).toMatch(/^\| “total” \(s\) \| 100\.0 GB \(mesh at 100 × 1000\) \| idle \| .* \| .*× \| (yes|no) \|$/);
    const vague = { id: 't', wording: 'total', source: 's', kind: 'mesh-total', lowBytes: 1e9, highBytes: 2e9 } as Claim;
    expect(claimRows([vague])[0]).toBe('| “total” (s) | 1.0 GB–2.0 GB (mesh at ? × ?) | idle | not measured | – | – |');
    const noRole = { id: 'r', wording: 'w', source: 's', kind: 'per-pod', lowBytes: 1e6, highBytes: 1e6 } as Claim;
    expect(claimRows([noRole])[0]).toBe('| “w” (s) | 1.0 MB (? per-pod) | idle | not measured | – | – |');
  });
});
