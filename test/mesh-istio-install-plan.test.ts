import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { meshTestContext } from './helpers/mesh-context.js';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ciliumValuesPath } from '../src/mesh/cilium-common.js';
import { gatewayApiInstallOperations } from '../src/mesh/gateway-api.js';
import { ciliumForIstioAmbientValues } from '../src/mesh/istio-cilium.js';
import { istioAmbient, istioAmbientCilium, istioAmbientWaypoint, istioMeshes, istioSidecar, type IstioMesh } from '../src/mesh/istio.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import type { Operation, RunOperation } from '../src/platform/operations.js';
import { referenceFiles } from './helpers/reference.js';

const istioProfiles = referenceFiles(
  'the istioctl profile tests',
  ['minimal', 'default', 'ambient'].map((p) => `istio/1.30.3/profiles/${p}.yaml`),
);
const ciliumChart = referenceFiles('the Cilium chart test', ['cilium/1.20.0/values.schema.json', 'cilium/1.20.0/values.yaml']);
const reference = (path: string) => (path.startsWith('cilium/') ? ciliumChart : istioProfiles).path(path);

const context = meshTestContext;

/** Every operation that runs a program: the ones that must be pointed at the run's cluster. */
function commands(ops: Operation[]): Array<Extract<Operation, { argv: string[] }>> {
  return ops.filter((o): o is Extract<Operation, { argv: string[] }> => 'argv' in o);
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

function istioctlInstall(ops: Operation[]): RunOperation {
  const op = ops.find((o): o is RunOperation => o.op === 'run' && o.argv[0] === 'istioctl' && o.argv[1] === 'install');
  if (!op) throw new Error('no istioctl install');
  return op;
}

function everyPlannedOperation(a: IstioMesh, ctx: MeshContext): Operation[] {
  return [...a.installOperations(ctx), ...a.postDeployOperations(ctx)];
}

describe('Istio systems', () => {
  it('are four, on the default kind config except Cilium, which needs the one without a CNI', () => {
    expect(istioMeshes.map((a) => [a.id, a.kindConfig, a.tools])).toEqual([
      ['istio', 'default', ['istioctl']],
      ['istio-ambient', 'default', ['istioctl']],
      ['istio-ambient-waypoint', 'default', ['istioctl']],
      ['istio-ambient-cilium', 'no-cni', ['istioctl', 'cilium']],
    ]);
    for (const a of istioMeshes) expect(a.description.length).toBeGreaterThan(10);
  });

  for (const adapter of istioMeshes) {
    it(`${adapter.id}: install operations, enrolment, objects and post-deploy operations match the golden transcript`, async () => {
      const ctx = context(adapter.id);
      const transcript = stringify(
        {
          installOperations: adapter.installOperations(ctx),
          namespaceLabels: adapter.namespaceLabels(ctx),
          workloadObjects: adapter.workloadObjects(ctx),
          postDeployOperations: adapter.postDeployOperations(ctx),
        },
        { lineWidth: 0, blockQuote: 'literal' },
      );
      await expect(transcript).toMatchFileSnapshot(`./fixtures/mesh/istio/${adapter.id}.install-operations.yaml`);
    });

    it(`${adapter.id}: every command gets the run's kubeconfig, and the context when there is one`, () => {
      const without = commands(everyPlannedOperation(adapter, context(adapter.id)));
      expect(without.length).toBeGreaterThan(0);
      for (const op of without) {
        expect(flagValue(op.argv, '--kubeconfig'), op.title).toBe(`/tmp/mesh-bench/run-1/${adapter.id}/kubeconfig`);
        expect(op.argv, op.title).not.toContain('--context');
      }
      for (const op of commands(everyPlannedOperation(adapter, context(adapter.id, { context: 'kind-bench' })))) {
        expect(flagValue(op.argv, '--context'), op.title).toBe('kind-bench');
      }
    });
  }
});

describe('istioctl install', () => {
  it.skipIf(!istioProfiles.available)('uses the minimal profile for sidecar mode: default without the ingress gateway, which no request uses', () => {
    const minimal = parse(readFileSync(reference('istio/1.30.3/profiles/minimal.yaml'), 'utf8')) as {
      spec: { components: { ingressGateways: Array<{ name: string; enabled: boolean }> } };
    };
    const defaults = parse(readFileSync(reference('istio/1.30.3/profiles/default.yaml'), 'utf8')) as {
      spec: { components: { ingressGateways: Array<{ name: string; enabled: boolean }> } };
    };
    expect(defaults.spec.components.ingressGateways).toEqual([{ name: 'istio-ingressgateway', enabled: true }]);
    expect(minimal.spec.components).toEqual({ ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }] });
    expect(flagValue(istioctlInstall(istioSidecar.installOperations(context('istio'))).argv, '--set')).toBe('profile=minimal');
  });

  it.skipIf(!istioProfiles.available)('uses the ambient profile for ambient mode, and waits for each component that profile turns on', () => {
    const ambient = parse(readFileSync(reference('istio/1.30.3/profiles/ambient.yaml'), 'utf8')) as {
      spec: { components: Record<string, unknown>; values: { profile: string } };
    };
    expect(ambient.spec.values.profile).toBe('ambient');
    expect(ambient.spec.components).toMatchObject({ cni: { enabled: true }, ztunnel: { enabled: true } });
    for (const adapter of [istioAmbient, istioAmbientWaypoint, istioAmbientCilium]) {
      const ops = adapter.installOperations(context(adapter.id));
      expect(istioctlInstall(ops).argv).toEqual(expect.arrayContaining(['install', '--skip-confirmation', '--set', 'profile=ambient']));
      const waits = ops.filter((o) => o.op === 'wait-rollout' && o.namespace === 'istio-system').map((o) => (o.op === 'wait-rollout' ? `${o.kind}/${o.name}` : ''));
      expect(waits).toEqual(['Deployment/istiod', 'DaemonSet/istio-cni-node', 'DaemonSet/ztunnel']);
    }
    const sidecarWaits = istioSidecar.installOperations(context('istio')).filter((o) => o.op === 'wait-rollout');
    expect(sidecarWaits.map((o) => (o.op === 'wait-rollout' ? o.name : ''))).toEqual(['istiod']);
  });

  it.skipIf(!istioProfiles.available)('waits for the ztunnel DaemonSet under the name the default profile gives it', () => {
    const defaults = parse(readFileSync(reference('istio/1.30.3/profiles/default.yaml'), 'utf8')) as { spec: { values: { ztunnel: { resourceName: string } } } };
    const waits = istioAmbient.installOperations(context('istio-ambient')).filter((o) => o.op === 'wait-rollout' && o.kind === 'DaemonSet');
    expect(waits.map((o) => (o.op === 'wait-rollout' ? o.name : ''))).toContain(defaults.spec.values.ztunnel.resourceName);
  });

  it('never asks to confirm and never names a kind platform profile (kind needs none)', () => {
    for (const adapter of istioMeshes) {
      const argv = istioctlInstall(adapter.installOperations(context(adapter.id))).argv;
      expect(argv).toContain('--skip-confirmation');
      expect(argv.join(' ')).not.toMatch(/platform/);
    }
  });
});

describe('the waypoint system', () => {
  it('installs the Gateway API CRDs before Istio, so istiod finds them', () => {
    const ctx = context('istio-ambient-waypoint');
    const ops = istioAmbientWaypoint.installOperations(ctx);
    const gatewayApi = gatewayApiInstallOperations(ctx);
    expect(ops.slice(0, gatewayApi.length)).toEqual(gatewayApi);
    // Right after them: the IstioOperator overlay file, then istioctl install.
    expect(ops[gatewayApi.length]).toMatchObject({ op: 'write-file' });
    expect(ops.indexOf(istioctlInstall(ops))).toBe(gatewayApi.length + 1);
  });

  it('waits for the waypoint Deployment, named after its Gateway, once the workload is up', () => {
    expect(istioAmbientWaypoint.postDeployOperations(context('istio-ambient-waypoint'))).toEqual([
      expect.objectContaining({ op: 'wait-rollout', kind: 'Deployment', namespace: 'bench', name: 'waypoint', selector: 'gateway.networking.k8s.io/gateway-name=waypoint' }),
    ]);
    for (const a of [istioSidecar, istioAmbient, istioAmbientCilium]) expect(a.postDeployOperations(context(a.id))).toEqual([]);
  });
});

describe('enrolment', () => {
  it('labels the namespace for injection, for ambient, and for ambient with the waypoint', () => {
    expect(istioSidecar.namespaceLabels(context('istio'))).toEqual({ 'istio-injection': 'enabled' });
    expect(istioAmbient.namespaceLabels(context('istio-ambient'))).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(istioAmbientCilium.namespaceLabels(context('istio-ambient-cilium'))).toEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(istioAmbientWaypoint.namespaceLabels(context('istio-ambient-waypoint'))).toEqual({
      'istio.io/dataplane-mode': 'ambient',
      'istio.io/use-waypoint': 'waypoint',
    });
  });

  it('names in use-waypoint the Gateway it creates', () => {
    const ctx = context('istio-ambient-waypoint');
    const gateway = istioAmbientWaypoint.workloadObjects(ctx).find((o) => o.kind === 'Gateway');
    expect(gateway?.metadata.name).toBe(istioAmbientWaypoint.namespaceLabels(ctx)['istio.io/use-waypoint']);
  });
});

describe('Cilium under Istio ambient', () => {
  const ctx = context('istio-ambient-cilium');
  const ops = istioAmbientCilium.installOperations(ctx);

  it('installs Cilium before Istio, with cilium-common operations', () => {
    const cilium = ops.findIndex((o) => o.op === 'run' && o.argv[0] === 'cilium' && o.argv[1] === 'install');
    expect(cilium).toBeGreaterThanOrEqual(0);
    expect(cilium).toBeLessThan(ops.indexOf(istioctlInstall(ops)));
  });

  it('writes the values Istio ambient needs into the values file cilium install reads', () => {
    const write = ops.find((o) => o.op === 'write-file');
    if (write?.op !== 'write-file') throw new Error('no values file');
    expect(write.path).toBe(ciliumValuesPath(ctx));
    const install = ops.find((o): o is RunOperation => o.op === 'run' && o.argv[1] === 'install' && o.argv[0] === 'cilium');
    expect(flagValue(install?.argv ?? [], '--values')).toBe(write.path);
    const values = parse(write.content) as Record<string, unknown>;
    expect(values).toMatchObject({ cni: { exclusive: false }, bpf: { masquerade: false }, socketLB: { hostNamespaceOnly: true }, kubeProxyReplacement: true });
    expect(values).toEqual(JSON.parse(JSON.stringify(ciliumForIstioAmbientValues(ctx))));
  });

  it.skipIf(!ciliumChart.available)('sets values the Cilium 1.20.0 chart knows: they satisfy its schema and are in its values.yaml', () => {
    const values = ciliumForIstioAmbientValues(ctx);
    const schema = JSON.parse(readFileSync(reference('cilium/1.20.0/values.schema.json'), 'utf8')) as Record<string, unknown>;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const chartDefaults = parse(readFileSync(reference('cilium/1.20.0/values.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(validate({ ...chartDefaults, ...values, cni: { ...chartDefaults.cni, ...values.cni }, bpf: { ...chartDefaults.bpf, ...values.bpf }, socketLB: { ...chartDefaults.socketLB, ...values.socketLB } }), JSON.stringify(validate.errors)).toBe(true);
    expect(chartDefaults.cni).toHaveProperty('exclusive', true);
    expect(chartDefaults.bpf).toHaveProperty('masquerade', null);
    // socketLB.hostNamespaceOnly is documented in values.yaml as a commented-out default, not set.
    expect(readFileSync(reference('cilium/1.20.0/values.yaml'), 'utf8')).toMatch(
      /^socketLB:\n(?: {2}.*\n)*? {2}# -- Disable socket lb for non-root ns\. This is used to enable Istio routing rules\.\n {2}# hostNamespaceOnly: false$/m,
    );
  });
});
