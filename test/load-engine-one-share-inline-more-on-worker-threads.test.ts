import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResolvedLoadStep } from '../src/core/scenario-types.js';
import { runLoad } from '../src/load/engine.js';
import { okServerForFile } from './helpers/ok-http-server.js';

// A one-worker step runs on the calling thread; a step of W > 1 workers starts W worker threads (share-worker.ts, run
// from dist/), one per share. Counted by wrapping node:worker_threads' Worker for this file.
const started = vi.hoisted(() => ({ workers: [] as Array<{ workerIndex: number; connections: number }> }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  class CountedWorker extends real.Worker {
    constructor(filename: string | URL, options?: import('node:worker_threads').WorkerOptions) {
      super(filename, options);
      started.workers.push(options?.workerData as { workerIndex: number; connections: number });
    }
  }
  return { ...real, Worker: CountedWorker };
});

const ok = okServerForFile();
beforeEach(() => {
  started.workers = [];
});

function step(p: Partial<ResolvedLoadStep>): ResolvedLoadStep {
  return { name: 's', mode: 'connections', rate: null, connections: 3, maxConnections: 3, durationS: 0.3, warmupS: 0, arrival: 'uniform', workers: 1, timeoutMs: 2000, ...p };
}
const thresholds = { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 };

describe('engine threads', () => {
  it('a one-worker step starts no worker thread', async () => {
    const run = await runLoad({ url: ok.url, step: step({ workers: 1 }), errorBudget: 0.001, thresholds, seed: 1 });
    expect(started.workers).toEqual([]);
    expect(run.connections.initial).toBe(3);
    expect(run.counts.completed).toBeGreaterThan(0);
  });

  it('a two-worker step starts two worker threads, each given its own share, and merges what they report', async () => {
    const run = await runLoad({ url: ok.url, step: step({ workers: 2 }), errorBudget: 0.001, thresholds, seed: 1 });
    expect(started.workers.map((w) => [w.workerIndex, w.connections])).toEqual([
      [0, 2],
      [1, 1],
    ]);
    expect(run.connections.initial).toBe(3);
    expect(run.counts.completed).toBeGreaterThan(0);
    expect(run.status).toBe('valid');
  });
});
