import { describe, expect, it, vi } from 'vitest';
import { createShare } from '../src/load/run-share.js';
import { connectedShare } from './helpers/connected-share.js';
import { carrying, conns, fakeLoopEachTest, FakePacedConnection, shareSpec, socketError, Tracked } from './helpers/run-share-fakes.js';

vi.mock('../src/load/paced-connection.js', async () => ({ PacedConnection: (await import('./helpers/run-share-fakes.js')).FakePacedConnection }));

const loop = fakeLoopEachTest({ immediateCostMs: 0.25 });

const refused = (): Error => socketError('ECONNREFUSED');
const REFUSED = 'connection refused by 127.0.0.1:8080: nothing is listening there (ECONNREFUSED)';

describe('the connection pool of a rate step', () => {
  it('opens another connection when all are busy, while fewer are connecting than requests wait', async () => {
    const share = connectedShare({ rate: 1000, connections: 1, maxConnections: 10 });
    const [c0] = conns() as [FakePacedConnection];
    void share.start(10);
    await loop.advanceTo(12); // 10 on c0; 11 and 12 wait, and one connection opens for each
    expect(conns()).toHaveLength(3);
    await loop.advanceTo(12.5);
    c0.respond(); // c0 takes 11: one waits (12), two connecting
    await loop.advanceTo(13); // 13 waits too: two waiting, two connecting: none opened
    expect(conns()).toHaveLength(3);
    conns()[1]!.connect(); // takes 12: one waiting (13), one connecting
    await loop.advanceTo(14); // two waiting, one connecting: one more
    expect(conns()).toHaveLength(4);
    expect(conns()[1]!.writes.map((w) => w.intended)).toEqual([12]);
    share.stop();
    await loop.advance(1000);
  });

  it('never opens more than maxConnections, and reports the peak', async () => {
    const share = connectedShare({ rate: 1000, connections: 1, maxConnections: 2, durationMs: 5 });
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(14);
    expect(conns()).toHaveLength(2);
    share.stop();
    await loop.advance(1000);
    expect(out.value.connections).toEqual({ initial: 1, peak: 2 });
  });

  it('opens none while connects fail with no response since, and grows again after a response', async () => {
    const share = createShare(shareSpec({ rate: 1000, connections: 2, maxConnections: 4 }));
    const [c0, c1] = conns() as [FakePacedConnection, FakePacedConnection];
    c0.connect();
    c1.fail(refused());
    void share.start(10);
    await loop.advanceTo(11.5); // 10 on c0, 11 waits: no new connection towards a refusing target
    expect(conns()).toHaveLength(2);
    c0.respond(); // a response: the target answers after all; c0 takes 11
    await loop.advanceTo(12); // 12 waits: now one opens
    expect(conns()).toHaveLength(3);
    share.stop();
    await loop.advance(1000);
  });

  it('skips an idle connection that lost its socket and writes on one that is connected', async () => {
    const share = connectedShare({ rate: 100, connections: 2, maxConnections: 2 });
    const [c0, c1] = conns() as [FakePacedConnection, FakePacedConnection];
    c1.fail(socketError('ECONNRESET'));
    void share.start(10);
    await loop.advanceTo(10);
    expect(c0.writes.map((w) => w.intended)).toEqual([10]);
    expect(c1.writes).toEqual([]);
    share.stop();
    await loop.advance(1000);
  });

  it('is ready once every initial connection has connected or failed once (reconnects and repeated failures aside)', async () => {
    const share = createShare(shareSpec({ connections: 3, maxConnections: 3, timeoutMs: 10_000 }));
    const ready = new Tracked(share.ready, loop);
    const [c0, c1, c2] = conns() as [FakePacedConnection, FakePacedConnection, FakePacedConnection];
    c0.connect();
    c1.fail(refused());
    c1.fail(refused());
    c1.connect();
    await loop.advance(1);
    expect(ready.done).toBe(false);
    c2.connect();
    await loop.advance(0);
    expect(ready.at).toBe(1);
  });

  it('is ready anyway after min(timeout, 5 s) when a connection never settles', async () => {
    const short = new Tracked(createShare(shareSpec({ connections: 1, timeoutMs: 1000 })).ready, loop);
    const long = new Tracked(createShare(shareSpec({ connections: 1, timeoutMs: 10_000 })).ready, loop);
    await loop.advanceTo(999);
    expect(short.done).toBe(false);
    await loop.advanceTo(1000);
    expect(short.at).toBe(1000);
    await loop.advanceTo(4999);
    expect(long.done).toBe(false);
    await loop.advanceTo(5000);
    expect(long.at).toBe(5000);
  });
});

describe('giving up on a target that cannot be reached', () => {
  it('gives up 3 s after the start with connection errors and no response, naming the first error', async () => {
    const share = createShare(shareSpec({ rate: 0.5, durationMs: 10_000 }));
    const [c0] = conns() as [FakePacedConnection];
    await loop.advanceTo(50);
    c0.fail(refused());
    const out = new Tracked(share.start(100), loop);
    await loop.advanceTo(3099);
    expect(out.done).toBe(false);
    await loop.advanceTo(3100); // the sweep (every 250 ms from 100) that finds 3000 ms without a response
    const o = out.value;
    expect(o.gaveUp).toBe(`stopped after 3.0 s without a response: ${REFUSED}`);
    expect(out.at).toBe(3100);
    expect(o.windowMs).toBe(3000);
    expect(o.stoppedEarly).toBe(false);
    expect(o.counts).toMatchObject({ socketErrors: 1, sent: 0, notSent: 2 }); // 100 and 2100 never left
    expect(loop.pending()).toEqual([]);
  });

  it('giving up while polling for the next instant leaves no poll behind', async () => {
    // Worker 0 of 3001 at 1000 req/s: instants 3001 ms apart, 100 and 3101; polling for 3101 starts at 3099.5, and a
    // poll is pending at 3100.1 when the sweep at 3100 gives up.
    loop.immediateCostMs = 0.3;
    const share = createShare(shareSpec({ rate: 1000, workerCount: 3001, durationMs: 10_000 }));
    const [c0] = conns() as [FakePacedConnection];
    c0.fail(refused());
    const out = new Tracked(share.start(100), loop);
    await loop.advanceTo(3100);
    expect(out.at).toBe(3100);
    expect(out.value.gaveUp).toBe(`stopped after 3.0 s without a response: ${REFUSED}`);
    expect(loop.pending()).toEqual([]);
  });

  it('does not give up while a request is in flight; gives up once it timed out', async () => {
    const share = createShare(shareSpec({ rate: 0.5, connections: 2, maxConnections: 2, durationMs: 10_000, timeoutMs: 5000 }));
    const [c0, c1] = conns() as [FakePacedConnection, FakePacedConnection];
    c0.connect();
    c1.fail(refused());
    const out = new Tracked(share.start(100), loop);
    await loop.advanceTo(5349);
    expect(out.done).toBe(false);
    await loop.advanceTo(5350);
    expect(c0.abandoned).toBe(1); // 5250 ms old
    await loop.advanceTo(5600);
    expect(out.value.gaveUp).toBe(`stopped after 5.5 s without a response: ${REFUSED}`);
    expect(out.value.counts.timeouts).toBe(1);
  });

  it('counts from the last response, not from the start', async () => {
    const share = createShare(shareSpec({ rate: 0.2, connections: 2, maxConnections: 2, durationMs: 20_000 }));
    const [c0, c1] = conns() as [FakePacedConnection, FakePacedConnection];
    c0.connect();
    const out = new Tracked(share.start(100), loop);
    await loop.advanceTo(1000);
    c0.respond();
    await loop.advanceTo(1500);
    c1.fail(refused());
    await loop.advanceTo(3850);
    expect(out.done).toBe(false);
    await loop.advanceTo(4100);
    expect(out.value.gaveUp).toBe(`stopped after 3.1 s without a response: ${REFUSED}`);
  });

  it('never gives up on a slow target that answers without errors', async () => {
    const share = createShare(shareSpec({ rate: 0.2, durationMs: 10_000 }));
    const [c0] = conns() as [FakePacedConnection];
    c0.connect();
    const out = new Tracked(share.start(100), loop);
    await loop.advanceTo(101);
    c0.respond();
    await loop.advanceTo(5101);
    c0.respond();
    await loop.advanceTo(10_100);
    expect(out.value.gaveUp).toBeNull();
    expect(out.value.counts.completed).toBe(2);
  });
});

/** The share ran nothing: its 2 connections exist, nothing was written on them and no timer is left behind. */
function expectNothingRan(): void {
  expect(conns()).toHaveLength(2);
  expect(conns().flatMap((c) => c.writes)).toEqual([]);
  expect(loop.pending()).toEqual([]);
}

describe('stopping and draining', () => {
  it('stop() before the start finishes at once with an empty window, and nothing runs at the start instant', async () => {
    const share = connectedShare({ rate: 1000, connections: 2, maxConnections: 4 });
    const out = new Tracked(share.start(100), loop);
    await loop.advanceTo(50);
    share.stop();
    await loop.advance(0);
    expect(out.at).toBe(50);
    expect(out.value.windowMs).toBe(0);
    expect(out.value.stoppedEarly).toBe(true);
    await loop.advanceTo(200);
    expectNothingRan();
  });

  it('stop() before start() (an interrupt during the start lead): start() returns that outcome and runs nothing', async () => {
    const share = connectedShare({ rate: 1000, connections: 2, maxConnections: 4 });
    await loop.advanceTo(50);
    share.stop();
    const out = new Tracked(share.start(100), loop);
    await loop.advance(0);
    expect(out.at).toBe(50);
    await loop.advanceTo(2000);
    expect(out.value.stoppedEarly).toBe(true);
    expect(out.value.windowMs).toBe(0);
    expectNothingRan();
  });

  it('stop() mid-window lets requests in flight drain, then leaves no timer behind', async () => {
    const share = connectedShare({ rate: 100, connections: 2, maxConnections: 2 });
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(15); // 10 in flight; a timer set to wake for 20
    share.stop();
    await loop.advanceTo(16);
    expect(out.done).toBe(false);
    carrying(10).respond();
    await loop.advance(0);
    expect(out.at).toBe(16);
    expect(out.value.counts).toMatchObject({ sent: 1, completed: 1, unanswered: 0 });
    expect(out.value.windowMs).toBe(5);
    expect(loop.pending()).toEqual([]);
  });

  it('stop() while polling for the next instant leaves no poll behind', async () => {
    const share = connectedShare({ rate: 100, connections: 2, maxConnections: 2 });
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(19); // polling for 20
    carrying(10).respond();
    share.stop();
    await loop.advance(0);
    expect(out.at).toBe(19);
    expect(loop.pending()).toEqual([]);
  });

  it('at the window end, re-sends a dropped request at once on an idle connection', async () => {
    const share = connectedShare({ rate: 100, connections: 3, maxConnections: 3, durationMs: 30 });
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(31);
    carrying(30).respond(); // idle again
    const idle = conns().find((c) => c.available)!;
    await loop.advanceTo(35);
    carrying(20).drop(); // back in the queue; its connection reconnecting
    await loop.advanceTo(40);
    expect(idle.writes.map((w) => w.intended)).toEqual([30, 20]);
    expect(idle.writes[1]!.sentMs).toBe(40);
    idle.respond();
    carrying(10).respond();
    await loop.advance(0);
    expect(out.value.counts).toMatchObject({ sent: 3, completed: 3, resent: 1, unanswered: 0 });
  });

  it('after stop(), a dropped request is not re-sent: it is counted unanswered', async () => {
    const share = connectedShare({ rate: 100, connections: 3, maxConnections: 3, durationMs: 30 });
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(31);
    carrying(30).respond();
    carrying(10).respond();
    await loop.advanceTo(35);
    carrying(20).drop();
    await loop.advanceTo(36);
    share.stop();
    await loop.advance(0);
    expect(out.at).toBe(36);
    expect(conns().flatMap((c) => c.writes).map((w) => w.intended).sort((a, b) => a - b)).toEqual([10, 20, 30]);
    expect(out.value.counts).toMatchObject({ sent: 3, completed: 2, resent: 1, unanswered: 1, notSent: 0 });
  });

  it('after stop(), a connection that frees up takes no queued request: they are counted not sent', async () => {
    const share = connectedShare({ rate: 100, connections: 1, maxConnections: 1, durationMs: 30 });
    const [c0] = conns() as [FakePacedConnection];
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(35); // 10 in flight on the only connection; 20 and 30 queued behind it
    share.stop();
    await loop.advanceTo(36);
    c0.respond();
    await loop.advance(0);
    expect(out.at).toBe(36);
    expect(c0.writes.map((w) => w.intended)).toEqual([10]);
    expect(out.value.counts).toMatchObject({ sent: 1, completed: 1, unanswered: 0, notSent: 2 });
    expect(loop.pending()).toEqual([]);
  });

  it('waits for a dropped request of the window to be re-sent and answered before finishing', async () => {
    const share = connectedShare({ rate: 100, connections: 1, durationMs: 20 });
    const [c0] = conns() as [FakePacedConnection];
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(11);
    c0.respond(); // 20 goes out at 20
    await loop.advanceTo(25);
    c0.drop(); // 20 back in the queue, c0 reconnecting, nothing in flight when the window ends at 30
    await loop.advanceTo(32);
    expect(out.done).toBe(false);
    c0.connect(); // re-sends 20
    await loop.advanceTo(33);
    c0.respond();
    await loop.advance(0);
    expect(out.at).toBe(33);
    expect(c0.writes.map((w) => w.intended)).toEqual([10, 20, 20]);
    expect(out.value.counts).toMatchObject({ sent: 2, completed: 2, resent: 1, reconnects: 1, unanswered: 0, notSent: 0 });
  });

  it('ends the drain at the next sweep when the last request in flight failed', async () => {
    const share = connectedShare({ rate: 100, connections: 1, durationMs: 20 });
    const [c0] = conns() as [FakePacedConnection];
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(11);
    c0.respond(); // 20 goes out at 20
    await loop.advanceTo(32);
    c0.fail(socketError('ECONNRESET'));
    await loop.advanceTo(259);
    expect(out.done).toBe(false);
    await loop.advanceTo(260);
    expect(out.at).toBe(260);
    expect(out.value.counts).toMatchObject({ sent: 2, completed: 1, requestErrors: 1, unanswered: 0 });
  });
});
