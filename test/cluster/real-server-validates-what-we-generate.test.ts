import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/kube.js';
import { ClientNodeKube } from '../../src/kube/client-node-kube.js';
import { GATEWAY_API_RELEASES, verifyGatewayApiFile } from '../../src/mesh/gateway-api.js';
import { strictPeerAuthentication, waypointGateway } from '../../src/mesh/istio.js';
import { MESH_ADAPTERS } from '../../src/mesh/registry.js';
import { deploySection, type ClusterPlanInput } from '../../src/platform/cluster-plan.js';
import { manifestObjects } from '../../src/platform/execute-operations.js';
import { parseKindConfig } from '../../src/platform/kind-config.js';
import { loadClient } from '../../src/platform/manifests.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { controlPlaneSuite } from '../helpers/control-plane-fixture.js';
import { REPO } from '../helpers/control-plane-tools.js';
import { SHIPPED_VERSIONS } from '../helpers/mesh-context.js';
import { referenceFiles } from '../helpers/reference.js';

/**
 * Everything the harness generates, server-side applied to a real kube-apiserver v1.36.1 with the real CRDs of the
 * pinned meshes (Istio 1.30.3, Gateway API v1.5.1, Linkerd edge-26.8.3 from ../shared/reference; Cilium 1.20.0's
 * CiliumNetworkPolicy CRD from its Go module, fetched by build-tools.sh), and wrong
 * manifests refused by the real server with its own message in our error.
 */
const GATEWAY_API = GATEWAY_API_RELEASES[SHIPPED_VERSIONS.gatewayApi.version]!;
const gatewayFiles = GATEWAY_API.files.map((f) => `gateway-api/${GATEWAY_API.version}/standard/${f.name}`);
const ISTIO_CRDS = 'istio/1.30.3/crd-all.gen.yaml';
const LINKERD_CRDS = 'linkerd/edge-26.8.3/golden/install_crds.golden';
const LINKERD_INSTALL = 'linkerd/edge-26.8.3/golden/install_default.golden';
const ref = referenceFiles('the real-server validation of mesh objects (test/cluster)', [ISTIO_CRDS, LINKERD_CRDS, LINKERD_INSTALL, ...gatewayFiles]);
const suite = controlPlaneSuite('the real-server validation of what we generate (test/cluster)');

const repo = (p: string): string => readFileSync(join(REPO, p), 'utf8');

function planInput(adapterId: string): ClusterPlanInput {
  const adapter = MESH_ADAPTERS.find((a) => a.id === adapterId)!;
  return {
    target: 'existing',
    adapter,
    scenario: parseScenario(repo('scenarios/smoke.yaml'), 'scenarios/smoke.yaml', 2),
    versions: SHIPPED_VERSIONS,
    workDir: '/tmp/mesh-bench-cluster-test',
    repoDir: REPO,
    clusterName: suite.cp().context,
    kubeconfig: suite.cp().kubeconfig,
    context: suite.cp().context,
    image: 'mesh-bench:cluster-test',
    kindConfigs: {
      default: parseKindConfig(repo('clusters/kind/default.yaml'), 'clusters/kind/default.yaml'),
      'no-cni': parseKindConfig(repo('clusters/kind/no-cni.yaml'), 'clusters/kind/no-cni.yaml'),
    },
  };
}

/** The objects of every `apply` operation of a system's deploy section, in order. */
function deployObjects(adapterId: string): KubeObject[] {
  return deploySection(planInput(adapterId)).operations.flatMap((op) => (op.op === 'apply' ? op.objects : []));
}

async function refusal(kube: ClientNodeKube, object: KubeObject): Promise<string> {
  try {
    await kube.apply(object, { timeoutMs: 20_000 });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error(`the server accepted ${object.kind} ${object.metadata.name}`);
}

async function kubectlApply(text: string): Promise<void> {
  const r = await suite.cp().kubectl(['apply', '--server-side', '--field-manager=mesh-bench-test', '-f', '-'], text);
  if (r.code !== 0) throw new Error(`kubectl apply failed: ${r.stderr}`);
}

describe.skipIf(!suite.available || !ref.available)('a real API server with the pinned meshes’ CRDs', () => {
  let kube: ClientNodeKube;
  beforeAll(async () => {
    const cp = suite.cp();
    kube = new ClientNodeKube({ kubeconfig: cp.kubeconfig, context: cp.context });
    // The CRDs as the pinned releases ship them; Gateway API's files checked against the pinned git blob ids first.
    for (const [i, f] of GATEWAY_API.files.entries()) verifyGatewayApiFile(GATEWAY_API, f.name, ref.bytes(gatewayFiles[i]!));
    await kubectlApply(gatewayFiles.map((f) => ref.read(f)).join('\n---\n'));
    await kubectlApply(ref.read(ISTIO_CRDS));
    await kubectlApply(ref.read(LINKERD_CRDS));
    await kubectlApply(readFileSync(suite.binaries().ciliumNetworkPolicyCrd, 'utf8'));
    const established = await cp.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']);
    expect(established.code, established.stderr).toBe(0);
  }, 120_000);

  it('accepts every object every system deploys, by server-side apply through our client', async () => {
    const applied: string[] = [];
    for (const adapter of MESH_ADAPTERS) {
      for (const o of deployObjects(adapter.id)) {
        await kube.apply(o, { timeoutMs: 30_000 });
        applied.push(`${o.kind}/${o.metadata.name}`);
      }
    }
    expect(applied).toContain('PeerAuthentication/default');
    expect(applied).toContain('Gateway/waypoint');
    expect(applied).toContain('Deployment/load-client');
    expect(applied.some((a) => a.startsWith('CiliumNetworkPolicy/'))).toBe(true);
    const gw = await suite.cp().kubectl(['get', 'gateway', 'waypoint', '-n', 'mesh-bench', '-o', 'jsonpath={.spec.listeners[0].protocol}']);
    expect(gw.stdout).toBe('HBONE');
  });

  it('accepts linkerd install --crds and linkerd install output (edge-26.8.3 golden files) through our client', async () => {
    const objects = [...manifestObjects(ref.read(LINKERD_CRDS)), ...manifestObjects(ref.read(LINKERD_INSTALL))];
    for (const o of objects) await kube.apply(o, { timeoutMs: 30_000 });
    const deployments = await suite.cp().kubectl(['get', 'deployments', '-n', 'linkerd', '-o', 'name']);
    expect(deployments.stdout).toMatch(/deployment\.apps\/linkerd-destination/);
    expect(objects.length).toBeGreaterThan(20);
  });

  it('refuses an unknown field under server-side apply, and our error carries the server’s message', async () => {
    const wrong = loadClient({ namespace: 'mesh-bench', image: 'mesh-bench:cluster-test' }) as unknown as KubeObject;
    (wrong['spec'] as Record<string, unknown>)['replicaz'] = 2;
    const message = await refusal(kube, wrong);
    expect(message).toMatch(/^apply Deployment mesh-bench\/load-client: /);
    expect(message).toMatch(/\.spec\.replicaz: field not declared in schema/);
  });

  it('refuses a waypoint Gateway whose listener port is out of range (OpenAPI schema of the Gateway API CRD)', async () => {
    const gw = waypointGateway('mesh-bench', 'bad-port');
    (gw['spec'] as { listeners: Array<Record<string, unknown>> }).listeners[0]!['port'] = 70_000;
    const message = await refusal(kube, gw);
    expect(message).toMatch(/^apply Gateway mesh-bench\/bad-port: /);
    expect(message).toMatch(/spec\.listeners\[0\]\.port: Invalid value: 70000: spec\.listeners\[0\]\.port in body should be less than or equal to 65535/);
    expect(message).toMatch(/\(HTTP 422\)$/);
  });

  it('refuses a waypoint Gateway with two listeners of one name (the listeners list is keyed by name)', async () => {
    const gw = waypointGateway('mesh-bench', 'twin-listeners');
    const spec = gw['spec'] as { listeners: Array<Record<string, unknown>> };
    spec.listeners.push({ ...spec.listeners[0]!, port: 15009 });
    const message = await refusal(kube, gw);
    // Server-side apply refuses it before validation: listeners is a map list keyed by name in the CRD's schema.
    expect(message).toMatch(/^apply Gateway mesh-bench\/twin-listeners: .*\.spec\.listeners: duplicate entries for key \[name="mesh"\]/);
  });

  it('refuses a waypoint Gateway with two listeners on one port and protocol (a CEL rule of the Gateway API CRD)', async () => {
    const gw = waypointGateway('mesh-bench', 'twin-ports');
    const spec = gw['spec'] as { listeners: Array<Record<string, unknown>> };
    spec.listeners.push({ ...spec.listeners[0]!, name: 'mesh-2' });
    const message = await refusal(kube, gw);
    expect(message).toMatch(/^apply Gateway mesh-bench\/twin-ports: /);
    expect(message).toMatch(/Combination of port, protocol and hostname must be unique for each listener/);
    expect(message).toMatch(/\(HTTP 422\)$/);
  });

  it('refuses a PeerAuthentication with a mode Istio’s CRD does not know', async () => {
    const pa = strictPeerAuthentication('mesh-bench');
    pa.metadata.name = 'bad-mode';
    (pa['spec'] as { mtls: { mode: string } }).mtls.mode = 'STRICTEST';
    const message = await refusal(kube, pa);
    expect(message).toMatch(/^apply PeerAuthentication mesh-bench\/bad-mode: /);
    expect(message).toMatch(/spec\.mtls\.mode: Unsupported value: "STRICTEST"/);
  });
});
