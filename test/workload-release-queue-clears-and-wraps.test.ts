import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ReleaseQueue } from '../src/workload/release-queue.js';

/** Waits (polling each millisecond) until `done()` holds, for at most `ms` milliseconds: a loaded machine may run late. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done() && performance.now() < deadline) await sleep(1);
}

describe('release queue storage', () => {
  it('drops every queued item on clear, releasing nothing afterwards', async () => {
    const released: number[] = [];
    const queue = new ReleaseQueue<number>((item) => released.push(item));
    const now = performance.now();
    queue.push(now + 2, 1, 0); // spun for: armed with setImmediate
    queue.push(now + 20, 2, 0); // slept for: a timer
    queue.clear();
    expect(queue.size).toBe(0);
    await sleep(40);
    expect(released).toEqual([]);
    // Still usable after a clear.
    queue.push(performance.now() + 2, 3, 0);
    await until(() => released.length > 0, 5000);
    expect(released).toEqual([3]);
  });

  it('keeps due order when an earlier instant is inserted across the end of its ring', async () => {
    const released: number[] = [];
    const queue = new ReleaseQueue<number>((item) => released.push(item), { capacity: 16 });
    const first = performance.now() + 2;
    for (let i = 0; i < 12; i++) queue.push(first, i, 0);
    await until(() => released.length === 12, 5000);
    expect(released).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    released.length = 0;
    // The head is now at slot 12: these ten occupy slots 12…15 and 0…5, and the last one belongs before them all.
    const base = performance.now() + 5;
    for (let i = 1; i <= 9; i++) queue.push(base + i / 10, i, i * 10);
    queue.push(base, 0, 0);
    expect(queue.size).toBe(10);
    await until(() => released.length === 10, 5000);
    expect(released).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(queue.size).toBe(0);
  });
});
