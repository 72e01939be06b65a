import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ciliumHelmValues } from '../src/mesh/cilium-common.js';
import { CiliumL7Mesh } from '../src/mesh/cilium-l7-mesh.js';
import { CiliumMesh } from '../src/mesh/cilium-mesh.js';
import { CiliumWireguardMesh } from '../src/mesh/cilium-wireguard-mesh.js';
import type { MeshAdapter, MeshContext } from '../src/mesh/mesh-adapter.js';
import { parseVersions } from '../src/platform/versions.js';
import { referenceFiles } from './helpers/reference.js';

/**
 * The values we hand cilium-cli, checked against the Cilium 1.20.0 chart itself (shared/reference/cilium/1.20.0):
 * merged over the chart's values.yaml the way Helm merges, the result must satisfy values.schema.json (Helm validates
 * exactly that on install). The schema has no `additionalProperties: false`, so a misspelt key would pass it and be
 * silently ignored by the templates; every key we set must therefore also exist in values.yaml.
 */

type Values = Record<string, unknown>;

const chart = referenceFiles('the tests against the Cilium 1.20.0 chart', ['cilium/1.20.0/values.yaml', 'cilium/1.20.0/values.schema.json']);
let chartDefaults: Values | undefined;
const CHART_DEFAULTS = (): Values => (chartDefaults ??= parse(chart.read('cilium/1.20.0/values.yaml')) as Values);
let validator: ValidateFunction | undefined;
// Not strict: the chart's generated schema uses `properties` without `type: object` in places (strictTypes), which
// Helm's own validator accepts.
const validateValues = (): ValidateFunction =>
  (validator ??= new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(chart.read('cilium/1.20.0/values.schema.json')) as Record<string, unknown>));

const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const ctx = (id: string): MeshContext => ({
  clusterName: `bench-${id}`,
  kubeconfig: '/tmp/run/kubeconfig',
  workDir: '/tmp/run/work',
  versions: VERSIONS,
  namespace: 'bench',
});
const ADAPTERS: MeshAdapter[] = [new CiliumMesh(), new CiliumWireguardMesh(), new CiliumL7Mesh()];

function isMap(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Helm's coalescing of user values over chart defaults: maps merge key by key, a user null deletes, anything else replaces. */
function helmMerge(defaults: Values, overrides: Values): Values {
  const out: Values = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = helmMerge(out[key], value);
    else out[key] = value;
  }
  return out;
}

/** Dotted paths of every key set in `values` that values.yaml does not have. */
function keysMissingFromChart(values: Values, chart: Values, prefix = ''): string[] {
  const missing: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!Object.hasOwn(chart, key)) missing.push(path);
    // A node selector's keys are node labels, not chart keys.
    else if (isMap(value) && key !== 'nodeSelector') {
      const there = chart[key];
      if (isMap(there)) missing.push(...keysMissingFromChart(value, there, path));
      else missing.push(`${path} (not a map in values.yaml)`);
    }
  }
  return missing;
}

/** The values exactly as cilium-cli will read them: the file the install plan writes. */
function writtenValues(adapter: MeshAdapter): Values {
  const write = adapter.installOperations(ctx(adapter.id)).find((o) => o.op === 'write-file');
  if (write?.op !== 'write-file') throw new Error(`${adapter.id}: no values file in the plan`);
  return parse(write.content) as Values;
}

describe('Cilium Helm values', () => {
  for (const adapter of ADAPTERS) {
    it.skipIf(!chart.available)(`for ${adapter.id} satisfy the 1.20.0 chart schema once merged over its defaults`, () => {
      const merged = helmMerge(CHART_DEFAULTS(), writtenValues(adapter));
      const validate = validateValues();
      const ok = validate(merged);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it.skipIf(!chart.available)(`for ${adapter.id} set only keys the 1.20.0 chart has`, () => {
      expect(keysMissingFromChart(writtenValues(adapter), CHART_DEFAULTS())).toEqual([]);
    });
  }

  it.skipIf(!chart.available)('are rejected by the schema when a value has the wrong type', () => {
    const values = writtenValues(new CiliumMesh());
    expect(validateValues()(helmMerge(CHART_DEFAULTS(), { ...values, operator: { replicas: 'one' } }))).toBe(false);
    expect(validateValues().errors?.map((e) => e.instancePath)).toContain('/operator/replicas');
    expect(validateValues()(helmMerge(CHART_DEFAULTS(), { ...values, kubeProxyReplacement: 1 }))).toBe(false);
    expect(validateValues().errors?.map((e) => e.instancePath)).toContain('/kubeProxyReplacement');
  });

  it.skipIf(!chart.available)('would flag a misspelt key that the schema lets through', () => {
    const misspelt = { ...writtenValues(new CiliumMesh()), kubeProxyReplacment: true, hubble: { relay: { enable: true } } };
    expect(validateValues()(helmMerge(CHART_DEFAULTS(), misspelt))).toBe(true);
    expect(keysMissingFromChart(misspelt, CHART_DEFAULTS()).sort()).toEqual(['hubble.relay.enable', 'kubeProxyReplacment']);
  });

  it.skipIf(!chart.available)('replace kube-proxy and point Cilium at the kind control-plane node, as the kube-proxy-free guide requires', () => {
    const values = writtenValues(new CiliumMesh());
    expect(values).toMatchObject({
      kubeProxyReplacement: true,
      k8sServiceHost: 'bench-cilium-control-plane',
      k8sServicePort: 6443,
      ipam: { mode: 'kubernetes' },
      operator: { replicas: 1 },
      hubble: { enabled: true, relay: { enabled: true } },
      envoy: { enabled: true },
    });
    // The chart's defaults would leave kube-proxy in charge and Cilium's own IPAM in place.
    expect(CHART_DEFAULTS().kubeProxyReplacement).toBe('false');
    expect((CHART_DEFAULTS().ipam as Values).mode).toBe('cluster-pool');
  });

  it('turn on WireGuard encryption for cilium-wireguard only, and otherwise agree across the three systems', () => {
    // The cluster's own names differ by system; everything else must agree.
    const [plain, wireguard, l7] = ADAPTERS.map((a): Values => ({ ...writtenValues(a), k8sServiceHost: '', cluster: {} }));
    expect(wireguard?.encryption).toEqual({ enabled: true, type: 'wireguard' });
    expect(plain).not.toHaveProperty('encryption');
    expect(l7).toEqual(plain);
    const { encryption: _encryption, ...wireguardRest } = wireguard ?? {};
    expect(wireguardRest).toEqual(plain);
  });

  it('are written to the file exactly as the typed values say', () => {
    for (const adapter of ADAPTERS) {
      const wireguard = adapter.id === 'cilium-wireguard';
      expect(writtenValues(adapter)).toEqual(ciliumHelmValues(ctx(adapter.id), { wireguard }));
    }
  });
});
