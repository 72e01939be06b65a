import { describe, expect, it } from 'vitest';
import type { MeshPod } from '../src/core/result-schema.js';
import type { ReportRun, ReportSystem } from '../src/report/report-input.js';
import { diagnosticsLines, renderMeshPlacement, renderPhases, renderTrafficProof } from '../src/report/render-cluster-run.js';
import { MAX_CHART_SERIES } from '../src/report/charts/chart-systems.js';

/** A run of the given systems; only what the cluster-run sections read. */
function run(systems: Partial<ReportSystem>[]): ReportRun {
  return { systems } as unknown as ReportRun;
}

function proof(ok: boolean, sent: number, good: number, headerSample: string | null = null) {
  return { expected: 'x-forwarded-client-cert', seen: ok ? 'present' : 'absent', ok, meshed: true, burst: { sent, ok: good }, counters: {}, headerSample };
}

function phase(name: string, durationMs: number, ok = true, install?: number) {
  return { name, durationMs, ok, ...(install === undefined ? {} : { install }) };
}

describe('proof by traffic', () => {
  it('is absent when no variant carries a proof', () => {
    expect(renderTrafficProof(run([{ id: 'baseline' }, { id: 'istio', trafficProof: null }]))).toBeNull();
  });

  it('tables each variant’s result and burst, then the mesh headers the server saw', () => {
    const text = renderTrafficProof(
      run([
        { id: 'baseline' },
        { id: 'istio/meshed', trafficProof: proof(true, 20, 20, 'By=spiffe://a|Hash=`x`') },
        { id: 'istio/unmeshed', trafficProof: proof(false, 20, 19) },
      ]),
    );
    expect(text?.split('\n')).toEqual([
      '## Proof by traffic',
      '',
      'Before the first measured step a short burst went through exactly the path the load takes; the mesh had to show it ' +
        'handled those requests (headers it adds, counters in its own metrics), and unmeshed variants had to show none.',
      '',
      '| variant | result | burst 2xx | expected | seen |',
      '|---|---|---|---|---|',
      '| istio/meshed | proven | 20/20 | x-forwarded-client-cert | present |',
      '| istio/unmeshed | FAILED | 19/20 | x-forwarded-client-cert | absent |',
      '',
      'Mesh header as the server received it:',
      '',
      '- istio/meshed: `` By=spiffe://a|Hash=`x` ``',
    ]);
  });

  it('ends after the table when no header was seen', () => {
    expect(renderTrafficProof(run([{ id: 'istio', trafficProof: proof(true, 5, 5) }]))?.split('\n').slice(-1)).toEqual([
      '| istio | proven | 5/5 | x-forwarded-client-cert | present |',
    ]);
  });
});

describe('where the mesh ran', () => {
  const pod = (role: MeshPod['role'], podName: string, node: string | null, onControlPlane = false): MeshPod => ({
    namespace: 'istio-system',
    pod: podName,
    role,
    node,
    onControlPlane,
  });

  it('is absent without mesh pods', () => {
    expect(renderMeshPlacement(run([{ id: 'baseline' }, { id: 'istio', meshPods: [] }]))).toBeNull();
  });

  it('lists control planes and waypoints once per system, counting agents and sidecars', () => {
    const pods = [
      pod('control-plane', 'istiod-1', 'cp-0', true),
      pod('waypoint', 'waypoint-1', null),
      pod('node-agent', 'ztunnel-a', 'w-1'),
      pod('sidecar-proxy', 'server-1', 'w-1'),
      pod('workload', 'client-1', 'w-2'),
    ];
    const text = renderMeshPlacement(run([{ id: 'istio/meshed', meshPods: pods }, { id: 'istio/unmeshed', meshPods: pods }]));
    expect(text?.split('\n')).toEqual([
      '## Where the mesh ran',
      '',
      'Control planes are placed on the control-plane node where the mesh’s install options allow it, off the measured ' +
        'workers; the waypoint goes where Kubernetes schedules it. Node agents run on every node and sidecars in the ' +
        'workload pods (2 such pods, every one listed in results.json `meshPods`).',
      '',
      '| system | pod | role | node | node kind |',
      '|---|---|---|---|---|',
      '| istio | istio-system/istiod-1 | control-plane | cp-0 | control-plane node |',
      '| istio | istio-system/waypoint-1 | waypoint | – | a worker |',
    ]);
  });

  it('has no table when only agents and sidecars ran', () => {
    const text = renderMeshPlacement(run([{ id: 'cilium', meshPods: [pod('node-agent', 'cilium-a', 'w-1')] }]));
    expect(text?.split('\n')).toHaveLength(3);
    expect(text).toContain('(1 such pods, every one listed');
  });
});

describe('phases', () => {
  it('is absent without phases', () => {
    expect(renderPhases(run([{ id: 'baseline' }, { id: 'istio', phases: [] }]))).toBeNull();
  });

  it('gives each phase its time, under 10 s with a decimal, and the measured steps as one row with the longest', () => {
    const text = renderPhases(
      run([
        {
          id: 'istio/meshed',
          phases: [
            phase('cluster create', 9_949),
            phase('measure meshed rate-1k #1', 20_400),
            phase('mesh install', 10_000, false),
            phase('measure unmeshed rate-1k #1', 21_600),
            phase('teardown', 1_000),
          ],
        },
        { id: 'istio/unmeshed', phases: [phase('ignored', 1)] },
      ]),
    );
    expect(text?.split('\n')).toEqual([
      '## Phases',
      '',
      'Wall-clock time of every phase, as measured by this run.',
      '',
      '| system | phase | took | outcome |',
      '|---|---|---:|---|',
      '| istio | cluster create | 9.9 s | ok |',
      '| istio | measure (2 repetitions; longest unmeshed rate-1k #1, 22 s) | 42 s | ok |',
      '| istio | mesh install | 10 s | failed |',
      '| istio | teardown | 1.0 s | ok |',
    ]);
  });

  it('says a measured row failed when any repetition failed, keeps the first of equally long ones, and gives 10 s whole', () => {
    const text = renderPhases(
      run([{ id: 'istio', phases: [phase('measure a #1', 5_000), phase('measure b #1', 5_000, false)] }]),
    );
    expect(text?.split('\n').slice(6)).toEqual(['| istio | measure (2 repetitions; longest a #1, 5.0 s) | 10 s | failed |']);
  });

  it('labels every phase with its install when there were several', () => {
    const text = renderPhases(
      run([
        {
          id: 'istio',
          phases: [
            phase('mesh install', 3_000),
            phase('measure r #1', 1_000, true, 1),
            phase('mesh install', 4_000, true, 2),
            phase('measure r #1', 2_000, true, 2),
            phase('measure r #2', 2_500, true, 2),
          ],
        },
      ]),
    );
    expect(text?.split('\n').slice(6)).toEqual([
      '| istio | install 1: mesh install | 3.0 s | ok |',
      '| istio | install 1: measure (1 repetitions; longest r #1, 1.0 s) | 1.0 s | ok |',
      '| istio | install 2: mesh install | 4.0 s | ok |',
      '| istio | install 2: measure (2 repetitions; longest r #2, 2.5 s) | 4.5 s | ok |',
    ]);
  });

  it('gives a crowded run one row per cluster, its phases in order, a failed one marked', () => {
    const systems: Partial<ReportSystem>[] = Array.from({ length: MAX_CHART_SERIES + 1 }, (_, i) => ({ id: `s${i}` }));
    systems[0] = { id: 's0', phases: [phase('deploy', 2_000), phase('measure x #1', 3_000)] };
    systems[1] = { id: 's1', phases: [phase('deploy', 1_000, false)] };
    const text = renderPhases(run(systems));
    expect(text?.split('\n')).toEqual([
      '## Phases',
      '',
      'Wall-clock time of every phase, as measured by this run.',
      '',
      '| system | phases (took) | outcome |',
      '|---|---|---|',
      '| s0 | deploy 2.0 s; measure (1 repetitions; longest x #1, 3.0 s) 3.0 s | ok |',
      '| s1 | deploy 1.0 s (failed) | failed |',
    ]);
  });

  it('is not crowded at exactly as many systems as the charts have colours', () => {
    const systems: Partial<ReportSystem>[] = Array.from({ length: MAX_CHART_SERIES }, (_, i) => ({ id: `s${i}` }));
    systems[0] = { id: 's0', phases: [phase('deploy', 2_000)] };
    expect(renderPhases(run(systems))?.split('\n')[4]).toBe('| system | phase | took | outcome |');
  });
});

describe('a failed system’s diagnostics', () => {
  it('are nothing without a bundle', () => {
    expect(diagnosticsLines({ id: 'istio' } as ReportSystem)).toEqual([]);
    expect(diagnosticsLines({ id: 'istio', diagnostics: null } as ReportSystem)).toEqual([]);
  });

  it('say where the bundle is, its size, what to open first, what was cut and what was not collected', () => {
    const lines = diagnosticsLines({
      id: 'istio',
      diagnostics: {
        dir: 'diagnostics/istio',
        files: [
          { path: 'events.txt', bytes: 1024, truncated: false },
          { path: 'istiod.log', bytes: 2048, truncated: true },
          { path: 'proxy.log', bytes: 1024, truncated: true },
        ],
        lookFirst: 'istiod.log (the install failed)',
        problems: ['kubectl logs timed out', 'no node access'],
      },
    } as ReportSystem);
    expect(lines).toEqual([
      '',
      'Diagnostics, collected before teardown: `diagnostics/istio/` (3 files, 4.0 KiB). Look first at istiod.log (the install failed).',
      '2 files were cut to their last bytes (size caps); the full list with sizes is in results.json.',
      'Not collected: kubectl logs timed out; no node access.',
    ]);
  });

  it('leave out the cut and missing lines when nothing was cut or missing', () => {
    const lines = diagnosticsLines({
      id: 'istio',
      diagnostics: { dir: 'd', files: [{ path: 'a', bytes: 10, truncated: false }], lookFirst: 'a', problems: [] },
    } as unknown as ReportSystem);
    expect(lines).toEqual(['', 'Diagnostics, collected before teardown: `d/` (1 files, 10 B). Look first at a.']);
  });
});
