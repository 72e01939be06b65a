import { describe, expect, it } from 'vitest';
import type { Diagnostics, MeshPod, TrafficProof } from '../src/core/result-schema.js';
import type { SystemRecorder } from '../src/platform/platform.js';
import { diagnosticsDirOf, SystemRecord } from '../src/pipeline/system-record.js';
import { FakePipelinePlatform, pipelineRun, scenarioText } from './helpers/pipeline-fake-platform.js';

/**
 * What a platform reports about a system while it runs (src/pipeline/system-record.ts) ends in the system's result:
 * phases (each with its install), mesh pods and the diagnostics bundle for every variant, the traffic proof per
 * variant; the bundle's directory is `<run dir>/diagnostics/<system>`, the system id made safe for a path.
 */
const proof = (meshed: boolean): TrafficProof => ({
  expected: meshed ? 'mTLS identity in x-forwarded-client-cert' : 'no mesh header',
  seen: meshed ? 'spiffe://cluster.local/ns/mesh-bench/sa/load' : 'none',
  ok: true,
  meshed,
  burst: { sent: 200, ok: 200 },
  counters: { xfcc: { before: 0, after: meshed ? 200 : 0 } },
  headerSample: null,
});
const pods: MeshPod[] = [{ namespace: 'istio-system', pod: 'istiod-7c9', role: 'control-plane', node: 'bench-istio-worker', onControlPlane: false }];
const bundle: Diagnostics = { dir: 'diagnostics/istio', files: [{ path: 'events.txt', bytes: 120, truncated: false }], lookFirst: 'events.txt', problems: [] };

describe('what the platform recorded', () => {
  it('is in each variant’s result: phases with their install, mesh pods, diagnostics, and that variant’s proof', async () => {
    const recorders: SystemRecorder[] = [];
    const platform = new FakePipelinePlatform({
      systems: ['istio'],
      variants: (id) => [`${id}/unmeshed`, id],
      onPrepare: (_id, recorder) => {
        recorders.push(recorder!);
        recorder!.phase({ name: 'cluster create', startedAt: '2026-11-21T05:49:00.000Z', durationMs: 1500, ok: true });
        recorder!.trafficProof('istio', proof(true));
        recorder!.trafficProof('istio/unmeshed', proof(false));
        recorder!.meshPods(pods);
        recorder!.diagnostics(bundle);
      },
    });
    const p = pipelineRun(platform, scenarioText({ repetitions: 1, installs: 2 }));
    const outcome = await p.run(['istio']);
    expect(recorders).toHaveLength(2);
    expect(recorders[0]!.diagnosticsDir).toEqual({ path: `${outcome.dir}/diagnostics/istio`, inResult: 'diagnostics/istio' });
    const [unmeshed, meshed] = outcome.result.systems;
    expect(meshed!.trafficProof).toEqual(proof(true));
    expect(unmeshed!.trafficProof).toEqual(proof(false));
    for (const s of [unmeshed!, meshed!]) {
      expect(s.meshPods).toEqual(pods);
      expect(s.diagnostics).toEqual(bundle);
      expect(s.phases!.filter((ph) => ph.name === 'cluster create').map((ph) => ph.install)).toEqual([1, 2]);
      expect(s.phases!.filter((ph) => ph.name.startsWith('measure ')).map((ph) => [ph.name, ph.install])).toEqual([
        [`measure istio/unmeshed rate-100 #1`, 1],
        [`measure istio rate-100 #1`, 1],
        [`measure istio/unmeshed rate-100 #2`, 2],
        [`measure istio rate-100 #2`, 2],
      ]);
    }
  });

  it('gives a variant the platform proved nothing for a null proof once any variant has one, and no fields when nothing was recorded', () => {
    const record = new SystemRecord(null, 'istio');
    expect(record.diagnosticsDir).toBeNull();
    expect(record.fields('istio')).toEqual({});
    record.trafficProof('istio', proof(true));
    expect(record.fields('istio/unmeshed')).toEqual({ trafficProof: null });
    expect(record.fields('istio')).toEqual({ trafficProof: proof(true) });
  });

  it('keeps its diagnostics under a directory named after the system, with anything unsafe in a path replaced', () => {
    expect(diagnosticsDirOf('istio-ambient')).toBe('diagnostics/istio-ambient');
    expect(diagnosticsDirOf('istio/unmeshed')).toBe('diagnostics/istio_unmeshed');
    expect(diagnosticsDirOf('a b:c.1_x')).toBe('diagnostics/a_b_c.1_x');
    expect(new SystemRecord('/results/run', 'istio/unmeshed').diagnosticsDir).toEqual({
      path: '/results/run/diagnostics/istio_unmeshed',
      inResult: 'diagnostics/istio_unmeshed',
    });
  });
});
