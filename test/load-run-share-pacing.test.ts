import { describe, expect, it, vi } from 'vitest';
import { createShare } from '../src/load/run-share.js';
import { createRandom, deriveSeed } from '../src/analysis/random.js';
import { connectedShare } from './helpers/connected-share.js';
import { connectAll, conns, fakeLoopEachTest, FakePacedConnection, recorded, shareSpec, Tracked, type Write } from './helpers/run-share-fakes.js';

vi.mock('../src/load/paced-connection.js', async () => ({ PacedConnection: (await import('./helpers/run-share-fakes.js')).FakePacedConnection }));

const loop = fakeLoopEachTest();

const allWrites = (): Write[] => conns().flatMap((c) => c.writes).sort((a, b) => a.intended - b.intended);
/** Answers every request in flight, now. */
const answerAll = (status = 200): void => conns().forEach((c) => c.busy && c.respond(status));

describe('rate steps: each request leaves at its intended instant', () => {
  it("sends this worker's interleaved slice, start + (k·W + i)/R, exactly on time", async () => {
    const share = connectedShare({ rate: 2000, workerCount: 2, workerIndex: 1, connections: 5, maxConnections: 5, durationMs: 5 });
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(16);
    expect(allWrites()).toEqual([10.5, 11.5, 12.5, 13.5, 14.5].map((t) => ({ intended: t, sentMs: t })));
    answerAll();
    await loop.advance(0);
    expect(out.at).toBe(16);
    expect(out.value.counts.sent).toBe(5);
    expect(recorded(out.value.sendLag)).toEqual([0, 0, 0, 0, 0]);
  });

  it('sends Poisson arrivals at the seeded stream "arrivals:<worker>" of the step seed', async () => {
    const spec = shareSpec({ arrival: 'poisson', rate: 1000, seed: 7, workerIndex: 1, workerCount: 2, connections: 8, maxConnections: 8, durationMs: 10 });
    const share = createShare(spec);
    connectAll();
    void share.start(20);
    await loop.advanceTo(30);
    // The same gaps as the schedule draws them: mean 1000/R·W ms, from createRandom(deriveSeed(seed, 'arrivals:1')).
    const random = createRandom(deriveSeed(7, 'arrivals:1'));
    const expected: number[] = [];
    // The schedule runs from 0; the share adds its start (base) to each instant.
    for (let t = 0; ; ) {
      t += -Math.log(1 - random()) * 2;
      if (20 + t >= 30) break;
      expected.push(20 + t);
    }
    expect(expected.length).toBeGreaterThan(1);
    expect(allWrites().map((w) => w.intended)).toEqual(expected);
    share.stop();
  });

  it('with timers firing 1 ms late, still writes on time: it sleeps until 1.5 ms before a due instant, then polls', async () => {
    loop.timerLateMs = 1;
    const share = connectedShare({ rate: 100, connections: 6, maxConnections: 6, warmupMs: 10, durationMs: 50 });
    const out = new Tracked(share.start(20), loop);
    await loop.advanceTo(79);
    // The first request leaves with the start, which is a timer too (1 ms late): a warm-up request, not counted.
    expect(allWrites()).toEqual([
      { intended: 20, sentMs: 21 },
      ...[30, 40, 50, 60, 70].map((t) => ({ intended: t, sentMs: t })),
    ]);
    // Five waits of 10 ms, each woken 1.5 ms early by a timer that fires 1 ms late: 0.5 ms of polling each.
    expect(loop.immediateTurns).toBe(5 * 32);
    answerAll();
    await loop.advanceTo(82);
    expect(out.done).toBe(true);
    expect(out.value.counts.sent).toBe(5);
    expect(recorded(out.value.sendLag)).toEqual([0, 0, 0, 0, 0]);
  });

  it('writes requests due exactly 1.5 ms apart on time (a wait of exactly the spin margin is polled, not slept)', async () => {
    loop.timerLateMs = 1;
    // 2000 req/s over 3 workers: this worker's instants are 1.5 ms apart.
    const share = connectedShare({ rate: 2000, workerCount: 3, connections: 4, maxConnections: 4, durationMs: 6 });
    void share.start(10);
    await loop.advanceTo(15);
    expect(allWrites()).toEqual([
      { intended: 10, sentMs: 11 },
      { intended: 11.5, sentMs: 11.5 },
      { intended: 13, sentMs: 13 },
      { intended: 14.5, sentMs: 14.5 },
    ]);
    share.stop();
  });

  it('waits for the start instant: nothing is written before it', async () => {
    loop.now = 5;
    const share = connectedShare({ rate: 1000, connections: 2, maxConnections: 2, durationMs: 2 });
    void share.start(20);
    await loop.advanceTo(19.5);
    expect(allWrites()).toEqual([]);
    await loop.advanceTo(20);
    expect(allWrites()).toEqual([{ intended: 20, sentMs: 20 }]);
    share.stop();
  });

  it('after a stall past the window end, sends what was due before windowEnd at once and nothing due at or after it', async () => {
    const share = connectedShare({ rate: 100, connections: 10, maxConnections: 10, warmupMs: 10, durationMs: 50 });
    const out = new Tracked(share.start(20), loop);
    await loop.advanceTo(55);
    loop.stall(30);
    await loop.advance(0);
    expect(allWrites()).toEqual([
      ...[20, 30, 40, 50].map((t) => ({ intended: t, sentMs: t })),
      { intended: 60, sentMs: 85 },
      { intended: 70, sentMs: 85 },
    ]);
    answerAll();
    await loop.advance(0);
    const { counts, sendLag } = out.value;
    expect(counts.sent).toBe(5);
    // 60 and 70 were written at 85, after the window ended at 80: sent, but not within the window.
    expect(counts.sentInWindow).toBe(3);
    const lags = recorded(sendLag);
    expect(lags.slice(0, 3)).toEqual([0, 0, 0]);
    expect(lags[3]).toBeCloseTo(15_000, -2);
    expect(lags[4]).toBeCloseTo(25_000, -2);
  });

  it('ends the window at windowEnd when the next instant falls after it, and finishes once nothing is in flight', async () => {
    const share = connectedShare({ rate: 100, connections: 5, maxConnections: 5, durationMs: 45 });
    const out = new Tracked(share.start(20), loop);
    await loop.advanceTo(62);
    expect(allWrites().map((w) => w.intended)).toEqual([20, 30, 40, 50, 60]);
    answerAll();
    await loop.advanceTo(64.5);
    expect(out.done).toBe(false);
    await loop.advanceTo(65);
    expect(out.at).toBe(65);
    expect(out.value.windowMs).toBe(45);
    expect(out.value.stoppedEarly).toBe(false);
    expect(loop.pending()).toEqual([]);
  });
});

describe('closed-loop steps: each connection writes again on each answer', () => {
  it('writes at the start, on each response, never before the start nor at or after windowEnd', async () => {
    loop.now = 3;
    const share = createShare(shareSpec({ mode: 'connections', rate: null, connections: 2, maxConnections: 2, warmupMs: 5, durationMs: 20 }));
    const [c0, c1] = conns() as [FakePacedConnection, FakePacedConnection];
    c0.connect();
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(9.5);
    expect(c0.writes).toEqual([]);
    expect(out.done).toBe(false);
    await loop.advanceTo(10);
    await loop.advanceTo(11);
    c0.respond();
    await loop.advanceTo(12);
    c1.connect();
    await loop.advanceTo(13.25);
    c0.respond();
    await loop.advanceTo(15);
    c1.respond(); // answers 12 (warm-up); writes 15, the window's first instant
    await loop.advanceTo(16);
    c0.respond(404); // answers 13.25 (warm-up)
    await loop.advanceTo(16.5);
    c1.respond();
    await loop.advanceTo(17.75);
    c0.respond(500);
    await loop.advanceTo(34);
    loop.stall(1); // 35 = windowEnd, the end-of-window timer not run yet
    c1.respond();
    await loop.advance(0);
    await loop.advanceTo(36.5);
    expect(out.done).toBe(false);
    c0.respond();
    await loop.advance(0);
    expect(c0.writes.map((w) => w.intended)).toEqual([10, 11, 13.25, 16, 17.75]);
    expect(c1.writes.map((w) => w.intended)).toEqual([12, 15, 16.5]);
    expect(out.at).toBe(36.5);
    const o = out.value;
    expect(o.counts).toMatchObject({ sent: 4, sentInWindow: 4, completed: 4, ok: 3, non2xx: 1, unanswered: 0, notSent: 0 });
    expect(o.statusCodes).toEqual({ '200': 3, '500': 1 });
    expect(o.intended).toBeNull();
    expect(o.sendLag).toBeNull();
    expect(recorded(o.sent)).toEqual([1500, 1750, expect.closeTo(18_500, -2), expect.closeTo(18_750, -2)]);
    expect(o.windowMs).toBe(20);
    expect(loop.pending()).toEqual([]);
  });

  it('counts a dropped request as re-sent and writes a fresh one on reconnect (nothing is queued)', async () => {
    const share = createShare(shareSpec({ mode: 'max', rate: null, connections: 1, maxConnections: 1, durationMs: 10 }));
    const [c0] = conns() as [FakePacedConnection];
    c0.connect();
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(11);
    c0.drop();
    await loop.advanceTo(12);
    c0.connect();
    expect(c0.writes.map((w) => w.intended)).toEqual([10, 12]);
    await loop.advanceTo(13);
    c0.respond();
    await loop.advanceTo(20);
    expect(out.done).toBe(false);
    c0.respond();
    await loop.advance(0);
    expect(out.at).toBe(20);
    expect(out.value.counts).toMatchObject({ sent: 3, completed: 2, resent: 1, reconnects: 1, unanswered: 0, notSent: 0 });
  });
});
