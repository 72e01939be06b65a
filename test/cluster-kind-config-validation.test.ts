import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import {
  loadKindConfig,
  parseKindConfig,
  renderKindConfig,
  validateKindConfig,
  type KindConfig,
} from '../src/platform/kind-config.js';
import { NODE_ROLE_LABEL, NODE_ROLE_LOAD, NODE_ROLE_SERVER } from '../src/platform/manifests.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { referenceFiles, referencePathsUnder } from './helpers/reference.js';

// kind v0.32.0's own decoder fixtures and site examples (see ../shared/reference/README.md), read in place.
const KIND_REF = 'kind/v0.32.0/';
const kindRef = referenceFiles(
  'the tests on kind v0.32.0’s decoder fixtures and site examples',
  [...referencePathsUnder(`${KIND_REF}config-testdata/`), ...referencePathsUnder(`${KIND_REF}examples/`)],
);
const CLUSTERS = new URL('../clusters/kind/', import.meta.url);
const PINNED_IMAGE = 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5';

function filesIn(dir: URL, prefix = ''): Array<{ name: string; url: URL }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f.startsWith(prefix))
    .sort()
    .map((name) => ({ name, url: new URL(name, dir) }));
}

/** The .yaml reference files directly in a folder, by name, with their path in the reference directory. */
function referenceYamlIn(folder: string): Array<{ name: string; path: string }> {
  return referencePathsUnder(folder)
    .map((path) => ({ name: path.slice(folder.length), path }))
    .filter((f) => f.name.endsWith('.yaml') && !f.name.includes('/'));
}

const testdata = [...referenceYamlIn(`${KIND_REF}config-testdata/`), ...referenceYamlIn(`${KIND_REF}config-testdata/v1alpha4/`)];
const validFixtures = testdata.filter((f) => f.name.startsWith('valid-'));
const invalidFixtures = testdata.filter((f) => f.name.startsWith('invalid-'));
// The kind configs among the examples (ingress/ and loadbalancer/ hold Kubernetes manifests, not kind configs).
const exampleConfigs = referenceYamlIn(`${KIND_REF}examples/`);
const ourConfigs = filesIn(CLUSTERS);

/** What each upstream invalid-* fixture must be rejected for: the field named in the message. */
const EXPECTED_INVALID_FIELD: Record<string, string> = {
  'invalid-apiversion.yaml': 'apiVersion',
  'invalid-kind.yaml': 'kind',
  'invalid-yaml.yaml': 'invalid YAML',
  // The trailing `- role: worker` is indented into extraPortMappings: a second port mapping with a `role` field.
  'invalid-bad-indent.yaml': 'nodes[1].extraPortMappings[1].role',
  'invalid-bogus-field.yaml': 'nodes[1].extraPortMappings[0].nOtAReaLFielD',
};

function parseFile(url: URL): KindConfig {
  return parseKindConfig(readFileSync(url, 'utf8'), fileURLToPath(url));
}

describe('kind config validation against kind v0.32.0 fixtures', () => {
  it.skipIf(!kindRef.available)('finds the upstream fixtures and examples', () => {
    expect(validFixtures.length).toBeGreaterThanOrEqual(7);
    expect(invalidFixtures.map((f) => f.name).sort()).toEqual(Object.keys(EXPECTED_INVALID_FIELD).sort());
    expect(exampleConfigs.map((f) => f.name)).toEqual([
      'config-with-mounts.yaml',
      'config-with-port-mapping.yaml',
      'kind-example-config.yaml',
    ]);
  });

  it.skipIf(!kindRef.available).each(validFixtures.map((f) => [f.name, f.path] as const))('accepts upstream %s', (_name, path) => {
    const url = kindRef.url(path);
    expect(validateKindConfig(parse(readFileSync(url, 'utf8')))).toEqual([]);
    expect(() => parseFile(url)).not.toThrow();
  });

  it.skipIf(!kindRef.available).each(exampleConfigs.map((f) => [f.name, f.path] as const))('accepts upstream example %s', (_name, path) => {
    const url = kindRef.url(path);
    expect(() => parseFile(url)).not.toThrow();
  });

  it.skipIf(!kindRef.available).each(invalidFixtures.map((f) => [f.name, f.path] as const))('rejects upstream %s, naming the field', (name, path) => {
    const url = kindRef.url(path);
    let error: unknown;
    try {
      parseFile(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as InputError).message;
    expect(message).toContain(fileURLToPath(url));
    expect(message).toContain(EXPECTED_INVALID_FIELD[name]);
  });

  it('names an unknown field with its full path and the fields kind knows', () => {
    const problems = validateKindConfig({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      nodes: [{ role: 'control-plane', lables: { a: 'b' } }],
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^nodes\[0\]\.lables: unknown field \(kind v1alpha4 has: role, image, labels,/);
  });

  it('rejects the values kind itself rejects', () => {
    const problems = validateKindConfig({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'Not_Valid',
      networking: { ipFamily: 'ipv5', kubeProxyMode: 'userspace', apiServerPort: 70000 },
      nodes: [{ role: 'worker', extraPortMappings: [{ containerPort: 80, hostPort: -2, protocol: 'tcp' }] }, { role: 'master' }],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^name: /),
      expect.stringMatching(/^networking\.ipFamily: must be one of ipv4, ipv6, dual/),
      expect.stringMatching(/^networking\.kubeProxyMode: must be one of iptables, ipvs, nftables, none/),
      expect.stringMatching(/^networking\.apiServerPort: must be a port number/),
      'nodes[0].extraPortMappings[0].hostPort: must be a port number (-1 to 65535), got -2',
      expect.stringMatching(/^nodes\[0\]\.extraPortMappings\[0\]\.protocol: must be one of TCP, UDP, SCTP/),
      'nodes[1].role: must be one of control-plane, worker, got "master"',
      'nodes: must include at least one control-plane node',
    ]);
  });

  it('decodes scalars the way kind (go-yaml v3) does', () => {
    // Any scalar decodes into a string field, null leaves a field unset, bools take YAML 1.1 spellings.
    expect(
      validateKindConfig({
        kind: 'Cluster',
        apiVersion: 'kind.x-k8s.io/v1alpha4',
        networking: null,
        featureGates: { AllBeta: 'yes' },
        nodes: [{ role: 'control-plane', labels: { tier: 1 } }],
      }),
    ).toEqual([]);
    expect(validateKindConfig({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', nodes: [{ labels: { a: ['b'] } }] })).toEqual([
      'nodes[0].labels.a: must be a string, got a list',
    ]);
    expect(
      validateKindConfig({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', networking: { disableDefaultCNI: 'sure' } }),
    ).toEqual(['networking.disableDefaultCNI: must be true or false, got "sure"']);
  });
});

describe('our kind configs', () => {
  it('are the two shipped configs', () => {
    expect(ourConfigs.map((f) => f.name)).toEqual(['default.yaml', 'no-cni.yaml']);
  });

  it.each(ourConfigs.map((f) => [f.name, f.url] as const))('%s passes kind validation', (_name, url) => {
    expect(validateKindConfig(parse(readFileSync(url, 'utf8')))).toEqual([]);
  });

  it.each(ourConfigs.map((f) => [f.name, f.url] as const))(
    '%s has one control plane, a load worker and a server worker, and no name or image',
    (_name, url) => {
      const config = parseFile(url);
      expect(config.name).toBeUndefined();
      expect(config.nodes).toEqual([
        { role: 'control-plane' },
        { role: 'worker', labels: { [NODE_ROLE_LABEL]: NODE_ROLE_LOAD } },
        { role: 'worker', labels: { [NODE_ROLE_LABEL]: NODE_ROLE_SERVER } },
      ]);
    },
  );

  it('default.yaml keeps kind networking; no-cni.yaml drops the default CNI and kube-proxy for Cilium', () => {
    expect(parseFile(new URL('default.yaml', CLUSTERS)).networking).toBeUndefined();
    expect(parseFile(new URL('no-cni.yaml', CLUSTERS)).networking).toEqual({ disableDefaultCNI: true, kubeProxyMode: 'none' });
  });

  it('loads through the FileSystem seam and reports an unreadable file as bad input', async () => {
    const config = await loadKindConfig(fileURLToPath(new URL('default.yaml', CLUSTERS)), { fs: new NodeFileSystem() });
    expect(config.nodes).toHaveLength(3);
    await expect(loadKindConfig('/nope/kind.yaml', { fs: new MemoryFileSystem() })).rejects.toThrow(
      /^\/nope\/kind\.yaml: cannot read kind config \(ENOENT\)$/,
    );
  });
});

describe('rendered kind config', () => {
  it.each(ourConfigs.map((f) => [f.name, f.url] as const))('%s: the pinned image on every node, and still valid', (_name, url) => {
    const base = parseFile(url);
    const before = structuredClone(base);
    const rendered = renderKindConfig(base, { nodeImage: PINNED_IMAGE });
    const back = parse(rendered) as KindConfig;
    expect(validateKindConfig(back)).toEqual([]);
    expect(back.nodes).toHaveLength(3);
    for (const node of back.nodes ?? []) expect(node.image).toBe(PINNED_IMAGE);
    // Nothing else changes, and the base object is left alone.
    expect({ ...back, nodes: back.nodes?.map(({ image: _image, ...rest }) => rest) }).toEqual(before);
    expect(base).toEqual(before);
  });

  it('gives a config without nodes kind’s default control-plane node, with the image', () => {
    const back = parse(renderKindConfig({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4' }, { nodeImage: PINNED_IMAGE }));
    expect(back.nodes).toEqual([{ role: 'control-plane', image: PINNED_IMAGE }]);
  });

  it('refuses an empty image', () => {
    expect(() => renderKindConfig({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4' }, { nodeImage: ' ' })).toThrow(/nodeImage/);
  });
});
