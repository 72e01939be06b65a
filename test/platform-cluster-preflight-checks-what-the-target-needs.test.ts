import { describe, expect, it } from 'vitest';
import { PreflightError } from '../src/core/errors.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { clusterRunFixture, type ClusterRunFixture } from './helpers/cluster-run.js';

/**
 * `bench run`'s preflight on a cluster target: an existing cluster needs kubectl (at its pin) and nothing of this
 * machine; a kind target runs the cluster here, so Docker, kind and kubectl and the machine's limits are checked.
 */
function onASmallMachine(target: 'kind' | 'existing'): ClusterRunFixture {
  const f = clusterRunFixture(target === 'existing' ? { target, existing: { kubeconfig: '/home/me/.kube/config', context: 'staging' } } : { target });
  // Ubuntu's inotify defaults and one core: too small for kind, irrelevant to a cluster elsewhere.
  f.fs.files.set('/proc/sys/fs/inotify/max_user_watches', '8192\n');
  f.fs.files.set('/proc/sys/fs/inotify/max_user_instances', '128\n');
  return f;
}

describe('cluster preflight', () => {
  it("checks an existing cluster's kubectl at its pin and none of this machine's limits", async () => {
    const f = onASmallMachine('existing');
    await new ClusterPlatform({ ...f.options, cores: 1 }).preflight(['baseline']);
    expect(f.transcript).toEqual(['$ kubectl version --client --output json']);
    expect(f.logger.lines.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('stops an existing-cluster run whose kubectl is missing', async () => {
    const f = onASmallMachine('existing');
    f.runner.fail(['kubectl', 'version'], 'kubectl: command not found', 127);
    const error = await new ClusterPlatform(f.options).preflight(['baseline']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    // One line, about kubectl alone: nothing about this machine's limits.
    expect((error as PreflightError).problems).toEqual([expect.stringMatching(/^kubectl .*install v1\.36\.1 \(see \.github\/scripts\/install-tools\.sh\)$/)]);
  });

  it("checks a kind target's Docker, kind and kubectl and refuses this machine's inotify limits and cores", async () => {
    const f = onASmallMachine('kind');
    const error = await new ClusterPlatform({ ...f.options, cores: 1 }).preflight(['baseline']).catch((e: unknown) => e);
    expect(f.transcript).toEqual(expect.arrayContaining(['$ kubectl version --client --output json', '$ kind version']));
    expect(f.transcript.some((l) => l.startsWith('$ docker version'))).toBe(true);
    expect(error).toBeInstanceOf(PreflightError);
    const message = (error as Error).message;
    expect(message).toContain('fs.inotify.max_user_watches is 8192, kind needs at least 524288');
    expect(message).toContain('fs.inotify.max_user_instances is 128, kind needs at least 512');
    expect(message).toMatch(/cores/);
  });
});
