import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { ClientNodeKube, clientNodeKubeFactory } from '../src/kube/client-node-kube.js';
import { startFakeApiServer, writeKubeconfig, type FakeApiServer } from './helpers/fake-api-server.js';

/**
 * Which server and which credentials a ClientNodeKube uses: two recording servers show which one was asked and with
 * which user's token, something a real API server does not report (it would take a control plane per context).
 * Client-certificate authentication against a real API server is asserted in
 * test/cluster/rollout-waits-exec-and-node-proxy-on-kwok.test.ts.
 */
let first: FakeApiServer;
let second: FakeApiServer;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  first = await startFakeApiServer();
  second = await startFakeApiServer();
  for (const api of [first, second]) api.route('GET', '/api/v1/nodes', { body: { kind: 'NodeList', items: [] } });
});

afterEach(async () => {
  await first.close();
  await second.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function twoContexts(current: string | undefined): Promise<string> {
  const kubeconfig = await writeKubeconfig(
    [
      { name: 'kind-first', server: first.url, token: 'first-token' },
      { name: 'kind-second', server: second.url, token: 'second-token' },
    ],
    current,
  );
  cleanups.push(kubeconfig.remove);
  return kubeconfig.path;
}

describe('context selection', () => {
  it('uses the file’s current context when none is given', async () => {
    await clientNodeKubeFactory({ kubeconfig: await twoContexts('kind-first') }).listNodes();

    expect(first.apiRequests().map((r) => r.headers.authorization)).toEqual(['Bearer first-token']);
    expect(second.requests).toEqual([]);
  });

  it('uses the given context’s cluster and user', async () => {
    await clientNodeKubeFactory({ kubeconfig: await twoContexts('kind-first'), context: 'kind-second' }).listNodes();

    expect(second.apiRequests().map((r) => r.headers.authorization)).toEqual(['Bearer second-token']);
    expect(first.requests).toEqual([]);
  });

  it('rejects an unknown context, naming it and the available ones', async () => {
    const path = await twoContexts('kind-first');

    const error = (() => {
      try {
        return new ClientNodeKube({ kubeconfig: path, context: 'kind-third' });
      } catch (e) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`${path}: contexts: no context "kind-third" (available: kind-first, kind-second)`);
  });

  it('rejects a file without a current context when no context is given', async () => {
    const path = await twoContexts(undefined);

    expect(() => new ClientNodeKube({ kubeconfig: path })).toThrow(
      `${path}: current-context: not set and no context given (available: kind-first, kind-second)`,
    );
  });

  it('rejects a missing kubeconfig file, naming it', async () => {
    // Inside a folder of our own that we remove: absent whatever else is on this machine.
    const dir = await mkdtemp(join(tmpdir(), 'mesh-bench-kubeconfig-'));
    await rm(dir, { recursive: true });
    const path = join(dir, 'kubeconfig');

    expect(() => new ClientNodeKube({ kubeconfig: path })).toThrow(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot load kubeconfig: ENOENT`),
    );
  });
});

describe('the user’s own configuration is never read', () => {
  const saved = { HOME: process.env.HOME, KUBECONFIG: process.env.KUBECONFIG };

  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('works from the given file with an empty HOME', async () => {
    const home = await mkdtemp(join(tmpdir(), 'mesh-bench-empty-home-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    process.env.HOME = home;
    delete process.env.KUBECONFIG;
    const own = await writeKubeconfig([{ name: 'own', server: first.url, token: 'own-token' }], 'own');
    cleanups.push(own.remove);

    expect(await clientNodeKubeFactory({ kubeconfig: own.path }).listNodes()).toEqual([]);
  });

  it('ignores ~/.kube/config and $KUBECONFIG pointing at another cluster', async () => {
    const home = await mkdtemp(join(tmpdir(), 'mesh-bench-decoy-home-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    // Decoys: if anything merged them in, their current context (the second server) would win.
    const decoy = await writeKubeconfig([{ name: 'decoy', server: second.url, token: 'decoy-token' }], 'decoy');
    cleanups.push(decoy.remove);
    await mkdir(join(home, '.kube'));
    await copyFile(decoy.path, join(home, '.kube', 'config'));
    process.env.HOME = home;
    process.env.KUBECONFIG = decoy.path;
    const own = await writeKubeconfig([{ name: 'own', server: first.url, token: 'own-token' }], 'own');
    cleanups.push(own.remove);

    const kube = clientNodeKubeFactory({ kubeconfig: own.path });
    await kube.listNodes();
    await kube.nodeProxyGet('n', 'metrics/resource').catch(() => undefined);

    expect(first.apiRequests().map((r) => r.headers.authorization)).toEqual(['Bearer own-token', 'Bearer own-token']);
    expect(second.requests).toEqual([]);
  });

  it('does not fall back to ~/.kube/config or $KUBECONFIG when the given context is missing', async () => {
    const home = await mkdtemp(join(tmpdir(), 'mesh-bench-home-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    const decoy = await writeKubeconfig([{ name: 'wanted', server: second.url, token: 'decoy-token' }], 'wanted');
    cleanups.push(decoy.remove);
    process.env.HOME = home;
    process.env.KUBECONFIG = decoy.path;
    const own = await writeKubeconfig([{ name: 'own', server: first.url, token: 'own-token' }], 'own');
    cleanups.push(own.remove);

    expect(() => new ClientNodeKube({ kubeconfig: own.path, context: 'wanted' })).toThrow(/no context "wanted" \(available: own\)/);
  });
});
