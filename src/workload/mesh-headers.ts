/**
 * What a mesh adds to a request on its way to the workload, counted by the server so a harness can prove the mesh
 * handled a burst (issue 8, "proof by traffic"). Exposed at MESH_EVIDENCE_PATH; read from inside the server's own
 * pod (read-evidence.ts), over loopback, which no sidecar or redirection intercepts.
 *
 * - `x-forwarded-client-cert`: Istio's sidecar sets it on inbound HTTP requests that arrived over mTLS (istiod
 *   pilot/pkg/networking/core buildSidecarInboundHTTPOpts: ForwardClientCertDetails APPEND_FORWARD with Subject, URI
 *   and DNS; Envoy docs "x-forwarded-client-cert": "By=…;Hash=…;Subject=…;URI=spiffe://…"). The server's Service
 *   port is named `http`, so the sidecar treats it as HTTP.
 * - `l5d-client-id`: Linkerd's inbound proxy sets it to the client's mTLS identity
 *   (`<sa>.<ns>.serviceaccount.identity.linkerd.<domain>`) and strips it from requests that did not come over
 *   meshed mTLS (linkerd2-proxy linkerd/app/inbound, tests/transparency.rs inbound_should_strip_l5d_client_id).
 * A request the benchmark sends itself never carries either.
 */
export const MESH_EVIDENCE_PATH = '/__mesh-bench/evidence';
export const MESH_HEADERS = ['x-forwarded-client-cert', 'l5d-client-id'] as const;
export type MeshHeader = (typeof MESH_HEADERS)[number];

export interface MeshHeaderSnapshot {
  /** Workload requests answered since the server started (health and harness endpoints excluded). */
  requests: number;
  headers: Record<MeshHeader, { count: number; /** The last value seen, cut to 300 characters. */ last: string | null }>;
}

const SAMPLE_CHARS = 300;

/** Allocation-free on the request path: one pass over node's raw header list, comparing lengths first. */
export class MeshHeaderCounter {
  private requests = 0;
  private readonly counts = [0, 0];
  private readonly last: Array<string | null> = [null, null];

  record(rawHeaders: readonly string[]): void {
    this.requests++;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!;
      for (let h = 0; h < MESH_HEADERS.length; h++) {
        const wanted = MESH_HEADERS[h]!;
        if (name.length === wanted.length && name.toLowerCase() === wanted) {
          this.counts[h]!++;
          this.last[h] = (rawHeaders[i + 1] ?? '').slice(0, SAMPLE_CHARS);
        }
      }
    }
  }

  snapshot(): MeshHeaderSnapshot {
    const headers = {} as MeshHeaderSnapshot['headers'];
    MESH_HEADERS.forEach((h, i) => (headers[h] = { count: this.counts[i]!, last: this.last[i]! }));
    return { requests: this.requests, headers };
  }
}
