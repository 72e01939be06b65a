import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MESH_EVIDENCE_PATH } from '../src/workload/mesh-headers.js';
import { printMeshEvidence } from '../src/workload/print-mesh-evidence.js';
import { startWorkloadServer, type RunningWorkloadServer } from '../src/workload/server.js';
import { closedLoopbackPort } from './helpers/ports.js';

function recorder(): { lines: string[]; write(text: string): void } {
  const lines: string[] = [];
  return { lines, write: (text: string) => void lines.push(text) };
}

describe('reading the mesh evidence from inside the pod, in this process', () => {
  let server: RunningWorkloadServer | undefined;
  let plain: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
    plain?.closeAllConnections();
    plain?.close();
    plain = undefined;
  });

  it("prints the server's evidence as one JSON line, asking the port in PORT, and returns 0", async () => {
    server = await startWorkloadServer({});
    await (await fetch(`${server.url}/`, { headers: { 'l5d-client-id': 'client.ns.serviceaccount.identity.linkerd.cluster.local' } })).arrayBuffer();
    const out = recorder();
    const err = recorder();
    expect(await printMeshEvidence({ PORT: String(server.port) }, out, err)).toBe(0);
    expect(err.lines).toEqual([]);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ requests: 1, headers: { 'l5d-client-id': { count: 1 } } });
  });

  it('returns 1 with one line naming the status when the server answers with an error', async () => {
    plain = createServer((req, res) => {
      res.writeHead(req.url === MESH_EVIDENCE_PATH ? 503 : 404, { 'content-type': 'application/json' });
      res.end('{"requests":0}');
    });
    await new Promise<void>((resolve) => plain!.listen(0, '127.0.0.1', resolve));
    const address = plain.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const out = recorder();
    const err = recorder();
    expect(await printMeshEvidence({ PORT: String(address.port) }, out, err)).toBe(1);
    expect(err.lines).toEqual(['read-evidence: HTTP 503\n']);
    expect(out.lines).toEqual([]);
  });

  it('returns 1 with one line when nothing listens on the port', async () => {
    const out = recorder();
    const err = recorder();
    expect(await printMeshEvidence({ PORT: String(await closedLoopbackPort()) }, out, err)).toBe(1);
    expect(err.lines).toHaveLength(1);
    expect(err.lines[0]).toMatch(/^read-evidence: .+\n$/);
    expect(out.lines).toEqual([]);
  });
});
