import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server, TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionTarget } from '../src/load/engine.js';
import { PacedConnection } from '../src/load/paced-connection.js';
import { RecordingOwner } from './helpers/paced-connection-harness.js';
import { okTlsServer, selfSignedCert } from './helpers/self-signed-tls.js';

// Over https the connection is ready once the TLS handshake is done ('secureConnect'), not when TCP connects: a
// request written earlier would wait in TLS's buffer and its latency would include the handshake.
// https://nodejs.org/api/tls.html#event-secureconnect
let dir: string;
let server: Server;
let port: number;

beforeAll(async () => {
  const cert = selfSignedCert('paced-tls-');
  dir = cert.dir;
  server = okTlsServer(cert);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Records, at the moment the connection says it is ready, the server certificate its socket holds: none (an empty
 * object) until the handshake has brought it.
 */
class TlsOwner extends RecordingOwner {
  peerAtReady: string | string[] | undefined = undefined;
  override onReady(conn: PacedConnection): void {
    this.peerAtReady = (conn.conn as TLSSocket).getPeerCertificate().subject?.CN;
    super.onReady(conn);
  }
}

describe('a paced connection over https', () => {
  it('is ready only once the TLS handshake is done, then answers a request', async () => {
    const owner = new TlsOwner();
    const conn = new PacedConnection(connectionTarget(`https://127.0.0.1:${port}/`), owner);
    try {
      expect(await owner.expect('ready')).toMatchObject({ available: true, connects: 1 });
      expect(owner.peerAtReady).toBe('127.0.0.1');
      conn.send(9);
      expect(await owner.expect('response')).toMatchObject({ status: 200, intendedMs: 9 });
    } finally {
      conn.destroy();
    }
  });
});
