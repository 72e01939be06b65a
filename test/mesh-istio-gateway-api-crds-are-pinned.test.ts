import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  gatewayApiFileUrl,
  gatewayApiInstallOperations,
  gatewayApiRelease,
  gitBlobSha1,
  verifyGatewayApiFile,
} from '../src/mesh/gateway-api.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import type { Operation, RunOperation } from '../src/platform/operations.js';
import { parseVersions } from '../src/platform/versions.js';
import { referenceFiles, referencePathsUnder } from './helpers/reference.js';

/**
 * The Gateway API install (used by istio-ambient-waypoint and linkerd) against shared/reference/gateway-api/v1.5.1,
 * byte-identical copies of the upstream files at the tag: the pinned blob ids must be those files' ids, in
 * kustomization order, and the CRDs waited for must be those the files define.
 */
const gatewayApi = referenceFiles('the Gateway API pin tests on the upstream files', referencePathsUnder('gateway-api/v1.5.1/'));
const reference = (file: string) => gatewayApi.path(`gateway-api/v1.5.1/${file}`);
const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const ctx = (overrides: Partial<MeshContext> = {}): MeshContext => ({
  clusterName: 'bench-linkerd',
  kubeconfig: '/tmp/run/kubeconfig',
  workDir: '/tmp/run/work',
  versions: VERSIONS,
  namespace: 'bench',
  ...overrides,
});
const release = gatewayApiRelease(VERSIONS.gatewayApi.version);
const kustomization = () => parse(readFileSync(reference('kustomization.yaml'), 'utf8')) as { resources: string[] };

describe('Gateway API pins', () => {
  it('cover the pinned version of clusters/versions.yaml', () => {
    expect(release.version).toBe(VERSIONS.gatewayApi.version);
    expect(() => gatewayApiRelease('v9.9.9')).toThrow(/no pinned files for Gateway API v9\.9\.9/);
  });

  it.skipIf(!gatewayApi.available)('name the standard-channel files in kustomization.yaml order (the order of standard-install.yaml)', () => {
    expect(release.files.map((f) => `standard/${f.name}`)).toEqual(kustomization().resources);
  });

  it.skipIf(!gatewayApi.available).each(release.files.map((f) => [f.name, f] as const))('%s: the pinned git blob id is the id of the upstream file', (name, file) => {
    const bytes = readFileSync(reference(`standard/${name}`));
    expect(gitBlobSha1(bytes)).toBe(file.gitBlobSha1);
    expect(() => verifyGatewayApiFile(release, name, bytes)).not.toThrow();
  });

  it.skipIf(!gatewayApi.available)('refuse a file changed by one byte, and a file that is not in the channel', () => {
    const file = release.files[1]!;
    const text = readFileSync(reference(`standard/${file.name}`), 'utf8');
    expect(() => verifyGatewayApiFile(release, file.name, text.replace('Gateway', 'Gatewey'))).toThrow(/does not match the pinned/);
    expect(() => verifyGatewayApiFile(release, 'gateway.networking.k8s.io_tcproutes.yaml', text)).toThrow(/not a file of/);
  });

  it('compute git blob ids like git hash-object', () => {
    // `printf 'hello\n' | git hash-object --stdin`, and the empty blob
    expect(gitBlobSha1('hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(gitBlobSha1('')).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });

  it.skipIf(!gatewayApi.available)('wait for exactly the CRDs the files define', () => {
    const defined = release.files.flatMap((f) =>
      parseAllDocuments(readFileSync(reference(`standard/${f.name}`), 'utf8'))
        .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null)
        .filter((o) => o?.kind === 'CustomResourceDefinition')
        .map((o) => o?.metadata?.name),
    );
    expect(release.crds).toEqual(defined);
  });
});

describe('Gateway API install operations', () => {
  const ops = gatewayApiInstallOperations(ctx());
  const applies = ops.filter((o): o is Extract<Operation, { op: 'apply-url' }> => o.op === 'apply-url');

  it('apply every pinned file from its commit-pinned URL, in order, each only if its git blob id matches', () => {
    expect(applies.map((o) => o.url)).toEqual(release.files.map((f) => gatewayApiFileUrl(release, f)));
    expect(applies.map((o) => o.digest)).toEqual(release.files.map((f) => ({ algorithm: 'git-blob-sha1', value: f.gitBlobSha1 })));
    for (const o of applies) {
      expect(o.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/kubernetes-sigs\/gateway-api\/e7677b70ae75d14a4448fba94870e7deea6cf0ad\/config\/crd\/standard\//);
    }
  });

  it('then wait until every CRD is Established', () => {
    const wait = ops.at(-1) as RunOperation;
    expect(ops.indexOf(wait)).toBe(applies.length);
    expect(wait.argv).toEqual([
      'kubectl',
      '--kubeconfig',
      '/tmp/run/kubeconfig',
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      ...release.crds.map((c) => `crd/${c}`),
    ]);
    expect(wait.timeoutMs).toBeGreaterThan(60_000);
  });

  it('pass the context as well when the cluster has one', () => {
    const wait = gatewayApiInstallOperations(ctx({ context: 'kind-bench' })).at(-1) as RunOperation;
    expect(wait.argv.slice(1, 5)).toEqual(['--kubeconfig', '/tmp/run/kubeconfig', '--context', 'kind-bench']);
  });
});
