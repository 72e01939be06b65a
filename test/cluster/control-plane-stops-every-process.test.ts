import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startControlPlane } from '../helpers/control-plane.js';
import { findControlPlaneBinaries } from '../helpers/control-plane-tools.js';
import { isAlive } from '../helpers/test-processes.js';

/**
 * The control plane leaves nothing behind: stop() ends every component's process group and removes the run-private
 * directory (kubeconfig, keys, etcd data). The other files stop it in afterAll, which runs when a test failed too.
 */
const found = findControlPlaneBinaries();
if (!found.ok) console.warn(`skipped the control-plane stop test (test/cluster): ${found.reason}`);


describe.skipIf(!found.ok)('stopping the control plane', () => {
  it('ends etcd, the API server, the controllers, the scheduler and kwok, and removes its directory', async () => {
    if (!found.ok) return;
    const cp = await startControlPlane({ binaries: found.binaries, name: 'stop' });
    const pids = cp.pids();
    try {
      expect(pids).toHaveLength(5);
      expect(pids.every(isAlive)).toBe(true);
      expect(existsSync(cp.kubeconfig)).toBe(true);
    } finally {
      await cp.stop();
    }
    expect(pids.filter(isAlive)).toEqual([]);
    expect(existsSync(cp.dir)).toBe(false);
  });
});
