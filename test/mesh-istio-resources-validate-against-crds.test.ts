import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../src/core/kube.js';
import { istioAmbient, istioAmbientCilium, istioAmbientWaypoint, istioSidecar, strictPeerAuthentication, waypointGateway } from '../src/mesh/istio.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import { parseVersions } from '../src/platform/versions.js';
import { referenceFiles } from './helpers/reference.js';

/**
 * Every custom resource the Istio adapters generate, validated against the CRD the API server will validate it
 * with: Istio 1.30.3's crd-all.gen.yaml and Gateway API v1.5.1's standard-channel Gateway CRD (shared/reference).
 *
 * Kubernetes structural schemas drop or (with kubectl's default strict field validation) reject fields the schema
 * does not list, while plain JSON Schema accepts them. So the schema is made strict the way the API server reads it:
 * `additionalProperties: false` on every object that lists its properties and does not preserve unknown fields; and
 * apiVersion, kind and metadata are allowed at the root (the API server validates ObjectMeta itself; Istio's schemas
 * do not list them). CEL rules (`x-kubernetes-validations`) are not evaluated here: ajv ignores them (strict: false).
 */

type Schema = Record<string, unknown>;

const ISTIO_CRDS = 'istio/1.30.3/crd-all.gen.yaml';
const GATEWAY_CRD = 'gateway-api/v1.5.1/standard/gateway.networking.k8s.io_gateways.yaml';
const crdFiles = referenceFiles('the tests against the Istio and Gateway API CRDs', [ISTIO_CRDS, GATEWAY_CRD]);
const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const ctx: MeshContext = { clusterName: 'bench-istio', kubeconfig: '/tmp/run/kubeconfig', workDir: '/tmp/run/work', versions: VERSIONS, namespace: 'bench' };

interface Crd {
  group: string;
  kind: string;
  versions: Map<string, Schema>;
}

function loadCrds(path: string): Map<string, Crd> {
  const crds = new Map<string, Crd>();
  for (const doc of parseAllDocuments(crdFiles.read(path))) {
    const crd = doc.toJS() as {
      kind?: string;
      spec?: { group: string; names: { kind: string }; versions: Array<{ name: string; served: boolean; schema: { openAPIV3Schema: Schema } }> };
    } | null;
    if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
    const versions = new Map(crd.spec.versions.filter((v) => v.served).map((v) => [v.name, v.schema.openAPIV3Schema]));
    crds.set(`${crd.spec.group}/${crd.spec.names.kind}`, { group: crd.spec.group, kind: crd.spec.names.kind, versions });
  }
  return crds;
}

let crds: Map<string, Crd> | undefined;
const CRDS = (): Map<string, Crd> => (crds ??= new Map([...loadCrds(ISTIO_CRDS), ...loadCrds(GATEWAY_CRD)]));

function isMap(v: unknown): v is Schema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy of a structural schema in which objects with listed properties reject unlisted ones. */
function strictStructural(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictStructural);
  if (!isMap(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    // `properties` maps names to schemas: recurse into each schema, never treat the names as keywords.
    out[key] = key === 'properties' && isMap(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strictStructural(v)])) : strictStructural(value);
  }
  if (isMap(schema.properties) && schema['x-kubernetes-preserve-unknown-fields'] !== true && schema.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
// The OpenAPI formats these CRDs use. int32 is checked (a port beyond it would be refused); the others are accepted as
// strings here, as ajv has no built-in for them (the API server checks them).
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
for (const name of ['date-time', 'ipv4', 'ipv6', 'hostname']) ajv.addFormat(name, true);
const validators = new Map<string, ValidateFunction>();

function validatorFor(obj: KubeObject): ValidateFunction {
  const [group, version] = obj.apiVersion.split('/');
  const crd = CRDS().get(`${group}/${obj.kind}`);
  if (!crd) throw new Error(`no CRD for ${obj.apiVersion} ${obj.kind} in the reference files`);
  const schema = crd.versions.get(version ?? '');
  if (!schema) throw new Error(`${group}/${obj.kind}: version ${version} is not served (served: ${[...crd.versions.keys()].join(', ')})`);
  const key = `${obj.apiVersion}/${obj.kind}`;
  let validate = validators.get(key);
  if (!validate) {
    const strict = strictStructural(schema) as Schema;
    const root = isMap(strict.properties) ? strict.properties : {};
    strict.properties = { ...root, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
    validate = ajv.compile(strict);
    validators.set(key, validate);
  }
  return validate;
}

function problems(obj: KubeObject): string[] {
  const validate = validatorFor(obj);
  return validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

const everyGenerated = [istioSidecar, istioAmbient, istioAmbientWaypoint, istioAmbientCilium].flatMap((a) =>
  a.workloadObjects(ctx).map((o) => [`${a.id}: ${o.kind} ${o.metadata.name}`, o] as const),
);

describe('Istio custom resources', () => {
  it('are generated for the systems that need them: STRICT mTLS for sidecar mode, the waypoint for the waypoint system', () => {
    expect(everyGenerated.map(([name]) => name)).toEqual(['istio: PeerAuthentication default', 'istio-ambient-waypoint: Gateway waypoint']);
  });

  it.skipIf(!crdFiles.available).each(everyGenerated)('%s validates against its CRD', (_name, obj) => {
    expect(problems(obj)).toEqual([]);
  });

  it('sit in the benchmark namespace and carry the managed-by label', () => {
    for (const [, obj] of everyGenerated) {
      expect(obj.metadata.namespace).toBe('bench');
      expect(obj.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('mesh-bench');
    }
  });

  it('the PeerAuthentication is namespace-wide (no selector) and STRICT', () => {
    expect(strictPeerAuthentication('bench').spec).toEqual({ mtls: { mode: 'STRICT' } });
  });

  it('the waypoint is the Gateway istioctl would generate: istio-waypoint class, HBONE listener on 15008, for services', () => {
    const gw = waypointGateway('bench');
    expect(gw.spec).toEqual({ gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] });
    expect(gw.metadata.labels?.['istio.io/waypoint-for']).toBe('service');
  });
});

describe.skipIf(!crdFiles.available)('the CRD check itself', () => {
  const pa = strictPeerAuthentication('bench');
  const gw = waypointGateway('bench');

  it('rejects a misspelt PeerAuthentication field', () => {
    expect(problems({ ...pa, spec: { mtls: { mdoe: 'STRICT' } } }).join('\n')).toMatch(/additionalProperty":"mdoe"/);
    expect(problems({ ...pa, spec: { mTLS: { mode: 'STRICT' } } }).join('\n')).toMatch(/additionalProperty":"mTLS"/);
  });

  it('rejects an mTLS mode outside the enum', () => {
    expect(problems({ ...pa, spec: { mtls: { mode: 'STRICTER' } } }).join('\n')).toMatch(/\/spec\/mtls\/mode must be equal to one of the allowed values/);
  });

  it('rejects a misspelt Gateway field, a port of the wrong type and a missing gatewayClassName', () => {
    const spec = gw.spec as Record<string, unknown>;
    expect(problems({ ...gw, spec: { ...spec, listener: spec.listeners } }).join('\n')).toMatch(/additionalProperty":"listener"/);
    expect(problems({ ...gw, spec: { ...spec, listeners: [{ name: 'mesh', port: '15008', protocol: 'HBONE' }] } }).join('\n')).toMatch(/port must be integer/);
    expect(problems({ ...gw, spec: { listeners: spec.listeners } }).join('\n')).toMatch(/must have required property 'gatewayClassName'/);
  });

  it('rejects an apiVersion the CRD does not serve', () => {
    expect(() => problems({ ...pa, apiVersion: 'security.istio.io/v2' })).toThrow(/not served/);
  });
});
