import { afterEach } from 'vitest';
import type { WorkloadServerOptions } from '../../src/workload/options.js';
import { startWorkloadServer, type RunningWorkloadServer } from '../../src/workload/server.js';

/**
 * Call inside a describe block: every workload server started through the function it returns is closed after each
 * test of that block, whether the test passed or not.
 */
export function workloadServersClosedAfterEach(): (options: WorkloadServerOptions) => Promise<RunningWorkloadServer> {
  const running: RunningWorkloadServer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });
  return async (options) => {
    const server = await startWorkloadServer(options);
    running.push(server);
    return server;
  };
}
