import { SERVER_PORT } from '../platform/manifests.js';
import { clientToServerFlows, execAgent, flowField, hubbleObserveArgv } from './cilium-evidence.js';
import type { Counters, MeshEvidence } from './traffic-evidence.js';

/**
 * `cilium-ztunnel`'s proof by traffic (traffic-evidence.ts), from Hubble, which every Cilium system here runs.
 *
 * The upstream guide's own test of the setup is that the traffic between an enrolled client and server goes to
 * port 15008: Documentation/security/network/encryption-ztunnel.rst at tag v1.20.0, "Validate the Setup": "Check
 * that traffic is encrypted. In the example below, this can be verified by the fact that packets will have a
 * destination port of 15008 (HBONE)" (https://github.com/cilium/cilium/blob/v1.20.0/Documentation/security/network/encryption-ztunnel.rst).
 * Why that holds, in the code at the same tag: pkg/ztunnel/iptables/inpod.go installs, inside each enrolled pod's
 * network namespace, a nat OUTPUT rule redirecting every TCP connection not to localhost to ztunnel's outbound port
 * 15001, and a PREROUTING rule sending what does not arrive on 15008 (ZtunnelInboundPort) to ztunnel's plaintext port
 * 15006. ztunnel runs in-pod (INPOD_UDS in templates/ztunnel/daemonset.yaml), so its HBONE connection leaves from the
 * client pod's own address to the server pod's address on 15008, through the pod's veth where Cilium's datapath, and
 * so Hubble, sees it; the plaintext request to the server port never leaves the client pod.
 *
 * So, for the burst from the load client to the server (Hubble flows in the server node's agent, the same query as
 * the other Cilium systems: cilium-evidence.ts):
 * - meshed: at least one FORWARDED flow load client → server on 15008, and none on the server port 8080 (a plaintext
 *   flow between the two pods is traffic that bypassed ztunnel);
 * - unmeshed: no flow on 15008 (the unenrolled namespace has no redirect rules, so its traffic is plain TCP).
 * Flows of other kinds (socket-LB traces, L7 records, replies, drops) are not counted.
 */
export const ZTUNNEL_HBONE_PORT = 15008;
export const HUBBLE_HBONE_FLOWS = 'hubble:hbone-flows';
export const HUBBLE_PLAINTEXT_FLOWS = 'hubble:plaintext-flows';

const get = flowField;

export interface PortFlowCounts {
  /** FORWARDED L3/L4 flows load client → server on ztunnel's HBONE port. */
  hbone: number;
  /** The same on the workload's own port: plaintext between the two pods. */
  plaintext: number;
}

/**
 * Counts the FORWARDED L3/L4 flows of `hubble observe -o json` from `client` to `server` (pod names) by destination
 * port: 15008 and the server port. Both protobuf JSON spellings (snake_case, lowerCamelCase) are read.
 */
export function countFlowsByPort(text: string, client: string, server: string): PortFlowCounts {
  const counts: PortFlowCounts = { hbone: 0, plaintext: 0 };
  for (const flow of clientToServerFlows(text, client, server)) {
    if (get(flow, 'l7') !== undefined || get(flow, 'Type', 'type') === 'L7') continue;
    if (get(flow, 'verdict') !== 'FORWARDED') continue;
    const port = get(get(get(flow, 'l4'), 'TCP'), 'destination_port', 'destinationPort');
    if (port === ZTUNNEL_HBONE_PORT) counts.hbone++;
    else if (port === SERVER_PORT) counts.plaintext++;
  }
  return counts;
}

export const ciliumZtunnelEvidence: MeshEvidence = {
  expected:
    `Hubble flows of the burst from the load client to the server on ztunnel's HBONE port ${ZTUNNEL_HBONE_PORT}, ` +
    `FORWARDED, and none in plaintext to port ${SERVER_PORT}`,
  expectedUnmeshed: `no Hubble flow load client → server on port ${ZTUNNEL_HBONE_PORT} (the unenrolled namespace is not redirected to ztunnel)`,
  async read(c, phase): Promise<Counters> {
    // A flow log, not a counter: only the window after the burst has a meaning; `before` is zero by definition.
    if (phase === 'before') return { [HUBBLE_HBONE_FLOWS]: 0, [HUBBLE_PLAINTEXT_FLOWS]: 0 };
    const counts = countFlowsByPort(await execAgent(c, c.server.node, hubbleObserveArgv(c)), c.client.name, c.server.name);
    return { [HUBBLE_HBONE_FLOWS]: counts.hbone, [HUBBLE_PLAINTEXT_FLOWS]: counts.plaintext };
  },
  judge(delta, _burst, meshed) {
    const hbone = delta[HUBBLE_HBONE_FLOWS] ?? 0;
    const plaintext = delta[HUBBLE_PLAINTEXT_FLOWS] ?? 0;
    const seen = `Hubble: ${hbone} FORWARDED flows load client → server:${ZTUNNEL_HBONE_PORT} (HBONE), ${plaintext} to server:${SERVER_PORT} (plaintext)`;
    return { ok: meshed ? hbone >= 1 && plaintext === 0 : hbone === 0, seen };
  },
};
