import { SERVER_PORT } from '../platform/manifests.js';
import { AGENT_CONTAINER, AGENT_POD_SELECTOR, CILIUM_NAMESPACE } from './cilium-common.js';
import type { Counters, EvidenceContext, MeshEvidence } from './traffic-evidence.js';

/**
 * The Cilium systems' proof by traffic (traffic-evidence.ts), from Cilium's own records, read in the agent pods:
 * - Hubble flows: "The Hubble CLI is part of the Cilium container image and can be accessed via kubectl exec"
 *   (docs.cilium.io operations/troubleshooting, "Observing flows with Hubble": `hubble observe --since 3m --pod
 *   default/tiefighter`), answered by the local agent's Hubble server. `-o json` prints one GetFlowsResponse per line
 *   (`{"flow":{…}}`). Counted: flows from the load client to the server port, FORWARDED (L3/L4, `cilium`), and HTTP
 *   requests seen by the L7 proxy (`Type: L7`, `l7.type: REQUEST`, `l7.http`: `cilium-l7`). Field names are read in
 *   both protobuf spellings (snake_case and lowerCamelCase) since the JSON printer's choice is not ours.
 * - WireGuard: per-peer `transfer-tx`/`transfer-rx` of the agent's `cilium-dbg debuginfo --output json`, under
 *   `encryption.wireguard.interfaces[].peers[]` (models.WireguardPeer; the debuginfo handler asks the WireGuard agent
 *   for Status(true), i.e. with peers, filled from the kernel device's TransmitBytes/ReceiveBytes; the troubleshooting
 *   section of docs.cilium.io security/network/encryption-wireguard shows `cilium-dbg debuginfo --output json | jq
 *   .encryption` with these fields; `cilium-dbg encrypt status` drops the peers). Read on the load client's node,
 *   whose traffic to the server's node must grow its peers' counters by at least the burst's bytes.
 */
export const HUBBLE_FORWARDED = 'hubble:forwarded-flows';
export const HUBBLE_L7_REQUESTS = 'hubble:l7-http-requests';
export const WIREGUARD_BYTES = 'wireguard:peer-transfer-bytes';

const EXEC_TIMEOUT_MS = 60_000;
export const WIREGUARD_DEBUGINFO = ['cilium-dbg', 'debuginfo', '--output', 'json'];
/** Flows a little older than the burst's start are counted too: only the harness sends load client → server. */
const SINCE_MARGIN_S = 10;
/** The least a request and its response can add to a WireGuard peer's counters, besides the response body. */
const MIN_BYTES_PER_REQUEST = 64;

type Json = Record<string, unknown>;
const get = (o: unknown, ...keys: string[]): unknown => {
  if (typeof o !== 'object' || o === null) return undefined;
  for (const k of keys) if (k in o) return (o as Json)[k];
  return undefined;
};

export interface FlowCounts {
  forwarded: number;
  l7Requests: number;
}

/**
 * The request-direction flows (not replies) of `hubble observe -o json` from `client` to `server` (pod names), one JSON
 * object per line; lines that are not JSON are skipped. Both protobuf JSON spellings (snake_case, lowerCamelCase) are
 * read.
 */
export function* clientToServerFlows(text: string, client: string, server: string): Generator<unknown> {
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      continue;
    }
    const flow = get(data, 'flow') ?? data;
    if (get(get(flow, 'source'), 'pod_name', 'podName') !== client) continue;
    if (get(get(flow, 'destination'), 'pod_name', 'podName') !== server) continue;
    if (get(flow, 'is_reply', 'isReply') === true) continue;
    yield flow;
  }
}

/** Field `keys` (the first spelling present) of a flow object, for readers of clientToServerFlows. */
export const flowField = get;

/** Counts the flows of `hubble observe -o json` from `client` to `server` (pod names) on the server port. */
export function countHubbleFlows(text: string, client: string, server: string): FlowCounts {
  const counts: FlowCounts = { forwarded: 0, l7Requests: 0 };
  for (const flow of clientToServerFlows(text, client, server)) {
    const l7 = get(flow, 'l7');
    if (get(flow, 'Type', 'type') === 'L7' || l7 !== undefined) {
      if (get(l7, 'type') === 'REQUEST' && get(l7, 'http') !== undefined) counts.l7Requests++;
      continue;
    }
    const port = get(get(get(flow, 'l4'), 'TCP'), 'destination_port', 'destinationPort');
    if (get(flow, 'verdict') === 'FORWARDED' && port === SERVER_PORT) counts.forwarded++;
  }
  return counts;
}

/** Sum of transfer-tx and transfer-rx over every WireGuard peer in `cilium-dbg debuginfo --output json`; null without peers. */
export function wireguardTransferBytes(statusJson: string): number | null {
  const status = JSON.parse(statusJson) as unknown;
  const interfaces = get(get(get(status, 'encryption'), 'wireguard'), 'interfaces');
  if (!Array.isArray(interfaces)) return null;
  let sum = 0;
  let peers = 0;
  for (const i of interfaces) {
    const list = get(i, 'peers');
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      peers++;
      sum += Number(get(p, 'transfer-tx') ?? 0) + Number(get(p, 'transfer-rx') ?? 0);
    }
  }
  return peers > 0 ? sum : null;
}

async function agentOn(c: EvidenceContext, node: string): Promise<string> {
  const agent = (await c.kube.listPods(CILIUM_NAMESPACE, AGENT_POD_SELECTOR)).find((p) => p.spec?.nodeName === node)?.metadata?.name;
  if (!agent) throw new Error(`no Cilium agent pod on node ${node}`);
  return agent;
}

/** Runs `argv` in the Cilium agent container on `node` (also used by cilium-ztunnel-evidence.ts). */
export async function execAgent(c: EvidenceContext, node: string, argv: string[]): Promise<string> {
  const agent = await agentOn(c, node);
  const out = await c.kube.exec(CILIUM_NAMESPACE, agent, AGENT_CONTAINER, argv, EXEC_TIMEOUT_MS);
  if (out.exitCode !== 0) throw new Error(`${argv.join(' ')} in ${agent} exited ${out.exitCode}: ${(out.stderr || out.stdout).trim().split('\n')[0] ?? ''}`);
  return out.stdout;
}

export function hubbleObserveArgv(c: EvidenceContext): string[] {
  return ['hubble', 'observe', '--since', `${Math.ceil(c.sinceS) + SINCE_MARGIN_S}s`, '--pod', `${c.mesh.namespace}/${c.server.name}`, '--output', 'json'];
}

async function readFlows(c: EvidenceContext, phase: 'before' | 'after'): Promise<FlowCounts> {
  // A flow log, not a counter: only the window after the burst has a meaning; `before` is zero by definition.
  if (phase === 'before') return { forwarded: 0, l7Requests: 0 };
  return countHubbleFlows(await execAgent(c, c.server.node, hubbleObserveArgv(c)), c.client.name, c.server.name);
}

export function ciliumEvidence(kind: 'datapath' | 'wireguard' | 'l7'): MeshEvidence {
  switch (kind) {
    case 'datapath':
      return {
        expected: `Hubble flows of the burst from the load client to the server port ${SERVER_PORT}, FORWARDED by the Cilium datapath`,
        expectedUnmeshed: 'Hubble flows are no test here (Cilium is the CNI of every pod, the unenrolled namespace included)',
        async read(c, phase): Promise<Counters> {
          return { [HUBBLE_FORWARDED]: (await readFlows(c, phase)).forwarded };
        },
        judge(delta, _burst, meshed) {
          const n = delta[HUBBLE_FORWARDED] ?? 0;
          const seen = `Hubble: ${n} FORWARDED flows load client → server:${SERVER_PORT}`;
          return { ok: meshed ? n >= 1 : true, seen };
        },
      };
    case 'wireguard':
      return {
        expected: "the load client node's WireGuard peer counters (transfer-tx + transfer-rx) growing by at least the burst's bytes",
        expectedUnmeshed: 'WireGuard counters are no test here (WireGuard encrypts all pod traffic between nodes, the unenrolled namespace included)',
        async read(c): Promise<Counters> {
          const bytes = wireguardTransferBytes(await execAgent(c, c.client.node, WIREGUARD_DEBUGINFO));
          if (bytes === null) throw new Error(`cilium-dbg debuginfo on node ${c.client.node} reports no WireGuard peer with transfer counters`);
          return { [WIREGUARD_BYTES]: bytes };
        },
        judge(delta, burst, meshed) {
          const bytes = delta[WIREGUARD_BYTES] ?? 0;
          const floor = burst.ok * Math.max(MIN_BYTES_PER_REQUEST, burst.responseBytes);
          const seen = `WireGuard peer bytes +${bytes} (at least ${floor} expected for ${burst.ok} answered requests)`;
          return { ok: meshed ? burst.ok > 0 && bytes >= floor : true, seen };
        },
      };
    case 'l7':
      return {
        expected: "Hubble L7 records of every burst request to the server, i.e. each crossed the node's cilium-envoy",
        expectedUnmeshed: 'no L7 (HTTP) record for the unenrolled namespace, which has no L7 policy',
        async read(c, phase): Promise<Counters> {
          const f = await readFlows(c, phase);
          return { [HUBBLE_L7_REQUESTS]: f.l7Requests, [HUBBLE_FORWARDED]: f.forwarded };
        },
        judge(delta, burst, meshed) {
          const n = delta[HUBBLE_L7_REQUESTS] ?? 0;
          const seen = `Hubble: ${n} L7 HTTP requests load client → server (burst: ${burst.ok}/${burst.sent} answered 2xx)`;
          return { ok: meshed ? burst.ok > 0 && n >= burst.ok : n === 0, seen };
        },
      };
  }
}
