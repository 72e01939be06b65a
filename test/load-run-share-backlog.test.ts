import { describe, expect, it, vi } from 'vitest';
import { createShare } from '../src/load/run-share.js';
import { fakeLoopEachTest, FakePacedConnection, shareSpec, Tracked } from './helpers/run-share-fakes.js';

vi.mock('../src/load/paced-connection.js', async () => ({ PacedConnection: (await import('./helpers/run-share-fakes.js')).FakePacedConnection }));

const loop = fakeLoopEachTest({ immediateCostMs: 0.25 }); // coarser polling: 1 ms instants are still hit exactly, in fewer turns

/** k consecutive instants from `from`, 1 ms apart (a 1000 req/s schedule). */
const instants = (from: number, k: number): number[] => Array.from({ length: k }, (_, i) => from + i);

/** Answers the request in flight on `c` until nothing is left for it to send. */
async function answerUntilIdle(c: FakePacedConnection): Promise<void> {
  while (c.busy) {
    c.respond();
    await loop.advance(0);
  }
}

/**
 * One connection that may not grow, at 1000 req/s: while it is busy every request waits in the share's queue (its
 * first buffer holds 1024 instants), and each answer takes the next one from the front.
 */
describe('the queue of requests waiting for a connection', () => {
  it('keeps every queued request, in order, when it grows past its first buffer', async () => {
    const share = createShare(shareSpec({ rate: 1000, durationMs: 1100 }));
    const [c0] = FakePacedConnection.created as [FakePacedConnection];
    c0.connect();
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(1109.5); // 10 written; 11..1109 (1099 instants) queued
    await answerUntilIdle(c0);
    await loop.advanceTo(1110);
    expect(c0.writes.map((w) => w.intended)).toEqual(instants(10, 1100));
    expect(out.value.counts).toMatchObject({ sent: 1100, completed: 1100, notSent: 0 });
  });

  it('keeps every queued request, in order, when it reuses the room freed at its front', async () => {
    const share = createShare(shareSpec({ rate: 1000, durationMs: 1200 }));
    const [c0] = FakePacedConnection.created as [FakePacedConnection];
    c0.connect();
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(1034.5); // 10 written; 11..1034 queued: the first buffer is full
    for (let i = 0; i < 600; i++) c0.respond(); // 600 leave from the front
    await loop.advanceTo(1100.5); // 66 more queued behind them, in the room the 600 left
    await answerUntilIdle(c0);
    expect(c0.writes.map((w) => w.intended)).toEqual(instants(10, 1091));
    await loop.advanceTo(1215);
    await answerUntilIdle(c0);
    expect(c0.writes.map((w) => w.intended)).toEqual(instants(10, 1200));
    expect(out.value.counts).toMatchObject({ sent: 1200, completed: 1200, notSent: 0 });
  });

  it('puts a dropped request back at the front, whether or not requests were taken from the front before', async () => {
    const share = createShare(shareSpec({ rate: 1000, durationMs: 100 }));
    const [c0] = FakePacedConnection.created as [FakePacedConnection];
    c0.connect();
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(14.5); // 10 written; 11..14 queued
    c0.drop(); // 10 goes back in front of 11
    c0.connect();
    c0.respond(); // 10 re-sent and answered; 11 written
    c0.respond(); // 12 written
    c0.drop(); // 12 goes back in front of 13 (the queue's front has moved on)
    c0.connect();
    await answerUntilIdle(c0);
    expect(c0.writes.map((w) => w.intended)).toEqual([10, 10, 11, 12, 12, 13, 14]);
    await loop.advanceTo(111);
    await answerUntilIdle(c0);
    expect(out.value.counts).toMatchObject({ sent: 100, completed: 100, resent: 2, reconnects: 2, unanswered: 0 });
  });

  it('at the end counts queued re-sends as unanswered (they were written once) and the rest of the window’s queue as not sent', async () => {
    // Warm-up 3 ms: instants 10..12 are warm-up, 13.. the window's.
    const share = createShare(shareSpec({ rate: 1000, warmupMs: 3, durationMs: 100 }));
    const [c0] = FakePacedConnection.created as [FakePacedConnection];
    c0.connect();
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(11);
    c0.respond(); // 10 answered, 11 written
    await loop.advanceTo(12);
    c0.drop(); // 11 (warm-up) back in front: a queued re-send outside the window
    c0.connect(); // re-sends 11
    c0.respond(); // 12 written
    c0.respond(); // 12 answered; nothing queued yet
    await loop.advanceTo(13);
    c0.drop(); // 13 (the window's) back in front
    await loop.advanceTo(16.5); // 14, 15, 16 queued behind it
    share.stop();
    await loop.advance(0);
    expect(out.value.counts).toMatchObject({ sent: 1, unanswered: 1, notSent: 3, resent: 1 });
  });

  it('counts as not sent every queued request of the window, from its first instant on', async () => {
    const share = createShare(shareSpec({ rate: 1000, durationMs: 100 }));
    const [c0] = FakePacedConnection.created as [FakePacedConnection];
    c0.connect();
    const out = new Tracked(share.start(0), loop);
    await loop.advanceTo(3.5); // 0 written (just after the start timer, 1 ms later), 1..3 queued
    share.stop();
    await loop.advance(1000); // the request in flight is given the timeout to drain
    expect(out.at).toBe(1003.5);
    expect(out.value.counts).toMatchObject({ sent: 1, unanswered: 1, notSent: 3 });
  });

  it('does not count queued warm-up requests as not sent', async () => {
    // Warm-up 5 ms: 10..14 are warm-up, 15.. the window's.
    const share = createShare(shareSpec({ rate: 1000, warmupMs: 5, durationMs: 100 }));
    const [c0] = FakePacedConnection.created as [FakePacedConnection];
    c0.connect();
    const out = new Tracked(share.start(10), loop);
    await loop.advanceTo(16.5); // 10 written, 11..16 queued
    share.stop();
    await loop.advance(1000);
    expect(out.value.counts).toMatchObject({ sent: 0, unanswered: 0, notSent: 2 });
  });
});
