import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';

/**
 * A throwaway self-signed certificate for CN 127.0.0.1, valid two days, in a fresh temporary folder named from
 * `prefix` (node:crypto makes keys but not certificates: it comes from the openssl CLI). The caller removes `dir`.
 */
export function selfSignedCert(prefix: string): { dir: string; key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { dir, key: readFileSync(key), cert: readFileSync(cert) };
}

/** A TLS server with `tls`'s certificate that answers every read with one 200 "ok" response (not listening yet). */
export function okTlsServer(tls: { key: Buffer; cert: Buffer }, onSocket: (socket: TLSSocket) => void = () => {}): Server {
  return createServer({ key: tls.key, cert: tls.cert }, (socket) => {
    onSocket(socket);
    socket.on('error', () => {});
    socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  });
}
