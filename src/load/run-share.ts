import type { LoadMode } from '../core/scenario-types.js';
import type { EncodedHistogram } from '../core/result-schema.js';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../analysis/histogram.js';
import { PacedConnection, type ConnectionOwner, type ConnectionTarget } from './paced-connection.js';
import { createSchedule, type Arrival } from './schedule.js';
import { createRandom, deriveSeed } from '../analysis/random.js';
import { nameConnectionError } from './connection-errors.js';

/**
 * One thread's share of a load step. A step with W workers runs W shares, each with its slice of the rate or of
 * the connections and its interleaved slice of the schedule; their outcomes are merged by the engine.
 *
 * Times are `performance.now()` milliseconds of this thread. Latency is recorded in microseconds:
 * - rate mode: from the intended instant (so a stall delays and is charged to every request that should have left
 *   during it: no coordinated omission) and, separately, from the actual write;
 * - closed-loop modes: from the write (the intended instant is the write).
 * Only requests whose intended instant falls in the measured window are counted; warm-up requests are not.
 */
export interface ShareSpec {
  target: ConnectionTarget;
  mode: LoadMode;
  /** Total rate of the step (rate mode); the schedule gives this share its interleaved slice. */
  rate: number | null;
  arrival: Arrival;
  seed: number;
  workerIndex: number;
  workerCount: number;
  /** Connections this share opens before the start. */
  connections: number;
  /** Connections this share may grow to (rate mode) when every connection is busy. */
  maxConnections: number;
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
}

export interface ShareCounts {
  sent: number;
  /** Sent before the measured window ended (the achieved rate counts these). */
  sentInWindow: number;
  completed: number;
  ok: number;
  non2xx: number;
  socketErrors: number;
  /** Requests of the window lost to a socket error (socketErrors also counts failed connects with no request). */
  requestErrors: number;
  timeouts: number;
  unanswered: number;
  /** Requests of the window never written (the engine or the connection pool could not keep up). */
  notSent: number;
  reconnects: number;
  resent: number;
}

export interface ShareOutcome {
  counts: ShareCounts;
  statusCodes: Record<string, number>;
  intended: EncodedHistogram | null;
  sent: EncodedHistogram;
  sendLag: EncodedHistogram | null;
  connections: { initial: number; peak: number };
  /** Length of the measured window actually run, ms (shorter when stopped early). */
  windowMs: number;
  stoppedEarly: boolean;
  /** The first connection error, in words (connection-errors.ts), with its wall-clock instant to order workers. */
  firstError: { atEpochMs: number; message: string } | null;
  /** Why the share gave up before its window ended (nothing could connect), or null. */
  gaveUp: string | null;
}

/**
 * A share gives up when this long has passed without a response, with connection errors meanwhile and no request in
 * flight: the target refuses, resets, or does not speak HTTP, and waiting out the window would only add errors.
 */
export const UNREACHABLE_AFTER_MS = 3000;

export interface ShareHandle {
  /** Resolves once the initial connections are open (or failed to open within the timeout). */
  ready: Promise<void>;
  /** Starts the share at `startMs` (this thread's performance.now() base); resolves with the outcome. */
  start(startMs: number): Promise<ShareOutcome>;
  /** Stops early (SIGINT, a dead target): the window ends now, in-flight requests drain, queued ones are not sent. */
  stop(): void;
}

/** A growable FIFO of intended instants (requests due while every connection was busy). */
class Backlog {
  private buf = new Float64Array(1024);
  private head = 0;
  private tail = 0;
  get size(): number {
    return this.tail - this.head;
  }
  push(t: number): void {
    if (this.tail === this.buf.length) this.compactOrGrow();
    this.buf[this.tail++] = t;
  }
  /** Puts a dropped request back at the front so it is re-sent first. */
  unshift(t: number): void {
    if (this.head === 0) {
      this.push(t);
      // Rotate it to the front: rare (server closed a connection with a request written), so O(n) is fine.
      // Stryker disable next-line MethodExpression: head is 0 here, so rotating the whole buffer instead of its live part [0, tail) leaves the same entries in [0, tail).
      const v = this.buf.slice(this.head, this.tail);
      // Stryker disable next-line ArithmeticOperator: copyWithin clamps its end to the length, so an end of length + 1 copies the same length − 1 entries.
      v.copyWithin(1, 0, v.length - 1);
      v[0] = t;
      this.buf.set(v, this.head);
      return;
    }
    this.buf[--this.head] = t;
  }
  shift(): number {
    return this.buf[this.head++]!;
  }
  /** Entries whose instant is ≥ from. */
  countFrom(from: number): number {
    let n = 0;
    for (let i = this.head; i < this.tail; i++) if (this.buf[i]! >= from) n++;
    return n;
  }
  private compactOrGrow(): void {
    const live = this.size;
    if (this.head > this.buf.length / 2) {
      this.buf.copyWithin(0, this.head, this.tail);
    } else {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf.subarray(this.head, this.tail));
      this.buf = next;
    }
    this.head = 0;
    this.tail = live;
  }
}

export function createShare(spec: ShareSpec): ShareHandle {
  const open = spec.mode === 'rate';
  const intendedHist = open ? createLatencyHistogram() : null;
  const sentHist = createLatencyHistogram();
  const lagHist = open ? createLatencyHistogram() : null;
  const statusCounts = new Float64Array(600);
  const counts: ShareCounts = {
    sent: 0,
    sentInWindow: 0,
    completed: 0,
    ok: 0,
    non2xx: 0,
    socketErrors: 0,
    requestErrors: 0,
    timeouts: 0,
    unanswered: 0,
    notSent: 0,
    reconnects: 0,
    resent: 0,
  };
  const connections: PacedConnection[] = [];
  // Stryker disable next-line ArrayDeclaration: idle entries are used only when available (dispatch, feed), so a stray non-connection entry is skipped.
  const idle: PacedConnection[] = [];
  const backlog = new Backlog();
  /**
   * How many entries at the front of the backlog are re-sends (requests already written once, dropped by the server):
   * they are always put back at the front, so they are the next ones shifted. A re-send is the same request again:
   * counted once in `sent` (and once in the send lag), and in `resent`.
   */
  let resendsQueued = 0;
  let connecting = 0;
  let peak = 0;

  let windowStart = Number.POSITIVE_INFINITY;
  let windowEnd = Number.POSITIVE_INFINITY;
  let sending = false;
  let draining = false;
  let finished = false;
  let stoppedEarly = false;
  let firstError: ShareOutcome['firstError'] = null;
  let gaveUp: string | null = null;
  /** Since the last response (or since sending began): when it was, and how many connection errors came after. */
  let lastProgressMs = Number.POSITIVE_INFINITY;
  let errorsSinceProgress = 0;
  let tickTimer: NodeJS.Timeout | null = null;
  let sweepTimer: NodeJS.Timeout | null = null;
  let drainTimer: NodeJS.Timeout | null = null;
  let resolveDone: (o: ShareOutcome) => void = () => {};
  let resolveReady: () => void = () => {};
  let readyCount = 0;
  /** Connections that have connected (or failed to) at least once. */
  const settled = new WeakSet<PacedConnection>();
  function settle(conn: PacedConnection): void {
    settled.add(conn);
    connecting--;
    if (++readyCount === spec.connections) resolveReady();
  }

  const done = new Promise<ShareOutcome>((r) => (resolveDone = r));
  const ready = new Promise<void>((r) => (resolveReady = r));

  const inWindow = (t: number): boolean => t >= windowStart && t < windowEnd;

  function sendOn(conn: PacedConnection, intended: number, resend = false): void {
    conn.send(intended);
    if (inWindow(intended) && !resend) {
      counts.sent++;
      if (conn.sentMs < windowEnd) counts.sentInWindow++;
      if (lagHist) recordMicros(lagHist, (conn.sentMs - intended) * 1000);
    }
  }

  /** Gives an available connection work, or parks it. */
  function feed(conn: PacedConnection): void {
    if (!conn.available) return;
    if (open) {
      // Stopped early, queued requests stay queued (endWindow): they are counted as not sent, never written.
      if (backlog.size > 0 && !stoppedEarly) {
        const resend = resendsQueued > 0;
        if (resend) resendsQueued--;
        return sendOn(conn, backlog.shift(), resend);
      }
      // Connections opened before the start wait in `idle` too, so the first requests use them instead of opening
      // new ones (which would add a handshake to their latency).
      if (draining || finished) maybeFinish();
      else idle.push(conn);
      return;
    }
    const now = performance.now();
    if (sending && now < windowEnd) return sendOn(conn, now);
    maybeFinish();
  }

  const owner: ConnectionOwner = {
    onResponse(conn, status, intended, sent, now) {
      lastProgressMs = now;
      errorsSinceProgress = 0;
      if (inWindow(intended)) {
        counts.completed++;
        statusCounts[status < 600 ? status : 599]!++;
        if (status >= 200 && status < 300) counts.ok++;
        else counts.non2xx++;
        if (intendedHist) recordMicros(intendedHist, (now - intended) * 1000);
        recordMicros(sentHist, (now - sent) * 1000);
      }
      feed(conn);
    },
    onReady(conn) {
      if (settled.has(conn)) counts.reconnects++;
      else settle(conn);
      feed(conn);
    },
    onDropped(_conn, intended) {
      if (inWindow(intended)) counts.resent++;
      if (open) {
        backlog.unshift(intended);
        resendsQueued++;
      }
      // Closed loop: the connection sends a fresh request once reconnected (its own "intended" is the write).
    },
    onSocketError(conn, intended, error) {
      if (intended === null ? performance.now() < windowEnd : inWindow(intended)) counts.socketErrors++;
      if (intended !== null && inWindow(intended)) counts.requestErrors++;
      errorsSinceProgress++;
      firstError ??= { atEpochMs: Date.now(), message: nameConnectionError(error, spec.target).message };
      if (!settled.has(conn)) settle(conn);
    },
  };

  function openConnection(): void {
    const c = new PacedConnection(spec.target, owner);
    connections.push(c);
    connecting++;
    if (connections.length > peak) peak = connections.length;
  }

  // Rate mode: release every request whose instant has come, then sleep until the next one.
  const schedule = open
    ? createSchedule({
        rate: spec.rate!,
        arrival: spec.arrival,
        workerIndex: spec.workerIndex,
        workerCount: spec.workerCount,
        startMs: 0, // re-based in start()
        random: createRandom(deriveSeed(spec.seed, `arrivals:${spec.workerIndex}`)),
      })
    : null;
  let base = 0;
  let nextDue = Number.POSITIVE_INFINITY;

  function dispatch(intended: number): void {
    let conn = idle.pop();
    while (conn !== undefined && !conn.available) conn = idle.pop();
    if (conn !== undefined) return sendOn(conn, intended);
    backlog.push(intended);
    // Every connection is busy: open another so a slow response does not hold back later sends.
    // Not while connects fail without a response since: more connections to a refusing target only add errors.
    if (connections.length < spec.maxConnections && connecting < backlog.size && errorsSinceProgress === 0) openConnection();
  }

  /**
   * Node timers fire 1–2 ms late (millisecond loop clock), which would add that much to every intended-time
   * latency. So the timer wakes SPIN_MS early and the last stretch polls with setImmediate, which still lets
   * socket I/O run between polls. Cost: up to SPIN_MS of busy polling per wake-up (a full core above ~700 req/s
   * per worker); benefit: send lag in tens of microseconds instead of ~1 ms (see `bench calibrate`).
   */
  const SPIN_MS = 1.5;
  let immediate: NodeJS.Immediate | null = null;

  function tick(): void {
    tickTimer = null;
    immediate = null;
    if (!sending) return;
    const now = performance.now();
    while (nextDue <= now) {
      if (nextDue >= windowEnd) {
        endWindow();
        return;
      }
      dispatch(nextDue);
      nextDue = base + schedule!.next();
    }
    if (nextDue >= windowEnd) {
      tickTimer = setTimeout(endWindow, Math.max(0, windowEnd - now));
      return;
    }
    const wait = nextDue - now;
    if (wait > SPIN_MS) tickTimer = setTimeout(tick, wait - SPIN_MS);
    else immediate = setImmediate(tick);
  }

  function sweep(): void {
    // Draining ends when nothing is left in flight, also when the last request in flight ended in a socket error
    // (which does not call maybeFinish): otherwise a step stopped on a dead target waits out the timeout.
    if (draining) maybeFinish();
    if (finished) return;
    const now = performance.now();
    if (errorsSinceProgress > 0 && now - lastProgressMs >= UNREACHABLE_AFTER_MS && !connections.some((c) => c.busy)) {
      // Stryker disable next-line StringLiteral: never read: every connection error sets firstError before errorsSinceProgress counts it.
      const cause = firstError?.message ?? 'connection errors';
      gaveUp = `stopped after ${((now - lastProgressMs) / 1000).toFixed(1)} s without a response: ${cause}`;
      return giveUp();
    }
    for (const c of connections) {
      if (c.busy && now - c.sentMs > spec.timeoutMs) {
        if (inWindow(c.intendedMs)) counts.timeouts++;
        c.abandon();
      }
    }
  }

  function endWindow(): void {
    if (!sending) return;
    sending = false;
    draining = true;
    if (tickTimer) clearTimeout(tickTimer);
    if (immediate) clearImmediate(immediate);
    tickTimer = null;
    immediate = null;
    // Requests of the window still queued are sent as connections free up; give up after the timeout.
    drainTimer = setTimeout(finish, spec.timeoutMs);
    // Stopped early (SIGINT, or the target died: the step is invalid either way), queued requests are not sent:
    // against a dead target they would only wait out the timeout. Requests in flight still drain.
    if (!stoppedEarly) for (const c of idle.splice(0)) feed(c);
    maybeFinish();
  }

  function maybeFinish(): void {
    if (!draining || finished) return;
    if (backlog.size > 0 && !stoppedEarly) return;
    for (const c of connections) if (c.busy) return;
    finish();
  }

  /** Nothing can connect: end the window now and finish without draining (there is nowhere to drain to). */
  function giveUp(): void {
    windowEnd = Math.min(windowEnd, Math.max(windowStart, performance.now()));
    sending = false;
    finish();
  }

  function finish(): void {
    if (finished) return;
    finished = true;
    draining = false;
    for (const t of [tickTimer, sweepTimer, drainTimer]) if (t) clearTimeout(t);
    if (immediate) clearImmediate(immediate);
    for (const c of connections) if (c.busy && inWindow(c.intendedMs)) counts.unanswered++;
    // Dropped requests never re-sent were sent once and never answered; the rest of the backlog never left.
    for (; resendsQueued > 0; resendsQueued--) if (inWindow(backlog.shift())) counts.unanswered++;
    counts.notSent = backlog.countFrom(windowStart);
    for (const c of connections) c.destroy();
    const statusCodes: Record<string, number> = {};
    statusCounts.forEach((n, code) => {
      if (n > 0) statusCodes[String(code)] = n;
    });
    const windowMs = Math.max(0, Math.min(windowEnd, performance.now()) - windowStart);
    resolveDone({
      counts,
      statusCodes,
      intended: intendedHist ? encodeHistogram(intendedHist) : null,
      sent: encodeHistogram(sentHist),
      sendLag: lagHist ? encodeHistogram(lagHist) : null,
      connections: { initial: spec.connections, peak },
      windowMs: stoppedEarly || gaveUp !== null ? windowMs : spec.durationMs,
      stoppedEarly,
      firstError,
      gaveUp,
    });
  }

  for (let i = 0; i < spec.connections; i++) openConnection();
  // Never wait forever for connections: a refused target is measured (as errors), not hung on.
  const readyTimer = setTimeout(resolveReady, Math.min(spec.timeoutMs, 5000));
  void ready.then(() => clearTimeout(readyTimer));

  return {
    ready,
    start(startMs: number) {
      // Stopped before it started (SIGINT during the start lead): its outcome is already out, and nothing may run now.
      if (finished) return done;
      base = startMs;
      windowStart = startMs + spec.warmupMs;
      windowEnd = windowStart + spec.durationMs;
      const begin = (): void => {
        sending = true;
        sweepTimer = setInterval(sweep, Math.max(10, Math.min(250, spec.timeoutMs / 4)));
        lastProgressMs = performance.now();
        if (schedule) {
          nextDue = base + schedule.next();
          tick();
        } else {
          for (const c of connections) feed(c);
          tickTimer = setTimeout(endWindow, Math.max(0, windowEnd - performance.now()));
        }
      };
      // Held as the tick timer, so a stop() before the start instant cancels it (finish clears it).
      tickTimer = setTimeout(begin, Math.max(0, startMs - performance.now()));
      return done;
    },
    stop() {
      if (finished) return;
      stoppedEarly = true;
      windowEnd = Math.min(windowEnd, Math.max(windowStart, performance.now()));
      if (sending) endWindow();
      else finish();
    },
  };
}
