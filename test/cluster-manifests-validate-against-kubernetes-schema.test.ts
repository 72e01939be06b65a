import type { V1Container, V1Deployment, V1Service } from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import {
  benchNamespace,
  DEFAULT_LOAD_CLIENT_RESOURCES,
  DEFAULT_SERVER_RESOURCES,
  loadClient,
  MANAGED_BY_LABEL,
  NODE_ROLE_LABEL,
  serverChain,
  serverUrl,
  type WorkloadObject,
} from '../src/platform/manifests.js';

const NS = 'bench-baseline';
const IMAGE = 'mesh-bench:0123456789ab';

/**
 * Two independent checks of every generated object:
 * - kubernetes-models' validate(): the Kubernetes OpenAPI schema (types, required fields, enums); it throws on a
 *   violation, but it accepts unknown fields;
 * - a round trip through @kubernetes/client-node's ObjectSerializer, which keeps only fields the API defines: a
 *   misspelt field (`readinesProbe`) disappears and the object no longer equals itself.
 */
function validateAgainstSchema(obj: WorkloadObject): void {
  switch (obj.kind) {
    case 'Deployment':
      new Deployment(obj as ConstructorParameters<typeof Deployment>[0]).validate();
      return;
    case 'Service':
      new Service(obj as ConstructorParameters<typeof Service>[0]).validate();
      return;
    case 'Namespace':
      new Namespace(obj as ConstructorParameters<typeof Namespace>[0]).validate();
      return;
    default:
      throw new Error(`no schema check for kind ${String(obj.kind)}`);
  }
}

function unknownFieldsDropped(obj: WorkloadObject): unknown {
  const type = `V1${obj.kind}`;
  return ObjectSerializer.serialize(obj, type, '');
}

function everyObject(): WorkloadObject[] {
  return [
    benchNamespace(NS, { 'istio-injection': 'enabled' }),
    ...serverChain({ namespace: NS, image: IMAGE, hops: 3, replicas: 2, responseBytes: 1024, serviceDelayUs: 250 }),
    loadClient({ namespace: NS, image: IMAGE }),
  ];
}

function deployments(objects: WorkloadObject[]): V1Deployment[] {
  return objects.filter((o): o is V1Deployment => o.kind === 'Deployment');
}

function services(objects: WorkloadObject[]): V1Service[] {
  return objects.filter((o): o is V1Service => o.kind === 'Service');
}

function onlyContainer(d: V1Deployment): V1Container {
  const containers = d.spec?.template.spec?.containers ?? [];
  expect(containers).toHaveLength(1);
  return containers[0] as V1Container;
}

function env(c: V1Container): Record<string, string | undefined> {
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
}

describe('generated Kubernetes objects', () => {
  it.each(everyObject().map((o) => [`${o.kind} ${o.metadata?.name}`, o] as const))('%s validates against the schema', (_name, obj) => {
    expect(() => validateAgainstSchema(obj)).not.toThrow();
  });

  it.each(everyObject().map((o) => [`${o.kind} ${o.metadata?.name}`, o] as const))('%s uses only fields the API defines', (_name, obj) => {
    expect(unknownFieldsDropped(obj)).toEqual(obj);
  });

  it('are plain JSON data (what kubectl apply and the API client send)', () => {
    const objects = everyObject();
    expect(JSON.parse(JSON.stringify(objects))).toEqual(objects);
  });

  it('the schema check catches a broken object', () => {
    const [deployment] = deployments(serverChain({ namespace: NS, image: IMAGE, hops: 1, replicas: 1, responseBytes: 0, serviceDelayUs: 0 }));
    const broken = structuredClone(deployment) as V1Deployment;
    const container = onlyContainer(broken);
    (container.ports ?? [])[0]!.containerPort = '8080' as unknown as number;
    expect(() => validateAgainstSchema(broken)).toThrow(/containerPort must be integer/);

    const nameless = structuredClone(deployment) as V1Deployment;
    delete (onlyContainer(nameless) as Partial<V1Container>).name;
    expect(() => validateAgainstSchema(nameless)).toThrow(/must have required property 'name'|required property name/);

    const misspelt = structuredClone(deployment) as V1Deployment;
    const c = onlyContainer(misspelt) as V1Container & { readinesProbe?: unknown };
    c.readinesProbe = c.readinessProbe;
    delete c.readinessProbe;
    expect(unknownFieldsDropped(misspelt)).not.toEqual(misspelt);
  });
});

describe('benchNamespace', () => {
  it('carries the managed-by label the harness deletes by, plus the mesh labels it is given', () => {
    expect(benchNamespace(NS, { 'istio-injection': 'enabled' }).metadata?.labels).toEqual({
      'istio-injection': 'enabled',
      [MANAGED_BY_LABEL]: 'mesh-bench',
    });
    expect(benchNamespace(NS).metadata).toEqual({ name: NS, labels: { 'app.kubernetes.io/managed-by': 'mesh-bench' } });
  });

  it('cannot be given away: a caller-supplied managed-by label loses', () => {
    expect(benchNamespace(NS, { [MANAGED_BY_LABEL]: 'someone-else' }).metadata?.labels?.[MANAGED_BY_LABEL]).toBe('mesh-bench');
  });

  it('refuses a name Kubernetes would refuse', () => {
    expect(() => benchNamespace('Bench_1')).toThrow(/DNS-1123/);
    expect(() => benchNamespace('a'.repeat(64))).toThrow(/DNS-1123/);
  });
});

describe('serverChain', () => {
  const chain = serverChain({ namespace: NS, image: IMAGE, hops: 3, replicas: 2, responseBytes: 1024, serviceDelayUs: 250 });

  it('is a Deployment and a Service per hop, named server-<i>, in hop order', () => {
    expect(chain.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'Deployment/server-1',
      'Service/server-1',
      'Deployment/server-2',
      'Service/server-2',
      'Deployment/server-3',
      'Service/server-3',
    ]);
    for (const o of chain) expect(o.metadata?.namespace).toBe(NS);
  });

  it('chains each hop to the next by its fully qualified Service URL; the last hop answers itself', () => {
    const envs = deployments(chain).map((d) => env(onlyContainer(d)));
    expect(envs.map((e) => e.NEXT_HOP)).toEqual([
      `http://server-2.${NS}.svc.cluster.local:8080/`,
      `http://server-3.${NS}.svc.cluster.local:8080/`,
      undefined,
    ]);
    expect(envs.map((e) => e.HOP_NAME)).toEqual(['hop-1', 'hop-2', 'hop-3']);
    for (const e of envs) {
      expect(e).toMatchObject({ PORT: '8080', HOST: '0.0.0.0', RESPONSE_BYTES: '1024', SERVICE_DELAY_US: '250' });
    }
    expect(serverUrl(NS)).toBe(`http://server-1.${NS}.svc.cluster.local:8080/`);
  });

  it('exposes port 8080 as http with appProtocol http, and selects exactly its own pods', () => {
    const ds = deployments(chain);
    services(chain).forEach((svc, i) => {
      expect(svc.spec?.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }]);
      const podLabels = ds[i]?.spec?.template.metadata?.labels ?? {};
      expect(Object.entries(svc.spec?.selector ?? {}).every(([k, v]) => podLabels[k] === v)).toBe(true);
      // …and no other hop's pods.
      ds.filter((_, j) => j !== i).forEach((other) => {
        const labels = other.spec?.template.metadata?.labels ?? {};
        expect(Object.entries(svc.spec?.selector ?? {}).every(([k, v]) => labels[k] === v)).toBe(false);
      });
      expect(ds[i]?.spec?.selector.matchLabels).toEqual(svc.spec?.selector);
    });
    for (const d of ds) {
      const c = onlyContainer(d);
      expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      expect(c.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    }
  });

  it('runs the workload server, non-root and locked down, on the server node', () => {
    for (const d of deployments(chain)) {
      expect(d.spec?.replicas).toBe(2);
      const pod = d.spec?.template.spec;
      expect(pod?.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: 'server' });
      expect(pod?.terminationGracePeriodSeconds).toBe(10);
      const c = onlyContainer(d);
      expect(c).toMatchObject({
        name: 'server',
        image: IMAGE,
        imagePullPolicy: 'IfNotPresent',
        command: ['node', 'dist/src/workload/main.js'],
        workingDir: '/app',
        resources: DEFAULT_SERVER_RESOURCES,
      });
      expect(c.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('uses the resources it is given', () => {
    const resources = { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } };
    const [d] = deployments(serverChain({ namespace: NS, image: IMAGE, hops: 1, replicas: 1, responseBytes: 0, serviceDelayUs: 0, resources }));
    expect(onlyContainer(d as V1Deployment).resources).toEqual(resources);
  });

  it('refuses options the resolved scenario never produces', () => {
    const base = { namespace: NS, image: IMAGE, hops: 1, replicas: 1, responseBytes: 0, serviceDelayUs: 0 };
    expect(() => serverChain({ ...base, hops: 0 })).toThrow(/hops/);
    expect(() => serverChain({ ...base, hops: 9 })).toThrow(/hops/);
    expect(() => serverChain({ ...base, replicas: 1.5 })).toThrow(/replicas/);
    expect(() => serverChain({ ...base, responseBytes: -1 })).toThrow(/responseBytes/);
    expect(() => serverChain({ ...base, image: '' })).toThrow(/image/);
  });
});

describe('loadClient', () => {
  const client = loadClient({ namespace: NS, image: IMAGE });

  it('is one idle agent pod on the load node, with the same lockdown as the servers', () => {
    expect(client.metadata).toMatchObject({ name: 'load-client', namespace: NS });
    expect(client.spec?.replicas).toBe(1);
    expect(client.spec?.template.spec?.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: 'load' });
    const c = onlyContainer(client);
    expect(c).toMatchObject({
      name: 'load',
      image: IMAGE,
      imagePullPolicy: 'IfNotPresent',
      command: ['node', 'bin/bench.js', 'agent'],
      resources: DEFAULT_LOAD_CLIENT_RESOURCES,
    });
    const server = onlyContainer(deployments(serverChain({ namespace: NS, image: IMAGE, hops: 1, replicas: 1, responseBytes: 0, serviceDelayUs: 0 }))[0] as V1Deployment);
    expect(c.securityContext).toEqual(server.securityContext);
  });

  it('is not selected by any server Service', () => {
    const podLabels = client.spec?.template.metadata?.labels ?? {};
    for (const svc of services(serverChain({ namespace: NS, image: IMAGE, hops: 2, replicas: 1, responseBytes: 0, serviceDelayUs: 0 }))) {
      expect(Object.entries(svc.spec?.selector ?? {}).every(([k, v]) => podLabels[k] === v)).toBe(false);
    }
  });

  it('has the documented default resources, the same for every system', () => {
    expect(DEFAULT_SERVER_RESOURCES).toEqual({ requests: { cpu: '500m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } });
    expect(DEFAULT_LOAD_CLIENT_RESOURCES).toEqual({ requests: { cpu: '1', memory: '256Mi' }, limits: { cpu: '2', memory: '512Mi' } });
  });
});
