import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ExecResult, KubeClient } from '../src/core/kube.js';
import {
  ciliumZtunnelEvidence,
  countFlowsByPort,
  HUBBLE_HBONE_FLOWS,
  HUBBLE_PLAINTEXT_FLOWS,
} from '../src/mesh/cilium-ztunnel-evidence.js';
import type { EvidenceContext } from '../src/mesh/traffic-evidence.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { meshTestContext } from './helpers/mesh-context.js';

/**
 * cilium-ztunnel's proof by traffic: the guide's own test (encryption-ztunnel.rst v1.20.0, "packets will have a
 * destination port of 15008 (HBONE)") read from Hubble. Flows are `hubble observe -o json` lines (GetFlowsResponse in
 * protobuf JSON, as in the other Cilium systems' test), with the HBONE connection from the client pod's address to
 * the server pod's address on 15008.
 */

const CLIENT = 'load-client-5f6d7c8b9-fghij';
const SERVER = 'server-1-6d9f8b7c5-abcde';
const SERVER_NODE = 'bench-cilium-ztunnel-worker2';

function flow(o: { port: number; client?: string; verdict?: string; reply?: boolean; type?: string; camel?: boolean }): string {
  const f = {
    time: '2026-12-01T15:40:01.123456789Z',
    verdict: o.verdict ?? 'FORWARDED',
    IP: { source: '10.244.1.37', destination: '10.244.2.81', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 41234, destination_port: o.port, flags: { SYN: true } } },
    source: { ID: 412, identity: 47514, namespace: 'bench', pod_name: o.client ?? CLIENT },
    destination: { ID: 1834, identity: 48936, namespace: 'bench', pod_name: SERVER },
    Type: o.type ?? 'L3_L4',
    node_name: SERVER_NODE,
    is_reply: o.reply ?? false,
    traffic_direction: 'INGRESS',
    trace_observation_point: 'TO_ENDPOINT',
  };
  const line = JSON.stringify({ flow: f, node_name: SERVER_NODE, time: f.time });
  return o.camel ? line.replaceAll('pod_name', 'podName').replaceAll('destination_port', 'destinationPort').replaceAll('is_reply', 'isReply') : line;
}

describe('counting Hubble flows by port', () => {
  it('counts FORWARDED client → server flows on 15008 and on the server port, and nothing else', () => {
    const lines = [
      flow({ port: 15008 }),
      flow({ port: 15008, camel: true }),
      flow({ port: 15008, reply: true }),
      flow({ port: 15008, verdict: 'DROPPED' }),
      flow({ port: 15008, verdict: 'TRACED', type: 'SOCK' }),
      flow({ port: 15008, client: 'coredns-7c65d6cfc9-8r7nq' }),
      flow({ port: 8080 }),
      flow({ port: 15021 }),
      'not json',
      '',
    ].join('\n');
    expect(countFlowsByPort(lines, CLIENT, SERVER)).toEqual({ hbone: 2, plaintext: 1 });
  });
});

describe('judging the burst', () => {
  const burst = { sent: 100, ok: 100, responseBytes: 1024 };
  const judge = (hbone: number, plaintext: number, meshed: boolean) =>
    ciliumZtunnelEvidence.judge({ [HUBBLE_HBONE_FLOWS]: hbone, [HUBBLE_PLAINTEXT_FLOWS]: plaintext }, burst, meshed);

  it('meshed: passes on HBONE flows with no plaintext, fails without HBONE or with plaintext beside it', () => {
    expect(judge(6, 0, true)).toEqual({ ok: true, seen: 'Hubble: 6 FORWARDED flows load client → server:15008 (HBONE), 0 to server:8080 (plaintext)' });
    expect(judge(0, 14, true).ok).toBe(false);
    expect(judge(6, 3, true).ok).toBe(false);
  });

  it('unmeshed: passes on plaintext alone, fails on any HBONE flow', () => {
    expect(judge(0, 14, false).ok).toBe(true);
    expect(judge(2, 14, false).ok).toBe(false);
    expect(judge(1, 14, false).ok).toBe(false);
    expect(judge(1, 0, false).ok).toBe(false);
  });
});

describe('reading the flows', () => {
  const pods: V1Pod[] = [
    { metadata: { name: 'cilium-7xk2p', namespace: 'kube-system', labels: { 'k8s-app': 'cilium' } }, spec: { nodeName: 'bench-cilium-ztunnel-worker', containers: [] } },
    { metadata: { name: 'cilium-q8v4n', namespace: 'kube-system', labels: { 'k8s-app': 'cilium' } }, spec: { nodeName: SERVER_NODE, containers: [] } },
  ];
  const execs: string[] = [];
  const kube = {
    async listPods(namespace: string, selector?: string) {
      if (namespace !== 'kube-system' || selector !== 'k8s-app=cilium') throw new Error(`fake kube: no answer for pods ${namespace} ${selector}`);
      return pods;
    },
    async exec(namespace: string, pod: string, container: string, argv: readonly string[]): Promise<ExecResult> {
      execs.push(`${namespace}/${pod}/${container}: ${argv.join(' ')}`);
      if (pod !== 'cilium-q8v4n') throw new Error(`fake kube: no answer for exec in ${pod}`);
      return { stdout: [flow({ port: 15008 }), flow({ port: 15008 }), flow({ port: 15008, reply: true })].join('\n'), stderr: '', exitCode: 0 };
    },
  } as unknown as KubeClient;
  const c: EvidenceContext = {
    mesh: meshTestContext('cilium-ztunnel', { namespace: 'bench' }),
    kube,
    runner: new FakeRunner(),
    server: { name: SERVER, node: SERVER_NODE, ip: '10.244.2.81' },
    client: { name: CLIENT, node: 'bench-cilium-ztunnel-worker', ip: '10.244.1.37' },
    sinceS: 2.4,
  };

  it('asks the agent on the server node for the burst window after it, and reads nothing before', async () => {
    expect(await ciliumZtunnelEvidence.read!(c, 'before')).toEqual({ [HUBBLE_HBONE_FLOWS]: 0, [HUBBLE_PLAINTEXT_FLOWS]: 0 });
    expect(execs).toEqual([]);
    expect(await ciliumZtunnelEvidence.read!(c, 'after')).toEqual({ [HUBBLE_HBONE_FLOWS]: 2, [HUBBLE_PLAINTEXT_FLOWS]: 0 });
    expect(execs).toEqual([`kube-system/cilium-q8v4n/cilium-agent: hubble observe --since 13s --pod bench/${SERVER} --output json`]);
  });
});
