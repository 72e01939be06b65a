import { describe, expect, it, vi } from 'vitest';
import { createShare } from '../src/load/run-share.js';
import { connectedShare } from './helpers/connected-share.js';
import { carrying, conns, countsOf, EPOCH_MS, fakeLoopEachTest, FakePacedConnection, recorded, shareSpec, socketError, Tracked } from './helpers/run-share-fakes.js';

vi.mock('../src/load/paced-connection.js', async () => ({ PacedConnection: (await import('./helpers/run-share-fakes.js')).FakePacedConnection }));

const loop = fakeLoopEachTest();

describe('which requests a window counts', () => {
  it('counts requests intended in [windowStart, windowEnd) by status: 2xx is [200, 300), codes from 600 up as 599', async () => {
    const share = connectedShare({ rate: 100, connections: 8, maxConnections: 8, warmupMs: 20, durationMs: 60 });
    const out = new Tracked(share.start(10), loop);
    const statuses: Record<number, number> = { 10: 200, 20: 500, 30: 199, 40: 200, 50: 299, 60: 300, 70: 600, 80: 700 };
    for (const [t, status] of Object.entries(statuses)) {
      await loop.advanceTo(Number(t) + 1.5);
      carrying(Number(t)).respond(status);
    }
    await loop.advanceTo(90);
    const o = out.value;
    expect(o.counts).toEqual(countsOf({ sent: 6, sentInWindow: 6, completed: 6, ok: 2, non2xx: 4 }));
    // The warm-up's 200 and 500 are not the window's.
    expect(o.statusCodes).toEqual({ '199': 1, '200': 1, '299': 1, '300': 1, '599': 2 });
    expect(recorded(o.intended)).toEqual([1500, 1500, 1500, 1500, 1500, 1500]);
    expect(recorded(o.sent)).toEqual([1500, 1500, 1500, 1500, 1500, 1500]);
    expect(recorded(o.sendLag)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(o.connections).toEqual({ initial: 8, peak: 8 });
    expect(o.firstError).toBeNull();
    expect(o.gaveUp).toBeNull();
  });

  it('charges the wait behind a busy connection to the intended-time latency, not to the sent-time one, and records it as send lag', async () => {
    const share = connectedShare({ rate: 1000, durationMs: 1000 });
    const [c0] = conns() as [FakePacedConnection];
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(11.5);
    c0.respond(); // answers 10, then writes 11 (queued since 11) at 11.5
    await loop.advanceTo(12.25);
    c0.respond(); // answers 11, then writes 12 (queued since 12) at 12.25
    expect(c0.writes).toEqual([
      { intended: 10, sentMs: 10 },
      { intended: 11, sentMs: 11.5 },
      { intended: 12, sentMs: 12.25 },
    ]);
    await loop.advanceTo(12.5);
    share.stop();
    await loop.advanceTo(13);
    expect(out.done).toBe(false); // the request in flight drains
    c0.respond();
    await loop.advance(0);
    const o = out.value;
    expect(recorded(o.intended)).toEqual([1000, 1250, 1500]);
    expect(recorded(o.sent)).toEqual([750, 750, 1500]);
    expect(recorded(o.sendLag)).toEqual([0, 250, 500]);
    expect(o.counts).toMatchObject({ sent: 3, sentInWindow: 3, completed: 3, unanswered: 0, notSent: 0 });
    expect(o.stoppedEarly).toBe(true);
    // Stopped at 12.5: the window ran 2.5 ms, though the last answer came at 13.
    expect(o.windowMs).toBe(2.5);
  });

  it('a request of the window written at or after windowEnd is sent, but not sent within the window', async () => {
    const share = connectedShare({ rate: 100, durationMs: 60 });
    const [c0] = conns() as [FakePacedConnection];
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(70);
    c0.respond(); // answers 10 at windowEnd; 20..60 wait in the queue and leave from 70 on
    for (let t = 70.5; c0.busy; t += 0.5) {
      await loop.advanceTo(t);
      c0.respond();
    }
    await loop.advance(0);
    expect(c0.writes.map((w) => w.sentMs)).toEqual([10, 70, 70.5, 71, 71.5, 72]);
    expect(out.value.counts).toMatchObject({ sent: 6, sentInWindow: 1, completed: 6 });
  });

  it('stop() ends the window at that instant: a request intended at that very instant is not the window’s', async () => {
    const share = connectedShare({ rate: 1000, connections: 3, maxConnections: 3 });
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(12);
    share.stop();
    await loop.advanceTo(12.5);
    for (const c of conns()) c.respond();
    await loop.advance(0);
    const o = out.value;
    expect(o.counts).toMatchObject({ completed: 2, unanswered: 0, notSent: 0 });
    expect(o.windowMs).toBe(2);
  });

  it('reports a window run to its end as exactly its duration (no floating-point remainder of end − start)', async () => {
    // (14.0024 + 50) − 14.0024 is 50.00000000000001 in binary floating point.
    const share = connectedShare({ rate: 100, connections: 6, maxConnections: 6, durationMs: 50 });
    const out = new Tracked(share.start(14.0024), loop);
    await loop.advanceTo(70);
    for (const c of conns()) if (c.busy) c.respond();
    await loop.advance(0);
    expect(out.value.windowMs).toBe(50);
    expect(out.value.stoppedEarly).toBe(false);
  });
});

describe('what becomes of requests that are not answered', () => {
  it('counts a window request timed out by the sweep, and abandons it only once it is older than the timeout', async () => {
    // Timeout 120 ms: the sweep runs every 30 ms (a quarter of the timeout, 10–250 ms) from the start at 10.
    const share = connectedShare({ rate: 25, connections: 2, maxConnections: 2, warmupMs: 5, durationMs: 1000, timeoutMs: 120 });
    const out = new Tracked(share.start(10), loop);
    const [c0, c1] = conns() as [FakePacedConnection, FakePacedConnection];
    await loop.advanceTo(159);
    // 10 (warm-up) went out on c1, 50 (the window's) on c0: both still unanswered, not older than 120 ms at the sweep at 130.
    expect([c1.abandoned, c0.abandoned]).toEqual([0, 0]);
    await loop.advanceTo(160);
    expect(c1.abandoned).toBe(1); // 150 ms old at the sweep at 160
    expect(c0.abandoned).toBe(0); // 110 ms old
    await loop.advanceTo(189);
    expect(c0.abandoned).toBe(0);
    await loop.advanceTo(190);
    expect(c0.abandoned).toBe(1);
    share.stop();
    await loop.advance(0);
    expect(out.value.counts.timeouts).toBe(1); // the warm-up one is not the window's
  });

  it('counts requests in flight at the drain timeout as unanswered, warm-up ones excepted', async () => {
    const share = connectedShare({ rate: 100, connections: 3, maxConnections: 3, warmupMs: 10, durationMs: 20, timeoutMs: 5000 });
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(40);
    // 10 (warm-up), 20, 30 in flight; the window ended at 40 and draining gives up after the timeout.
    await loop.advanceTo(5039.5);
    expect(out.done).toBe(false);
    await loop.advanceTo(5040);
    expect(out.at).toBe(5040);
    expect(out.value.counts).toMatchObject({ sent: 2, completed: 0, unanswered: 2, timeouts: 0, notSent: 0 });
    expect(conns().every((c) => c.destroyed)).toBe(true);
    expect(loop.pending()).toEqual([]);
  });

  it('stop() while draining finishes at once, counting the window requests still in flight as unanswered', async () => {
    const share = connectedShare({ rate: 100, connections: 2, maxConnections: 2, durationMs: 20 });
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(35);
    expect(out.done).toBe(false);
    share.stop();
    await loop.advance(0);
    expect(out.at).toBe(35);
    expect(out.value.counts).toMatchObject({ sent: 2, unanswered: 2 });
    // The window had ended (at 30) before stop(): it is reported as the window run.
    expect(out.value.windowMs).toBe(20);
    expect(out.value.stoppedEarly).toBe(true);
  });

  it('stop() after the outcome changes nothing in it', async () => {
    const share = connectedShare({ rate: 100, connections: 1, durationMs: 10, timeoutMs: 100 });
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(120);
    const o = out.value;
    expect(o.counts.unanswered).toBe(1);
    share.stop();
    await loop.advance(0);
    expect(o.counts.unanswered).toBe(1);
    expect(o.stoppedEarly).toBe(false);
  });
});

describe('socket errors', () => {
  it('counts connect failures until windowEnd and request failures of the window; names the first error with its wall-clock instant', async () => {
    const share = createShare(shareSpec({ rate: 100, connections: 4, maxConnections: 4, warmupMs: 10, durationMs: 20, timeoutMs: 5000 }));
    const [c0, c1, c2, c3] = conns() as [FakePacedConnection, FakePacedConnection, FakePacedConnection, FakePacedConnection];
    await loop.advanceTo(2);
    c3.fail(socketError('ECONNREFUSED')); // a connect failure before the start counts
    await loop.advanceTo(3);
    c3.connect();
    c2.connect();
    c1.connect();
    c0.connect();
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(15);
    carrying(10).fail(socketError('ECONNRESET')); // warm-up request: not the window's
    await loop.advanceTo(25);
    carrying(20).fail(socketError('EPIPE')); // the window's: a socket error and a request error
    await loop.advanceTo(40);
    const idle = conns().find((c) => c.available)!;
    idle.fail(socketError('ECONNREFUSED')); // a connect failure at windowEnd exactly: after the window
    await loop.advanceTo(41);
    carrying(30).respond();
    await loop.advance(0);
    const o = out.value;
    expect(o.counts).toMatchObject({ socketErrors: 2, requestErrors: 1, completed: 1, sent: 2, reconnects: 1 });
    expect(o.firstError).toEqual({ atEpochMs: EPOCH_MS + 2, message: 'connection refused by 127.0.0.1:8080: nothing is listening there (ECONNREFUSED)' });
  });

  it('counts a failed connect during the window as a socket error only: no request was lost', async () => {
    const share = connectedShare({ rate: 100, connections: 2, maxConnections: 2, durationMs: 20 });
    const out = new Tracked(share.start(0), loop);
    await loop.advanceTo(5);
    conns().find((c) => c.available)!.fail(socketError('ECONNREFUSED'));
    await loop.advanceTo(20);
    carrying(0).respond();
    carrying(10).respond();
    await loop.advance(0);
    expect(out.value.counts).toMatchObject({ socketErrors: 1, requestErrors: 0, completed: 2 });
  });

  it('counts reconnects after the first connect, and re-sends a dropped request first, counting it once', async () => {
    const share = connectedShare({ rate: 100, connections: 2, maxConnections: 2, warmupMs: 10, durationMs: 30 });
    const [c0, c1] = conns() as [FakePacedConnection, FakePacedConnection];
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(21);
    // 10 (warm-up) on c1, 20 on c0. The server drops both.
    c1.drop();
    c0.drop();
    await loop.advanceTo(22);
    c0.connect(); // re-sends 20 (dropped last, so first in the queue), then 10 on c1
    c1.connect();
    expect(c0.writes.map((w) => w.intended)).toEqual([20, 20]);
    expect(c1.writes.map((w) => w.intended)).toEqual([10, 10]);
    await loop.advanceTo(23);
    c0.respond();
    c1.respond();
    await loop.advanceTo(50);
    c0.respond();
    c1.respond();
    await loop.advance(0);
    const o = out.value;
    expect(o.counts).toMatchObject({ sent: 3, sentInWindow: 3, completed: 3, resent: 1, reconnects: 2, unanswered: 0 });
    expect(o.connections).toEqual({ initial: 2, peak: 2 });
  });
});
