import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { connectionTarget, workerShare } from '../src/load/engine.js';
import type { ShareSpec } from '../src/load/run-share.js';

// How the engine reads a share's worker thread (share-worker.ts's protocol: → 'ready', ← { startAtEpochMs },
// ← 'stop', → { outcome }) and what it makes of a worker that crashes or exits without reporting. The workers here
// are small scripts of the test's own, started through workerShare's seam.
function spec(workerIndex: number): ShareSpec {
  return {
    target: connectionTarget('http://127.0.0.1:1/'),
    mode: 'rate',
    rate: 100,
    arrival: 'uniform',
    seed: 1,
    workerIndex,
    workerCount: 3,
    connections: 1,
    maxConnections: 1,
    warmupMs: 0,
    durationMs: 1000,
    timeoutMs: 1000,
  };
}

/** A worker running `body` (CommonJS, with `port` and `data` in scope). */
function script(body: string): (s: ShareSpec) => Worker {
  return (s) => new Worker(`const { parentPort: port, workerData: data } = require('node:worker_threads');\n${body}`, { eval: true, workerData: s });
}

/** The promise's outcome, or a failure after `ms`: a promise that never settles fails the test instead of hanging it. */
function within<T>(p: Promise<T>, ms = 3000): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms))]);
}

describe('a share on a worker thread', () => {
  it('is ready when its worker says so, sends it the common start instant, and resolves with the outcome it reports', async () => {
    const share = workerShare(
      spec(1),
      script(`
        port.postMessage('ready');
        port.on('message', (m) => {
          port.postMessage({ outcome: { got: m, workerIndex: data.workerIndex } });
          port.close();
        });`),
    );
    await within(share.ready);
    expect(await within(share.start(1_700_000_000_123.5))).toEqual({ got: { startAtEpochMs: 1_700_000_000_123.5 }, workerIndex: 1 });
  });

  it('is not ready before its worker says so', async () => {
    const share = workerShare(spec(0), script(`setTimeout(() => port.postMessage('ready'), 150); port.on('message', () => process.exit(0));`));
    let ready = false;
    void share.ready.then(() => (ready = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(ready).toBe(false);
    await within(share.ready);
    share.stop();
  });

  it("passes stop on as 'stop'", async () => {
    const share = workerShare(
      spec(0),
      script(`
        const seen = [];
        port.postMessage('ready');
        port.on('message', (m) => {
          seen.push(m);
          if (m === 'stop') { port.postMessage({ outcome: { seen } }); port.close(); }
        });`),
    );
    await within(share.ready);
    const outcome = share.start(5);
    share.stop();
    expect(await within(outcome)).toEqual({ seen: [{ startAtEpochMs: 5 }, 'stop'] });
  });

  it('fails ready, and the outcome, with the error a worker crashed with', async () => {
    const share = workerShare(spec(0), script(`throw new Error('share could not start: no target')`));
    await expect(within(share.ready)).rejects.toThrow(/^share could not start: no target$/);
    await expect(within(share.start(1))).rejects.toThrow(/^share could not start: no target$/);
  });

  it('fails ready, naming the worker and its exit code, when the worker exits before reporting', async () => {
    const share = workerShare(spec(2), script(`process.exit(3)`));
    await expect(within(share.ready)).rejects.toThrow(new Error('load worker 2 exited with code 3 before reporting'));
  });

  it('leaves no unhandled rejection behind when its worker dies before start: ready alone reports it', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const share = workerShare(spec(0), script(`process.exit(4)`));
      await expect(within(share.ready)).rejects.toThrow(new Error('load worker 0 exited with code 4 before reporting'));
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('fails the outcome the same way when the worker exits after ready, before its outcome', async () => {
    const share = workerShare(spec(1), script(`port.postMessage('ready'); port.on('message', () => process.exit(7));`));
    await within(share.ready);
    await expect(within(share.start(1))).rejects.toThrow(new Error('load worker 1 exited with code 7 before reporting'));
  });
});
