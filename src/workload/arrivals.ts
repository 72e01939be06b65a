/**
 * Request arrivals per 10 ms window of the monotonic clock, so a test can see the arrival process the load engine
 * really produced (bursts, gaps) rather than what it meant to produce. A fixed ring of the last hour of windows:
 * recording allocates nothing; older windows fall off the front (and `startMs` moves with them).
 */
export interface ArrivalsSnapshot {
  windowMs: number;
  /** Epoch milliseconds of the start of `counts[0]`'s window. */
  startMs: number;
  /** Arrivals per window, from window 0 through the current (partial) window. */
  counts: number[];
}

export const ARRIVAL_WINDOW_MS = 10;
const DEFAULT_CAPACITY = 360_000; // one hour of 10 ms windows, 1.4 MB

export class ArrivalRecorder {
  private readonly ring: Uint32Array;
  /** Monotonic start of window 0. */
  private origin: number;
  /** Highest window index written so far (slots past it still hold counts of an earlier lap). */
  private latest = -1;

  constructor(now: number, capacity = DEFAULT_CAPACITY) {
    this.ring = new Uint32Array(capacity);
    this.origin = now;
  }

  record(now: number): void {
    const window = Math.floor((now - this.origin) / ARRIVAL_WINDOW_MS);
    if (window < 0) return;
    if (window > this.latest) this.advance(window);
    this.ring[window % this.ring.length]! += 1;
  }

  reset(now: number): void {
    this.ring.fill(0);
    this.origin = now;
    this.latest = -1;
  }

  /** `now` monotonic; `timeOrigin` the epoch milliseconds of monotonic 0 (performance.timeOrigin). */
  snapshot(now: number, timeOrigin: number): ArrivalsSnapshot {
    const current = Math.max(0, Math.floor((now - this.origin) / ARRIVAL_WINDOW_MS));
    const first = Math.max(0, current - this.ring.length + 1);
    const counts = new Array<number>(current - first + 1);
    for (let w = first; w <= current; w++) {
      counts[w - first] = w > this.latest ? 0 : this.ring[w % this.ring.length]!;
    }
    return { windowMs: ARRIVAL_WINDOW_MS, startMs: timeOrigin + this.origin + first * ARRIVAL_WINDOW_MS, counts };
  }

  /** Zero the slots of the windows between the latest written one and `window` (they hold an earlier lap's counts). */
  private advance(window: number): void {
    const from = Math.max(this.latest + 1, window - this.ring.length + 1);
    for (let w = from; w <= window; w++) this.ring[w % this.ring.length] = 0;
    this.latest = window;
  }
}
