import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../src/core/errors.js';
import { startLocalChain, workloadMainPath } from '../src/workload/local-servers.js';

const built = existsSync(workloadMainPath());

describe.skipIf(!built)('a local hop that does not start (compiled server; run `npm run build` first)', () => {
  it('quotes only the first line a hop printed instead of its listening line', async () => {
    const error = await startLocalChain({ hops: 1, responseBytes: 0, serviceDelayUs: 0, extraFlags: ['--help'] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommandError);
    const firstLine = 'usage: node dist/src/workload/main.js [flags]   (each flag also reads the environment variable shown)';
    expect((error as Error).message).toContain(`(hop-1 printed ${JSON.stringify(firstLine)} instead of its listening line)`);
  });

  it('gives the reason alone when the hop wrote nothing on stderr', async () => {
    const error = await startLocalChain({ hops: 1, responseBytes: 0, serviceDelayUs: 0, startTimeoutMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).output).toBe('');
    expect((error as Error).message).toMatch(/^command failed \(hop-1 did not report listening within 1 ms\): /);
  });

  it('reports a hop that died with its pid, command line, signal and stderr', async () => {
    const chain = await startLocalChain({ hops: 2, responseBytes: 0, serviceDelayUs: 0 });
    try {
      const victim = chain.hops[1]!;
      process.kill(victim.pid, 'SIGKILL');
      const crash = await chain.crash;
      expect(crash).toEqual({
        kind: 'crashed',
        hop: 'hop-2',
        pid: victim.pid,
        argv: expect.arrayContaining([process.execPath, '--name', 'hop-2']) as unknown,
        exitCode: null,
        signal: 'SIGKILL',
        stderr: '',
      });
      expect(chain.crashed()).toBe(crash);
      expect(await chain.exited).toBe(crash);
    } finally {
      await chain.stop();
    }
  });
});
