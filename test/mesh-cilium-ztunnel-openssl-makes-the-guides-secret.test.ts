import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CiliumZtunnelMesh, ZTUNNEL_SECRET_KEYS, ztunnelSecretPath } from '../src/mesh/cilium-ztunnel-mesh.js';
import { meshTestContext } from './helpers/mesh-context.js';

/**
 * The plan's own key-generation operations, executed with this machine's openssl into a temporary work directory
 * (the write-file and openssl steps only; the Secret needs a cluster): the four files the guide's Secret holds must
 * exist and be what ztunnel and the agent expect — a bootstrap leaf certificate for localhost (the agent's xDS and CA
 * server address), a CA certificate, each signed by its own key.
 */

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!hasOpenssl) console.warn('skipped the cilium-ztunnel key generation test: openssl is not on PATH');

describe.skipIf(!hasOpenssl)('cilium-ztunnel key generation with openssl', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'mesh-bench-ztunnel-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));
  const ctx = meshTestContext('cilium-ztunnel', { workDir });
  const ops = new CiliumZtunnelMesh().installOperations(ctx);

  it('produces the four files of the guide’s Secret, as the plan’s commands are run', () => {
    for (const op of ops) {
      if (op.op === 'write-file' && op.path.endsWith('-openssl.conf')) writeFileSync(op.path, op.content);
      if (op.op === 'run' && op.argv[0] === 'openssl') {
        const r = spawnSync(op.argv[0], op.argv.slice(1), { encoding: 'utf8' });
        expect(r.status, `${op.argv.join(' ')}: ${r.stderr}`).toBe(0);
      }
    }
    for (const key of ZTUNNEL_SECRET_KEYS) expect(readFileSync(ztunnelSecretPath(ctx, key), 'utf8')).toMatch(/^-----BEGIN /);

    const bootstrap = new X509Certificate(readFileSync(ztunnelSecretPath(ctx, 'bootstrap-root.crt')));
    const ca = new X509Certificate(readFileSync(ztunnelSecretPath(ctx, 'ca-root.crt')));
    // Bootstrap: a leaf (basicConstraints CA:FALSE) for DNS localhost, subject O=cluster.local, self-signed.
    expect(bootstrap.ca).toBe(false);
    expect(bootstrap.subjectAltName).toBe('DNS:localhost');
    expect(bootstrap.subject).toBe('O=cluster.local');
    expect(bootstrap.issuer).toBe(bootstrap.subject);
    expect(bootstrap.verify(bootstrap.publicKey)).toBe(true);
    // CA: a CA certificate, the root of the workload certificates the agent issues.
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('O=cluster.local');
    expect(ca.checkIssued(ca)).toBe(true);
    // checkIssued compares names only: the signature is the CA key's own.
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.verify(bootstrap.publicKey)).toBe(false);
    // Each certificate goes with its own private key (RSA 2048), not the other's.
    const bootstrapKey = createPrivateKey(readFileSync(ztunnelSecretPath(ctx, 'bootstrap-private.key')));
    const caKey = createPrivateKey(readFileSync(ztunnelSecretPath(ctx, 'ca-private.key')));
    expect(bootstrap.checkPrivateKey(bootstrapKey)).toBe(true);
    expect(ca.checkPrivateKey(caKey)).toBe(true);
    expect(ca.checkPrivateKey(bootstrapKey)).toBe(false);
    expect(bootstrapKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // Valid for the guide's 3650 days.
    const days = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(3650);
  });
});
