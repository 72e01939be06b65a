import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MESH_EVIDENCE_PATH, MeshHeaderCounter, type MeshHeaderSnapshot } from '../src/workload/mesh-headers.js';
import { workloadServersClosedAfterEach } from './helpers/workload-server-per-test.js';

/** Realistic values of what each mesh adds (formats from Envoy's XFCC docs and Linkerd's identity naming). */
const XFCC =
  'By=spiffe://cluster.local/ns/mesh-bench/sa/default;Hash=4c2f0f1e8a0b1d7d5a4e3c2b1a0f9e8d7c6b5a493827161504f3e2d1c0b0a090;Subject="";URI=spiffe://cluster.local/ns/mesh-bench/sa/default';
const L5D = 'default.mesh-bench.serviceaccount.identity.linkerd.cluster.local';

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return res;
}

describe('workload server mesh evidence', () => {
  const startServer = workloadServersClosedAfterEach();

  it('counts workload requests and those carrying each mesh header, with the last value seen', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', responseBytes: 16 });
    await get(`${server.url}/`);
    await get(`${server.url}/`, { 'X-Forwarded-Client-Cert': XFCC });
    await get(`${server.url}/`, { 'x-forwarded-client-cert': XFCC });
    await get(`${server.url}/`, { 'l5d-client-id': L5D });
    await get(`${server.url}/healthz`);
    const snap = (await (await fetch(`${server.url}${MESH_EVIDENCE_PATH}`)).json()) as MeshHeaderSnapshot;
    expect(snap).toEqual({
      requests: 4,
      headers: { 'x-forwarded-client-cert': { count: 2, last: XFCC }, 'l5d-client-id': { count: 1, last: L5D } },
    });
  });

  it('reports nothing from a mesh when requests arrive plain', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', responseBytes: 16 });
    for (let i = 0; i < 5; i++) await get(`${server.url}/`, { 'x-forwarded-for': '10.0.0.1' });
    const snap = (await (await fetch(`${server.url}${MESH_EVIDENCE_PATH}`)).json()) as MeshHeaderSnapshot;
    expect(snap.requests).toBe(5);
    expect(snap.headers['x-forwarded-client-cert'].count).toBe(0);
    expect(snap.headers['l5d-client-id'].count).toBe(0);
  });

  it('cuts a long header value to 300 characters', () => {
    const c = new MeshHeaderCounter();
    c.record(['l5d-client-id', 'x'.repeat(1000)]);
    expect(c.snapshot().headers['l5d-client-id'].last).toHaveLength(300);
  });

  const compiled = new URL('../dist/src/workload/read-evidence.js', import.meta.url);
  it.skipIf(!existsSync(compiled))('is printed as one JSON line by read-evidence (compiled; run `npm run build` first)', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', responseBytes: 16 });
    await get(`${server.url}/`, { 'l5d-client-id': L5D });
    const { stdout } = await promisify(execFile)(process.execPath, [compiled.pathname], { env: { ...process.env, PORT: String(server.port) } });
    expect(stdout.endsWith('\n')).toBe(true);
    expect(JSON.parse(stdout)).toMatchObject({ requests: 1, headers: { 'l5d-client-id': { count: 1 } } });
  });
});
