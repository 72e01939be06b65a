import { afterEach, beforeEach, vi } from 'vitest';
import type { JsHistogram } from 'hdr-histogram-js';
import type { ConnectionOwner, ConnectionTarget } from '../../src/load/paced-connection.js';
import type { ShareCounts, ShareSpec } from '../../src/load/run-share.js';
import { decodeHistogram } from '../../src/analysis/histogram.js';
import type { EncodedHistogram } from '../../src/core/result-schema.js';

/**
 * Fakes for unit tests of one load share (src/load/run-share.ts) without sockets or real time:
 * - `FakeLoop`: the event loop's timers and clocks (setTimeout, setInterval, setImmediate, performance.now, Date.now).
 *   Timers fire exactly when due (Node fires them late; that lateness is what the share's spin-wait is for), and each
 *   setImmediate turn costs `immediateCostMs`, so a busy poll moves time forward as it does on a real machine.
 * - `FakePacedConnection`: stands in for PacedConnection (vi.mock it in the test file). The test drives it (connects,
 *   answers, drops, fails) and it records every request the share writes; it refuses a write it cannot take.
 */

/** Wall clock at loop time 0 (Date.now() = EPOCH_MS + loop time). */
export const EPOCH_MS = Date.UTC(2026, 11, 2, 6, 0, 0);

interface Timer {
  id: number;
  at: number;
  seq: number;
  kind: 'timeout' | 'interval' | 'immediate';
  everyMs: number;
  fn: () => void;
}

interface Handle {
  readonly fakeTimerId: number;
}

const realSetImmediate = setImmediate;
const TIMEOUT_MAX = 2 ** 31 - 1;

/** Node coerces a delay below 1 ms (or above TIMEOUT_MAX, or not a number) to 1 ms (lib/internal/timers.js). */
function nodeDelay(ms: unknown): number {
  const d = Number(ms);
  return d >= 1 && d <= TIMEOUT_MAX ? d : 1;
}

export class FakeLoop {
  now = 0;
  /** Time one setImmediate turn takes (a poll loop advances time by this much per turn); 1/64 ms keeps sums exact. */
  immediateCostMs = 1 / 64;
  /** How late every setTimeout/setInterval fires (Node's timers fire 1–2 ms late; 0 = exactly on time). */
  timerLateMs = 0;
  /** setImmediate callbacks run so far (turns of a busy poll). */
  immediateTurns = 0;
  private seq = 0;
  private readonly timers = new Map<number, Timer>();
  private readonly handles = new WeakSet<object>();
  /** Every delay passed to setTimeout/setInterval, in order (to read what the code asked for). */
  readonly requestedDelays: { kind: 'timeout' | 'interval'; ms: number; at: number }[] = [];

  install(): void {
    vi.stubGlobal('setTimeout', (fn: () => void, ms?: number) => this.add('timeout', fn, ms));
    vi.stubGlobal('setInterval', (fn: () => void, ms?: number) => this.add('interval', fn, ms));
    vi.stubGlobal('setImmediate', (fn: () => void) => this.add('immediate', fn, 0));
    vi.stubGlobal('clearTimeout', (h: unknown) => this.clear(h));
    vi.stubGlobal('clearInterval', (h: unknown) => this.clear(h));
    vi.stubGlobal('clearImmediate', (h: unknown) => this.clear(h));
    vi.spyOn(performance, 'now').mockImplementation(() => this.now);
    vi.spyOn(Date, 'now').mockImplementation(() => EPOCH_MS + this.now);
  }

  private add(kind: Timer['kind'], fn: () => void, ms: number | undefined): Handle {
    const id = ++this.seq;
    const delay = kind === 'immediate' ? this.immediateCostMs : nodeDelay(ms) + this.timerLateMs;
    if (kind !== 'immediate') this.requestedDelays.push({ kind, ms: Number(ms), at: this.now });
    this.timers.set(id, { id, at: this.now + delay, seq: id, kind, everyMs: delay, fn });
    const handle = { fakeTimerId: id };
    this.handles.add(handle);
    return handle;
  }

  private clear(h: unknown): void {
    // Node: clearing null/undefined or a timer that already fired does nothing.
    if (h === null || h === undefined) return;
    if (typeof h !== 'object' || !this.handles.has(h)) throw new Error(`FakeLoop: asked to clear ${String(h)}, which it never created`);
    this.timers.delete((h as Handle).fakeTimerId);
  }

  /** Kinds of the timers still pending (a finished share must leave none behind). */
  pending(): string[] {
    return [...this.timers.values()].map((t) => `${t.kind} at ${t.at}`);
  }

  /** Runs every timer due up to `t` (in due order; microtasks run after each), then sets the clock to `t`. */
  async advanceTo(t: number): Promise<void> {
    if (t < this.now) throw new Error(`FakeLoop: cannot go back from ${this.now} to ${t}`);
    for (let runs = 0; ; runs++) {
      if (runs > 1_000_000) throw new Error('FakeLoop: over a million timer callbacks in one advance (a busy loop?)');
      let next: Timer | undefined;
      for (const timer of this.timers.values()) {
        if (timer.at <= t && (next === undefined || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))) next = timer;
      }
      if (next === undefined) break;
      this.now = Math.max(this.now, next.at);
      if (next.kind === 'immediate') this.immediateTurns++;
      if (next.kind === 'interval') {
        next.at += next.everyMs;
        next.seq = ++this.seq;
      } else {
        this.timers.delete(next.id);
      }
      next.fn();
      await new Promise((r) => realSetImmediate(r));
    }
    this.now = t;
    await new Promise((r) => realSetImmediate(r));
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.now + ms);
  }

  /** The thread is busy for `ms` (a stall): time passes and no timer runs; overdue ones run at the next advance. */
  stall(ms: number): void {
    this.now += ms;
  }

  /** Back to the state of a new loop: time 0, no timers, default costs, nothing recorded. */
  reset(): void {
    Object.assign(this, new FakeLoop());
  }
}

/**
 * One FakeLoop for a test file, fresh and installed before each test (with `immediateCostMs` if given, and no
 * FakePacedConnection created yet); the real timers and clocks are back after each test.
 */
export function fakeLoopEachTest(p: { immediateCostMs?: number } = {}): FakeLoop {
  const loop = new FakeLoop();
  beforeEach(() => {
    FakePacedConnection.reset();
    loop.reset();
    if (p.immediateCostMs !== undefined) loop.immediateCostMs = p.immediateCostMs;
    loop.install();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });
  return loop;
}

/** A promise's outcome and the loop time it settled at, readable without awaiting it. */
export class Tracked<T> {
  private result: { value: T; at: number } | null = null;
  constructor(p: Promise<T>, loop: FakeLoop) {
    void p.then((value) => {
      this.result = { value, at: loop.now };
    });
  }
  get done(): boolean {
    return this.result !== null;
  }
  get at(): number {
    if (this.result === null) throw new Error('Tracked: not settled yet');
    return this.result.at;
  }
  get value(): T {
    if (this.result === null) throw new Error('Tracked: not settled yet');
    return this.result.value;
  }
}

const NO_REQUEST = -1;

/** What the share wrote on a connection: the request's intended instant and when it was written (loop time). */
export interface Write {
  intended: number;
  sentMs: number;
}

export class FakePacedConnection {
  static created: FakePacedConnection[] = [];
  static reset(): void {
    FakePacedConnection.created = [];
  }

  readonly owner: ConnectionOwner;
  readonly target: ConnectionTarget;
  intendedMs = NO_REQUEST;
  sentMs = 0;
  ready = false;
  destroyed = false;
  abandoned = 0;
  readonly writes: Write[] = [];

  constructor(target: ConnectionTarget, owner: ConnectionOwner) {
    this.target = target;
    this.owner = owner;
    FakePacedConnection.created.push(this);
  }

  get busy(): boolean {
    return this.intendedMs !== NO_REQUEST;
  }

  get available(): boolean {
    return this.ready && this.intendedMs === NO_REQUEST && !this.destroyed;
  }

  // --- what the share calls ---

  send(intendedMs: number): void {
    if (!this.available) throw new Error(`FakePacedConnection: write of ${intendedMs} on a connection that is not available`);
    this.intendedMs = intendedMs;
    this.sentMs = performance.now();
    this.writes.push({ intended: intendedMs, sentMs: this.sentMs });
  }

  abandon(): void {
    if (!this.busy) throw new Error('FakePacedConnection: abandon with no request in flight');
    this.abandoned++;
    this.intendedMs = NO_REQUEST;
    this.ready = false; // the real one drops the socket and reconnects: idle again only after `connect()`
  }

  destroy(): void {
    this.destroyed = true;
    this.ready = false;
  }

  // --- what the test drives ---

  /** The socket connects (first time or again after a drop). */
  connect(): void {
    if (this.ready || this.destroyed) throw new Error('FakePacedConnection: connect on a connection that is connected or destroyed');
    this.ready = true;
    this.owner.onReady(this as never);
  }

  /** The response to the request in flight completes now. */
  respond(status = 200): void {
    if (!this.busy) throw new Error('FakePacedConnection: respond with no request in flight');
    const intended = this.intendedMs;
    this.intendedMs = NO_REQUEST;
    this.owner.onResponse(this as never, status, intended, this.sentMs, performance.now());
  }

  /** The server closes the socket with the request in flight unanswered (it is handed back to be re-sent). */
  drop(): void {
    if (!this.busy) throw new Error('FakePacedConnection: drop with no request in flight');
    const intended = this.intendedMs;
    this.intendedMs = NO_REQUEST;
    this.ready = false;
    this.owner.onDropped(this as never, intended);
  }

  /** A socket error: with the request in flight if there is one, else on connecting. */
  fail(error: Error): void {
    const intended = this.busy ? this.intendedMs : null;
    this.intendedMs = NO_REQUEST;
    this.ready = false;
    this.owner.onSocketError(this as never, intended, error);
  }
}

export const TARGET: ConnectionTarget = {
  hostname: '127.0.0.1',
  host: '127.0.0.1:8080',
  port: 8080,
  protocol: 'http:',
  path: '/',
  method: 'GET',
  headers: {},
};

/** A share spec: one worker, uniform arrivals, no warm-up, 1 s window, 1 s timeout unless overridden. */
export function shareSpec(over: Partial<ShareSpec> = {}): ShareSpec {
  return {
    target: TARGET,
    mode: 'rate',
    rate: 1000,
    arrival: 'uniform',
    seed: 1,
    workerIndex: 0,
    workerCount: 1,
    connections: 1,
    maxConnections: 1,
    warmupMs: 0,
    durationMs: 1000,
    timeoutMs: 1000,
    ...over,
  };
}

/** An error as Node's net module raises it (a `code` property). */
export function socketError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * The values recorded in an encoded histogram, lowest first, one entry per recorded value (each is its bucket's
 * highest equivalent value: exact below 2048 µs at 3 significant digits).
 */
export function recorded(e: EncodedHistogram | null): number[] {
  if (e === null) throw new Error('recorded: no histogram (null)');
  const h = decodeHistogram(e) as unknown as JsHistogram;
  const it = h.recordedValuesIterator;
  it.reset();
  const out: number[] = [];
  while (it.hasNext()) {
    const v = it.next();
    for (let i = 0; i < v.countAtValueIteratedTo; i++) out.push(v.valueIteratedTo);
  }
  return out;
}

/** Every connection the share made so far, in order. */
export const conns = (): FakePacedConnection[] => FakePacedConnection.created;

/** Every connection made so far connects now. */
export const connectAll = (): void => conns().forEach((c) => c.connect());

/** The connection whose request in flight was intended at `t`. */
export function carrying(t: number): FakePacedConnection {
  const c = conns().find((x) => x.busy && x.intendedMs === t);
  if (c === undefined) throw new Error(`no connection carries the request intended at ${t}`);
  return c;
}

/**
 * Share counts: zero but for `nonzero`. Written here apart from run-share.ts's own starting counts, so that a wrong
 * starting value there fails the tests that expect these.
 */
export function countsOf(nonzero: Partial<ShareCounts>): ShareCounts {
  const zero: ShareCounts = { sent: 0, sentInWindow: 0, completed: 0, ok: 0, non2xx: 0, socketErrors: 0, requestErrors: 0, timeouts: 0, unanswered: 0, notSent: 0, reconnects: 0, resent: 0 };
  return { ...zero, ...nonzero };
}
