/**
 * Releases items at precise monotonic instants (performance.now() milliseconds), ~tens of µs late at worst on an idle
 * core, never early. setTimeout alone is not enough: Node timers have 1 ms granularity and libuv's cached loop time
 * makes them fire up to ~1 ms late (or early relative to performance.now()). So one timer sleeps until `spinMs` before
 * the earliest due instant, then a setImmediate loop (which still lets I/O through on every turn) checks the clock
 * until the instant has come. Everything due by then is released in the same turn, in due order.
 *
 * Storage is a growable ring of parallel arrays, so a push allocates nothing. Due instants almost always arrive in
 * non-decreasing order (a constant delay added to arrival times), making a push an append; an earlier instant is
 * inserted in order by shifting (rare, O(n)).
 *
 * `gate(now)` returns `now` when releasing is allowed and otherwise the instant it will be allowed again (a stall's end):
 * nothing is released while the gate is shut, even items that fell due before it shut.
 */
export interface ReleaseQueueOptions {
  /** Wake from the timer this long before the due instant and spin for the rest, milliseconds. */
  spinMs?: number;
  gate?: (now: number) => number;
  /** Initial capacity (grows by doubling). */
  capacity?: number;
}

const DEFAULT_SPIN_MS = 1.5;

export class ReleaseQueue<T> {
  private dues: Float64Array;
  private codes: Int32Array;
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  /** The instant the pending timer/immediate is aiming for (Infinity when nothing is armed). */
  private armedFor = Infinity;
  private readonly spinMs: number;
  private readonly gate: ((now: number) => number) | undefined;
  private readonly onTick = (): void => this.tick();

  constructor(
    private readonly release: (item: T, code: number) => void,
    options: ReleaseQueueOptions = {},
  ) {
    this.spinMs = options.spinMs ?? DEFAULT_SPIN_MS;
    this.gate = options.gate;
    const capacity = Math.max(16, options.capacity ?? 1024);
    this.dues = new Float64Array(capacity);
    this.codes = new Int32Array(capacity);
    // Stryker disable next-line ArrayDeclaration: preallocation only (a push then allocates nothing); an empty array grows to hold the same items in the same slots
    this.items = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /** Release `item` (with `code`) at monotonic instant `due`, or as soon after as possible. */
  push(due: number, item: T, code: number): void {
    if (this.count === this.dues.length) this.grow();
    const capacity = this.dues.length;
    let slot = (this.head + this.count) % capacity;
    if (this.count > 0) {
      // Shift later items one slot right until the new one fits in order (stable for equal instants).
      let prev = (slot - 1 + capacity) % capacity;
      let moved = 0;
      while (moved < this.count && this.dues[prev]! > due) {
        this.dues[slot] = this.dues[prev]!;
        this.codes[slot] = this.codes[prev]!;
        this.items[slot] = this.items[prev];
        slot = prev;
        prev = (prev - 1 + capacity) % capacity;
        moved++;
      }
    }
    this.dues[slot] = due;
    this.codes[slot] = code;
    this.items[slot] = item;
    this.count++;
    if (due < this.armedFor) this.arm(due, performance.now());
  }

  /** Drop everything still queued and cancel the timer (shutdown). */
  clear(): void {
    this.disarm();
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  private tick(): void {
    this.timer = null;
    this.immediate = null;
    this.armedFor = Infinity;
    const now = performance.now();
    if (this.gate !== undefined) {
      const open = this.gate(now);
      if (open > now) {
        if (this.count > 0) this.arm(open, now);
        return;
      }
    }
    const capacity = this.dues.length;
    while (this.count > 0 && this.dues[this.head]! <= now) {
      const item = this.items[this.head] as T;
      const code = this.codes[this.head]!;
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % capacity;
      this.count--;
      this.release(item, code);
    }
    if (this.count > 0) this.arm(this.dues[this.head]!, performance.now());
  }

  private arm(at: number, now: number): void {
    this.disarm();
    this.armedFor = at;
    const sleep = Math.floor(at - now - this.spinMs);
    if (sleep >= 1) this.timer = setTimeout(this.onTick, sleep);
    else this.immediate = setImmediate(this.onTick);
  }

  private disarm(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    this.armedFor = Infinity;
  }

  private grow(): void {
    const capacity = this.dues.length;
    const dues = new Float64Array(capacity * 2);
    const codes = new Int32Array(capacity * 2);
    // Stryker disable next-line ArrayDeclaration: preallocation only (a push then allocates nothing); an empty array grows to hold the same items in the same slots
    const items = new Array<T | undefined>(capacity * 2).fill(undefined);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % capacity;
      dues[i] = this.dues[from]!;
      codes[i] = this.codes[from]!;
      items[i] = this.items[from];
    }
    this.dues = dues;
    this.codes = codes;
    this.items = items;
    this.head = 0;
  }
}
