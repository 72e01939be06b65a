import type { Clock } from '../../src/core/deps.js';

/** Time that moves only when the code under test sleeps: rollout waits and timeouts run instantly and exactly. */
export class FakeClock implements Clock {
  constructor(private ms = Date.UTC(2026, 10, 21, 5, 49, 0)) {}
  now(): number {
    return this.ms;
  }
  monotonic(): number {
    return this.ms;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.ms += ms;
  }
}
