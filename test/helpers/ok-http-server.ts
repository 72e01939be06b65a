import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * A plain HTTP server on 127.0.0.1 that answers every request "ok", up for the whole test file (beforeAll/afterAll).
 * `url` is its address once the file's tests run.
 */
export function okServerForFile(): { readonly url: string } {
  let server: Server | null = null;
  let url: string | null = null;
  beforeAll(async () => {
    const s = createServer((_req, res) => res.end('ok'));
    server = s;
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    const s = server;
    if (s === null) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  });
  return {
    get url(): string {
      if (url === null) throw new Error('okServerForFile: the server is up only while the file\'s tests run');
      return url;
    },
  };
}
