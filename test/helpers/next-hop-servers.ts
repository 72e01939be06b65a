import type { Server } from 'node:http';
import { afterEach } from 'vitest';
import type { RunningWorkloadServer } from '../../src/workload/server.js';

/** Listens on an ephemeral loopback port; resolves with the server's base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * Lists a test pushes the servers it starts into (workload servers and plain upstreams), each closed after every test
 * of the enclosing describe, connections and all.
 */
export function closedAfterEach(): { servers: RunningWorkloadServer[]; plain: Server[] } {
  const servers: RunningWorkloadServer[] = [];
  const plain: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    for (const s of plain.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });
  return { servers, plain };
}
