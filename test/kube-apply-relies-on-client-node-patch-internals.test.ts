import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  RequestContext,
  ServerConfiguration,
  createConfiguration,
  type BaseServerConfiguration,
  type HttpMethod,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeApiServer, startFakeApiServer, writeKubeconfig } from './helpers/fake-api-server.js';

/**
 * Defect 7 of issue 8. ClientNodeKube.apply (src/kube/client-node-kube.ts, verbatimBody) relies on a private detail of
 * client-node's KubernetesObjectApi.patch(): the request is made by `options.baseServer.makeRequestContext(path,
 * PATCH)`, exactly once, and the body is set with one `setBody()` on that context *after* the models serialised the
 * object — so a context whose setBody ignores its argument sends the object's own JSON. None of that is public API.
 * These tests hold the library to it directly (not through ClientNodeKube), so a client-node upgrade that changes it
 * fails here by name, and the dependency is pinned exactly, so nothing upgrades it silently.
 */
let api: FakeApiServer;
let kubeconfig: Awaited<ReturnType<typeof writeKubeconfig>>;

beforeEach(async () => {
  api = await startFakeApiServer();
  kubeconfig = await writeKubeconfig([{ name: 'bench', server: api.url, token: 't' }], 'bench');
  api.route('PATCH', '/apis/apps/v1/namespaces/bench/deployments/web', (r) => ({ body: JSON.parse(r.body) }));
});

afterEach(async () => {
  await api.close();
  await kubeconfig.remove();
});

const object = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'bench' },
  spec: { selector: { matchLabels: { app: 'web' } }, fieldTheModelsDoNotKnow: 'x' },
});

class RecordingContext extends RequestContext {
  bodies: unknown[] = [];
  constructor(url: string, method: HttpMethod, private readonly replacement: string | undefined) {
    super(url, method);
  }
  override setBody(body: unknown): void {
    this.bodies.push(body);
    super.setBody((this.replacement ?? body) as string);
  }
}

function recordingConfig(server: string, replacement: string | undefined) {
  const base = new ServerConfiguration<Record<string, string>>(server, {});
  const made: Array<{ endpoint: string; method: string; context: RecordingContext }> = [];
  const baseServer: BaseServerConfiguration = {
    makeRequestContext: (endpoint: string, method: HttpMethod) => {
      const context = new RecordingContext(base.makeRequestContext(endpoint, method).getUrl(), method, replacement);
      made.push({ endpoint, method, context });
      return context;
    },
  };
  return { config: createConfiguration({ baseServer }), made };
}

function objectApi(): KubernetesObjectApi {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig.path);
  return KubernetesObjectApi.makeApiClient(kc);
}

describe('client-node patch() internals that server-side apply relies on', () => {
  it('client-node is pinned exactly at 1.4.0, and that is the version installed', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(manifest.dependencies['@kubernetes/client-node']).toBe('1.4.0');
    const installed = createRequire(import.meta.url)('@kubernetes/client-node/package.json') as { version: string };
    expect(installed.version).toBe('1.4.0');
  });

  it('patch() makes its one request context from the options’ baseServer, for the object path and PATCH', async () => {
    const { config, made } = recordingConfig(api.url, undefined);
    await objectApi().patch(object(), undefined, undefined, 'mesh-bench', true, PatchStrategy.ServerSideApply, config);
    expect(made.map((m) => `${m.method} ${m.endpoint}`)).toEqual(['PATCH /apis/apps/v1/namespaces/bench/deployments/web']);
    const sent = api.apiRequests();
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['PATCH /apis/apps/v1/namespaces/bench/deployments/web']);
    expect(sent[0]?.headers['content-type']).toBe(PatchStrategy.ServerSideApply);
  });

  it('patch() sets the body once, with the models’ serialisation, which drops fields the models do not know', async () => {
    const { config, made } = recordingConfig(api.url, undefined);
    await objectApi().patch(object(), undefined, undefined, 'mesh-bench', true, PatchStrategy.ServerSideApply, config);
    const bodies = made[0]?.context.bodies ?? [];
    expect(bodies).toHaveLength(1);
    expect(typeof bodies[0]).toBe('string');
    const serialised = JSON.parse(bodies[0] as string) as { spec: Record<string, unknown> };
    expect(serialised.spec.selector).toEqual({ matchLabels: { app: 'web' } });
    // Why apply replaces the body at all: without that, this field would be removed from the live object.
    expect(serialised.spec).not.toHaveProperty('fieldTheModelsDoNotKnow');
  });

  it('what the context’s setBody sends is what goes on the wire', async () => {
    const verbatim = JSON.stringify(object());
    const { config } = recordingConfig(api.url, verbatim);
    await objectApi().patch(object(), undefined, undefined, 'mesh-bench', true, PatchStrategy.ServerSideApply, config);
    expect(api.apiRequests()[0]?.body).toBe(verbatim);
  });
});
