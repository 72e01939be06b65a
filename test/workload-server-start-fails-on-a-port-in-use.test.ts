import { afterEach, describe, expect, it } from 'vitest';
import { startWorkloadServer, type RunningWorkloadServer } from '../src/workload/server.js';

let first: RunningWorkloadServer | null = null;
afterEach(async () => {
  await first?.close();
  first = null;
});

describe('workload server start', () => {
  it('rejects with EADDRINUSE when its port is taken, instead of never settling', async () => {
    first = await startWorkloadServer({ host: '127.0.0.1', port: 0 });
    const second = startWorkloadServer({ host: '127.0.0.1', port: first.port });
    // A start that never settles fails the race's timeout arm instead of the test's own (which would also "pass").
    const outcome = await Promise.race([
      second.then(
        async (s) => {
          await s.close();
          return 'started';
        },
        (e: NodeJS.ErrnoException) => e.code,
      ),
      new Promise<string>((resolve) => setTimeout(() => resolve('never settled within 5 s'), 5000)),
    ]);
    expect(outcome).toBe('EADDRINUSE');
  });
});
