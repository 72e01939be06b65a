import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ReleaseQueue } from '../src/workload/release-queue.js';

/** Waits (polling each millisecond) until `done()` holds, for at most `ms` milliseconds: a loaded machine may run late. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done() && performance.now() < deadline) await sleep(1);
}

/** Resolves on the next turn of the event loop's check phase (after the immediates queued before it). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('release queue order and timing', () => {
  it('puts an item due before everything queued first, without reaching into slots already released', async () => {
    const released: (string | undefined)[] = [];
    const queue = new ReleaseQueue<string>((item) => released.push(item));
    const t0 = performance.now();
    queue.push(t0 - 10, 'A', 0);
    await until(() => released.length === 1, 2000);
    expect(released).toEqual(['A']);
    // A's slot (just before the head now) still holds its instant, later than C's: C must stop at the head.
    queue.push(t0 - 5, 'B', 0);
    queue.push(t0 - 20, 'C', 0);
    expect(queue.size).toBe(2);
    await until(() => released.length === 3, 2000);
    expect(released).toEqual(['A', 'C', 'B']);
    expect(queue.size).toBe(0);
  });

  it('releases the codes given with each item', async () => {
    const released: [string, number][] = [];
    const queue = new ReleaseQueue<string>((item, code) => released.push([item, code]));
    const now = performance.now();
    queue.push(now - 1, 'late', 7);
    queue.push(now - 3, 'early', -2);
    queue.push(now - 2, 'middle', 1 << 20);
    await until(() => released.length === 3, 2000);
    expect(released).toEqual([
      ['early', -2],
      ['middle', 1 << 20],
      ['late', 7],
    ]);
  });

  it('keeps releasing while items keep arriving for the instant it is already armed for', async () => {
    const released: number[] = [];
    const queue = new ReleaseQueue<number>((item) => released.push(item));
    const due = performance.now() - 1;
    let pushed = 0;
    let releasedWhileProducing = -1;
    // A producer on the check phase, one push per turn, each at the same (already due) instant.
    await new Promise<void>((resolve) => {
      const produce = (): void => {
        if (pushed === 50) {
          releasedWhileProducing = released.length;
          resolve();
          return;
        }
        setImmediate(produce);
        queue.push(due, pushed++, 0);
      };
      produce();
    });
    // Each push after the first finds the queue armed for its instant: re-arming would postpone the release behind
    // the producer's next turn, every turn, and nothing would come out until the producer stopped.
    expect(releasedWhileProducing).toBeGreaterThanOrEqual(45);
    await nextTurn();
    expect(released).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('grows past its capacity keeping every item, also when the ring has wrapped', async () => {
    const released: number[] = [];
    const queue = new ReleaseQueue<number>((item) => released.push(item), { capacity: 16 });
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) queue.push(t0 - 100 + i, i, 0);
    await until(() => released.length === 10, 2000);
    expect(released).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    released.length = 0;
    // The head is at slot 10: the first six land in slots 10…15, the next ten wrap to 0…9, then it must grow (twice).
    const base = performance.now() + 4;
    for (let i = 0; i < 40; i++) queue.push(base + i / 100, i, i);
    expect(queue.size).toBe(40);
    await until(() => released.length === 40, 2000);
    expect(released).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(queue.size).toBe(0);
  });

  it('works without a capacity given (grows from its default)', async () => {
    const released: number[] = [];
    const queue = new ReleaseQueue<number>((item) => released.push(item));
    const base = performance.now() - 50;
    for (let i = 0; i < 2000; i++) queue.push(base + i / 1000, i, 0);
    expect(queue.size).toBe(2000);
    await until(() => released.length === 2000, 2000);
    expect(released.length).toBe(2000);
    expect(released.every((item, i) => item === i)).toBe(true);
  });

  it('never releases before the due instant, by timer or by spinning', async () => {
    const releasedAt: [number, number][] = [];
    const queue = new ReleaseQueue<number>((item) => releasedAt.push([item, performance.now()]));
    const now = performance.now();
    const dues = [now + 25, now + 1, now + 8];
    dues.forEach((due, i) => queue.push(due, i, 0));
    await until(() => releasedAt.length === 3, 2000);
    expect(releasedAt.map(([item]) => item)).toEqual([1, 2, 0]);
    for (const [item, at] of releasedAt) expect(at).toBeGreaterThanOrEqual(dues[item]!);
  });

  it('holds everything while the gate is shut, even items that fell due before, and releases them in order when it opens', async () => {
    const releasedAt: [string, number][] = [];
    let opensAt = 0;
    const gateCalls: number[] = [];
    const queue = new ReleaseQueue<string>((item) => releasedAt.push([item, performance.now()]), {
      gate: (now) => {
        gateCalls.push(now);
        return now < opensAt ? opensAt : now;
      },
    });
    const now = performance.now();
    opensAt = now + 20;
    queue.push(now - 2, 'due-before', 0);
    queue.push(now + 5, 'due-while-shut', 0);
    await sleep(10);
    // Unless the machine is so loaded that the gate opened meanwhile, nothing has come out yet.
    if (performance.now() < opensAt) expect(releasedAt).toEqual([]);
    await until(() => releasedAt.length === 2, 2000);
    expect(releasedAt.map(([item]) => item)).toEqual(['due-before', 'due-while-shut']);
    for (const [, at] of releasedAt) expect(at).toBeGreaterThanOrEqual(opensAt);
    expect(gateCalls.length).toBeGreaterThan(0);
    // An open gate (it returns `now`) lets an item through at once.
    queue.push(performance.now() - 1, 'open', 0);
    await until(() => releasedAt.length === 3, 2000);
    expect(releasedAt.map(([item]) => item)).toEqual(['due-before', 'due-while-shut', 'open']);
  });
});
