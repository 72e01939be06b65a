import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ShareHandle, ShareOutcome, ShareSpec } from '../src/load/run-share.js';
import { shareSpec } from './helpers/run-share-fakes.js';

/**
 * The worker-thread entry (src/load/share-worker.ts), loaded in this thread with its two neighbours faked: the
 * worker_threads port it talks through and the share it runs. Protocol: → 'ready'; ← { startAtEpochMs } or 'stop';
 * → { outcome }, then the port closes.
 */
class FakePort extends EventEmitter {
  readonly posted: unknown[] = [];
  closed = false;
  postMessage(m: unknown): void {
    if (this.closed) throw new Error('FakePort: postMessage after close');
    this.posted.push(m);
  }
  close(): void {
    this.closed = true;
  }
}

class FakeShare implements ShareHandle {
  readonly starts: number[] = [];
  stops = 0;
  resolveReady: () => void = () => {};
  resolveOutcome: (o: ShareOutcome) => void = () => {};
  readonly ready = new Promise<void>((r) => (this.resolveReady = r));
  private readonly outcome = new Promise<ShareOutcome>((r) => (this.resolveOutcome = r));
  start(startMs: number): Promise<ShareOutcome> {
    this.starts.push(startMs);
    return this.outcome;
  }
  stop(): void {
    this.stops++;
  }
}

const OUTCOME = { windowMs: 1000, stoppedEarly: false } as unknown as ShareOutcome;
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

let specsGiven: ShareSpec[];
let share: FakeShare;

async function loadWorker(port: FakePort | null, spec: ShareSpec): Promise<void> {
  vi.doMock('node:worker_threads', () => ({ parentPort: port, workerData: spec }));
  vi.doMock('../src/load/run-share.js', () => ({
    createShare: (s: ShareSpec) => {
      specsGiven.push(s);
      return share;
    },
  }));
  await import('../src/load/share-worker.js');
}

beforeEach(() => {
  vi.resetModules();
  specsGiven = [];
  share = new FakeShare();
});
afterEach(() => {
  vi.doUnmock('node:worker_threads');
  vi.doUnmock('../src/load/run-share.js');
});

describe('the load worker thread', () => {
  it('refuses to run outside a worker thread', async () => {
    await expect(loadWorker(null, shareSpec())).rejects.toThrow(new Error('share-worker must run as a worker thread'));
    expect(specsGiven).toEqual([]);
  });

  it("runs the share its workerData describes and posts 'ready' once its connections are open, not before", async () => {
    const port = new FakePort();
    const spec = shareSpec({ workerIndex: 1, workerCount: 2 });
    await loadWorker(port, spec);
    expect(specsGiven).toEqual([spec]);
    await flush();
    expect(port.posted).toEqual([]);
    share.resolveReady();
    await flush();
    expect(port.posted).toEqual(['ready']);
  });

  it("starts at the common wall-clock instant in this thread's clock, then posts the outcome and closes the port", async () => {
    const port = new FakePort();
    await loadWorker(port, shareSpec());
    port.emit('message', { startAtEpochMs: performance.timeOrigin + 5000 });
    expect(share.starts).toHaveLength(1);
    expect(share.starts[0]).toBeCloseTo(5000, 3);
    expect(share.stops).toBe(0);
    await flush();
    expect(port.posted).toEqual([]);
    expect(port.closed).toBe(false);
    share.resolveOutcome(OUTCOME);
    await flush();
    expect(port.posted).toEqual([{ outcome: OUTCOME }]);
    expect(port.closed).toBe(true);
  });

  it("stops the share on 'stop' without starting it", async () => {
    const port = new FakePort();
    await loadWorker(port, shareSpec());
    port.emit('message', 'stop');
    expect(share.stops).toBe(1);
    expect(share.starts).toEqual([]);
  });
});
