import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * The file checks before any hop starts. `access` is replaced by a fake that refuses exactly the paths a test names
 * (and answers every other path like the real one), so a build that is missing one file can be played without
 * touching dist/.
 */
const missing = vi.hoisted(() => ({ suffixes: [] as string[] }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    access: async (path: string, mode?: number): Promise<void> => {
      if (missing.suffixes.some((suffix) => String(path).endsWith(suffix))) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, access '${String(path)}'`), { code: 'ENOENT' });
      }
      return real.access(path, mode);
    },
  };
});

const { startLocalChain, workloadMainPath } = await import('../src/workload/local-servers.js');

describe('starting a local chain', () => {
  afterEach(() => {
    missing.suffixes = [];
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s hops before anything else', async (hops) => {
    missing.suffixes = ['main.js', 'exit-with-parent.js'];
    await expect(startLocalChain({ hops, responseBytes: 0, serviceDelayUs: 0 })).rejects.toThrow(
      new RangeError(`hops must be a positive integer, got ${hops}`),
    );
  });

  it('refuses to start when its signal is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('stopped by the test');
    controller.abort(reason);
    await expect(startLocalChain({ hops: 1, responseBytes: 0, serviceDelayUs: 0, signal: controller.signal })).rejects.toBe(
      reason,
    );
  });

  it.each(['main.js', 'exit-with-parent.js'])('names the compiled %s when it is missing, and how to build it', async (file) => {
    missing.suffixes = [`/dist/src/workload/${file}`];
    const expected = fileURLToPath(new URL(`../dist/src/workload/${file}`, import.meta.url));
    await expect(startLocalChain({ hops: 1, responseBytes: 0, serviceDelayUs: 0 })).rejects.toThrow(
      new Error(`workload server not built: ${expected} is missing (run \`npm run build\`)`),
    );
  });

  it('runs the compiled server from dist/, both from the TypeScript source and from the compiled module', () => {
    expect(workloadMainPath('file:///repo/src/workload/local-servers.ts')).toBe('/repo/dist/src/workload/main.js');
    expect(workloadMainPath('file:///repo/dist/src/workload/local-servers.js')).toBe('/repo/dist/src/workload/main.js');
    expect(workloadMainPath()).toBe(fileURLToPath(new URL('../dist/src/workload/main.js', import.meta.url)));
  });
});
