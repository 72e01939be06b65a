import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { kubernetesVersionOf, loadVersions, parseVersions } from '../src/platform/versions.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { referenceFiles } from './helpers/reference.js';

const VERSIONS_PATH = fileURLToPath(new URL('../clusters/versions.yaml', import.meta.url));
const NODE_IMAGES = 'kind/v0.32.0/node-images.json';
const nodeImages = referenceFiles('the test of the pinned node image against kind’s default', [NODE_IMAGES]);
const shipped = readFileSync(VERSIONS_PATH, 'utf8');

interface NodeImages {
  kindVersion: string;
  defaultNodeImage: { image: string; verified: boolean };
}

/** The shipped file with one value replaced (comments kept), as text. */
function withValue(path: Array<string | number>, value: unknown): string {
  const doc = parseDocument(shipped);
  doc.setIn(path, value);
  return doc.toString();
}

function withoutValue(path: Array<string | number>): string {
  const doc = parseDocument(shipped);
  doc.deleteIn(path);
  return doc.toString();
}

function problemOf(text: string): InputError {
  try {
    parseVersions(text, 'clusters/versions.yaml');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('clusters/versions.yaml', () => {
  it('loads through the FileSystem seam', async () => {
    const versions = await loadVersions(VERSIONS_PATH, { fs: new NodeFileSystem() });
    expect(versions.kind.version).toBe('v0.32.0');
    expect(versions.meshes).toEqual({
      cilium: { chartRepository: 'https://helm.cilium.io', chartVersion: '1.20.0', cliVersion: 'v0.19.7' },
      istio: { version: '1.30.3' },
      linkerd: { version: 'edge-26.8.3' },
    });
    expect(versions.gatewayApi.version).toBe('v1.5.1');
    expect(versions.testTools).toMatchObject({ kubernetes: 'v1.36.1', etcd: 'v3.6.16', kwok: 'v0.8.0' });
  });

  it.skipIf(!nodeImages.available)('pins the node image kind v0.32.0 itself defaults to, digest and all', async () => {
    const reference = JSON.parse(nodeImages.read(NODE_IMAGES)) as NodeImages;
    expect(reference.defaultNodeImage.verified).toBe(true);
    const versions = parseVersions(shipped, VERSIONS_PATH);
    expect(versions.kind.version).toBe(reference.kindVersion);
    expect(versions.kind.nodeImage).toBe(reference.defaultNodeImage.image);
    expect(kubernetesVersionOf(versions.kind.nodeImage)).toBe('v1.36.1');
  });

  it('pins kubectl to the node image’s Kubernetes version', () => {
    const versions = parseVersions(shipped, VERSIONS_PATH);
    expect(versions.kubectl.version).toBe(kubernetesVersionOf(versions.kind.nodeImage));
  });

  it('pins images by digest and names an upstream checksum file for every download', () => {
    const versions = parseVersions(shipped, VERSIONS_PATH);
    expect(versions.images.workloadBase).toMatch(/^node:22-slim@sha256:[0-9a-f]{64}$/);
    for (const download of [versions.kind.linuxAmd64, versions.kubectl.linuxAmd64, versions.helm.linuxAmd64]) {
      expect(download.checksumUrl.startsWith(download.url)).toBe(true);
    }
    // The only checksum recorded is the one read from upstream material (the helm v3.21.4 release notes).
    expect(versions.helm.linuxAmd64.sha256).toBe('61f88ab166748cb19604d7884cb100ae9ccb13804ddeb98e08af167eacbb6a14');
    expect(versions.kubectl.linuxAmd64.sha256).toBeUndefined();
    expect(versions.kind.linuxAmd64.sha256).toBeUndefined();
  });
});

describe('a bad versions file', () => {
  it('is bad input naming the file and the field', () => {
    const error = problemOf(withValue(['kind', 'nodeImage'], 'kindest/node:v1.36.1'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('clusters/versions.yaml: kind.nodeImage: must be kindest/node:v<x.y.z>@sha256:<64 hex>');
  });

  it('names a missing field', () => {
    expect(problemOf(withoutValue(['meshes', 'istio', 'version'])).problems).toEqual([
      { source: 'clusters/versions.yaml', field: 'meshes.istio.version', message: 'is required' },
    ]);
  });

  it('names an unknown field', () => {
    expect(problemOf(withValue(['helm', 'linuxAmd64', 'sha265'], 'x')).problems).toEqual([
      { source: 'clusters/versions.yaml', field: 'helm.linuxAmd64.sha265', message: 'unknown field' },
    ]);
  });

  it('reports every problem at once', () => {
    const doc = parseDocument(shipped);
    doc.setIn(['helm', 'linuxAmd64', 'sha256'], 'ABC');
    doc.setIn(['images', 'workloadBase'], 'node:22-slim');
    doc.setIn(['kind', 'linuxAmd64', 'url'], 'http://example.com/kind');
    expect(problemOf(doc.toString()).problems.map((p) => p.field).sort()).toEqual([
      'helm.linuxAmd64.sha256',
      'images.workloadBase',
      'kind.linuxAmd64.url',
    ]);
  });

  it('refuses a kubectl a minor away from the cluster', () => {
    expect(problemOf(withValue(['kubectl', 'version'], 'v1.35.4')).problems).toEqual([
      {
        source: 'clusters/versions.yaml',
        field: 'kubectl.version',
        message: "must be the node image's minor version (v1.36, from kind.nodeImage), got v1.35.4",
      },
    ]);
  });

  it('refuses control-plane test tools at another Kubernetes version than the node image', () => {
    expect(problemOf(withValue(['testTools', 'kubernetes'], 'v1.36.0')).problems).toEqual([
      {
        source: 'clusters/versions.yaml',
        field: 'testTools.kubernetes',
        message: "must be the node image's version (v1.36.1, from kind.nodeImage), got v1.36.0",
      },
    ]);
  });

  it('refuses a mesh CLI module version that is not a Go pseudo-version', () => {
    expect(problemOf(withValue(['testTools', 'istioModule'], '56df41f63e513f834c9a3af33d8aed82d1d961f2')).problems).toEqual([
      {
        source: 'clusters/versions.yaml',
        field: 'testTools.istioModule',
        message: 'must be a Go pseudo-version like v0.0.0-20260713165634-56df41f63e51',
      },
    ]);
  });

  it('refuses an unknown schema version', () => {
    expect(problemOf(withValue(['schemaVersion'], 2)).problems[0]?.field).toBe('schemaVersion');
  });

  it('reports unreadable and unparsable files as bad input', async () => {
    await expect(loadVersions('/missing/versions.yaml', { fs: new MemoryFileSystem() })).rejects.toThrow(
      '/missing/versions.yaml: cannot read versions file (ENOENT)',
    );
    expect(problemOf('kind: [unclosed').message).toMatch(/^clusters\/versions\.yaml: invalid YAML at line 1/);
    expect(problemOf('').message).toBe('clusters/versions.yaml: is empty');
  });
});
