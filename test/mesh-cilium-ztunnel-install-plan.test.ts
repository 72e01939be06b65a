import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ciliumHelmValues } from '../src/mesh/cilium-common.js';
import {
  BOOTSTRAP_OPENSSL_CONFIG,
  CA_OPENSSL_CONFIG,
  classifyCiliumZtunnelContainer,
  CiliumZtunnelMesh,
  ZTUNNEL_SECRET,
  ztunnelSecretPath,
} from '../src/mesh/cilium-ztunnel-mesh.js';
import { MESH_ADAPTERS_BY_ID } from '../src/mesh/registry.js';
import { withinClusterMeaning } from '../src/mesh/within-cluster.js';
import type { Operation, RunOperation } from '../src/platform/operations.js';
import { meshTestContext } from './helpers/mesh-context.js';
import { referenceFiles } from './helpers/reference.js';

/**
 * cilium-ztunnel's install against the upstream guide, Documentation/security/network/encryption-ztunnel.rst at
 * cilium/cilium v1.20.0: the secret first (generate-secrets.sh's openssl commands and its four keys), then Cilium
 * with `encryption.enabled=true, encryption.type=ztunnel`, values that hold against the 1.20.0 chart's schema, the
 * namespace label, and ztunnel's containers counted as node agents.
 */

const mesh = new CiliumZtunnelMesh();
const ctx = meshTestContext('cilium-ztunnel');
const ops = mesh.installOperations(ctx);
const runs = ops.filter((o): o is RunOperation => o.op === 'run');
const indexOf = (pred: (o: Operation) => boolean): number => ops.findIndex(pred);
const isRun = (o: Operation, ...argv: string[]): boolean => o.op === 'run' && argv.every((a, i) => o.argv[i] === a);

function writtenValues(): Record<string, unknown> {
  const write = ops.find((o) => o.op === 'write-file' && o.path.endsWith('/cilium-values.yaml'));
  if (write?.op !== 'write-file') throw new Error('no values file in the plan');
  return parse(write.content) as Record<string, unknown>;
}

type Values = Record<string, unknown>;
const isMap = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Helm's coalescing of user values over chart defaults (maps merge key by key, anything else replaces). */
function helmMerge(defaults: Values, overrides: Values): Values {
  const out: Values = { ...defaults };
  for (const [k, v] of Object.entries(overrides)) out[k] = isMap(v) && isMap(out[k]) ? helmMerge(out[k], v) : v;
  return out;
}
/** Dotted paths of keys we set that the chart's values.yaml does not have (node selectors' keys are labels). */
function missingKeys(values: Values, chart: Values, prefix = ''): string[] {
  return Object.entries(values).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    if (!Object.hasOwn(chart, k)) return [path];
    return isMap(v) && k !== 'nodeSelector' ? (isMap(chart[k]) ? missingKeys(v, chart[k], path) : [`${path} (not a map)`]) : [];
  });
}

describe('cilium-ztunnel install plan', () => {
  it('is registered, runs on the no-CNI kind config, and needs cilium-cli and openssl', () => {
    expect(MESH_ADAPTERS_BY_ID.get('cilium-ztunnel')).toBeInstanceOf(CiliumZtunnelMesh);
    expect(mesh.kindConfig).toBe('no-cni');
    expect(mesh.tools).toEqual(['cilium', 'openssl']);
    expect(withinClusterMeaning('cilium-ztunnel/unmeshed')?.isolatesMesh).toBe(true);
  });

  it('enables ztunnel with exactly the guide’s two values on top of the shared Cilium values', () => {
    const values = writtenValues();
    expect(values.encryption).toEqual({ enabled: true, type: 'ztunnel' });
    const { encryption: _e, ...rest } = values;
    expect(rest).toEqual(JSON.parse(JSON.stringify(ciliumHelmValues(ctx, { wireguard: false }))));
  });

  it('generates both key pairs with the guide’s openssl commands into the run directory, then creates the Secret from them', () => {
    const openssl = runs.filter((o) => o.argv[0] === 'openssl').map((o) => o.argv.join(' '));
    const p = (f: string) => ztunnelSecretPath(ctx, f);
    expect(openssl).toEqual([
      `openssl genrsa -out ${p('bootstrap-private.key')} 2048`,
      `openssl req -x509 -new -nodes -key ${p('bootstrap-private.key')} -sha256 -days 3650 -out ${p('bootstrap-root.crt')} -config ${p('bootstrap-openssl.conf')}`,
      `openssl genrsa -out ${p('ca-private.key')} 2048`,
      `openssl req -x509 -new -nodes -key ${p('ca-private.key')} -sha256 -days 3650 -out ${p('ca-root.crt')} -config ${p('ca-openssl.conf')}`,
    ]);
    for (const f of ['bootstrap-private.key', 'ca-root.crt']) expect(p(f).startsWith(`${ctx.workDir}/`)).toBe(true);
    const confs = ops.filter((o) => o.op === 'write-file' && o.path.endsWith('-openssl.conf'));
    expect(confs.map((o) => (o.op === 'write-file' ? [o.path, o.content] : []))).toEqual([
      [p('bootstrap-openssl.conf'), BOOTSTRAP_OPENSSL_CONFIG],
      [p('ca-openssl.conf'), CA_OPENSSL_CONFIG],
    ]);
    const secret = runs.find((o) => o.argv.includes('secret'));
    expect(secret?.argv).toEqual([
      'kubectl', '--kubeconfig', ctx.kubeconfig, '--namespace', 'kube-system', 'create', 'secret', 'generic', ZTUNNEL_SECRET,
      `--from-file=bootstrap-private.key=${p('bootstrap-private.key')}`,
      `--from-file=bootstrap-root.crt=${p('bootstrap-root.crt')}`,
      `--from-file=ca-private.key=${p('ca-private.key')}`,
      `--from-file=ca-root.crt=${p('ca-root.crt')}`,
    ]);
    const onExisting = mesh.installOperations(meshTestContext('cilium-ztunnel', { context: 'gke-bench' })).find((o) => o.op === 'run' && o.argv.includes('secret'));
    expect(onExisting?.op === 'run' ? onExisting.argv.slice(0, 5) : []).toEqual(['kubectl', '--kubeconfig', ctx.kubeconfig, '--context', 'gke-bench']);
  });

  it('orders the steps as the guide does: keys, Secret, cilium install, then waits for the ztunnel DaemonSet', () => {
    const firstOpenssl = indexOf((o) => isRun(o, 'openssl'));
    const lastOpenssl = ops.findLastIndex((o) => isRun(o, 'openssl'));
    const secret = indexOf((o) => o.op === 'run' && o.argv.includes(ZTUNNEL_SECRET));
    const install = indexOf((o) => isRun(o, 'cilium', 'install'));
    const ztunnel = indexOf((o) => o.op === 'wait-rollout' && o.name === 'ztunnel-cilium');
    expect(indexOf((o) => o.op === 'write-file' && o.path.endsWith('-openssl.conf'))).toBeLessThan(firstOpenssl);
    expect(lastOpenssl).toBeLessThan(secret);
    expect(secret).toBeLessThan(install);
    expect(ztunnel).toBeGreaterThan(install);
    expect(ops[ztunnel]).toMatchObject({ kind: 'DaemonSet', namespace: 'kube-system' });
    expect(ops.at(-1)).toBe(ops[ztunnel]);
  });

  it('enrols the measured namespace with the guide’s label, and adds nothing beside the workload', () => {
    expect(mesh.namespaceLabels(ctx)).toEqual({ 'io.cilium/mtls-enabled': 'true' });
    expect(mesh.workloadObjects(ctx)).toEqual([]);
    expect(mesh.postDeployOperations(ctx)).toEqual([]);
  });

  it('counts ztunnel’s container as a node agent and keeps the Cilium roles', () => {
    expect(classifyCiliumZtunnelContainer({ namespace: 'kube-system', pod: 'ztunnel-cilium-7k2xq', container: 'istio-proxy' })).toBe('node-agent');
    expect(classifyCiliumZtunnelContainer({ namespace: 'kube-system', pod: 'cilium-7xk2p', container: 'cilium-agent' })).toBe('node-agent');
    expect(classifyCiliumZtunnelContainer({ namespace: 'kube-system', pod: 'cilium-operator-5d8f7c6b9-x2x4q', container: 'cilium-operator' })).toBe('control-plane');
    // A workload's container of that name elsewhere is not ztunnel.
    expect(classifyCiliumZtunnelContainer({ namespace: 'bench', pod: 'ztunnel-cilium-7k2xq', container: 'istio-proxy' })).toBeUndefined();
    expect(classifyCiliumZtunnelContainer({ namespace: 'kube-system', pod: 'coredns-7c65d6cfc9-8r7nq', container: 'istio-proxy' })).toBeUndefined();
  });
});

const chart = referenceFiles('the cilium-ztunnel values against the Cilium 1.20.0 chart', ['cilium/1.20.0/values.yaml', 'cilium/1.20.0/values.schema.json']);

describe.skipIf(!chart.available)('cilium-ztunnel values against the Cilium 1.20.0 chart', () => {
  it('sets only keys the chart has, and the merged values satisfy its values.schema.json', () => {
    const defaults = parse(chart.read('cilium/1.20.0/values.yaml')) as Values;
    const values = writtenValues();
    expect(missingKeys(values, defaults)).toEqual([]);
    const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(chart.read('cilium/1.20.0/values.schema.json')) as Record<string, unknown>);
    const merged = helmMerge(defaults, values);
    expect(validate(merged), JSON.stringify(validate.errors)).toBe(true);
    // The chart documents the type: "Encryption method. Can be one of ipsec, wireguard or ztunnel."
    expect(chart.read('cilium/1.20.0/values.yaml')).toContain('Can be one of ipsec, wireguard or ztunnel.');
    // Its defaults are what the guide relies on: Cilium's internal CA (which uses the Secret's ca-* keys).
    expect(((merged.encryption as Values).ztunnel as { ca: { type: string } }).ca.type).toBe('internal');
    // A wrong value is caught by the same validation.
    const bad = helmMerge(merged, { encryption: { ztunnel: { ca: { type: 'vault' } } } });
    expect(validate(bad)).toBe(false);
  });
});
