/**
 * Intended send instants for open-loop (rate) steps.
 *
 * A step at R req/s split over W workers gives worker i the instants start + (k·W + i)/R: the workers'
 * schedules interleave into one evenly spaced schedule at R (autocannon's workers each apply the full rate).
 * Poisson arrivals give each worker an independent Poisson process at R/W, seeded; their superposition is a
 * Poisson process at R.
 */
export type Arrival = 'uniform' | 'poisson';

export interface ScheduleOptions {
  /** Total requests per second across all workers. */
  rate: number;
  arrival: Arrival;
  workerIndex: number;
  workerCount: number;
  /** Instant of the first request of the step (warm-up included), in the caller's millisecond time base. */
  startMs: number;
  /** Random source in [0,1) for Poisson gaps. */
  random: () => number;
}

export interface Schedule {
  /** Returns the next intended instant (ms, same base as startMs); strictly non-decreasing. */
  next(): number;
}

export function createSchedule(o: ScheduleOptions): Schedule {
  if (!(o.rate > 0)) throw new RangeError(`rate must be positive, got ${o.rate}`);
  if (o.workerIndex < 0 || o.workerIndex >= o.workerCount) {
    throw new RangeError(`workerIndex ${o.workerIndex} outside 0..${o.workerCount - 1}`);
  }
  const periodMs = 1000 / o.rate;
  if (o.arrival === 'uniform') {
    let k = 0;
    const stride = o.workerCount;
    const offset = o.workerIndex;
    // Computed from k each time (not accumulated) so rounding never drifts over millions of requests.
    return { next: () => o.startMs + (k++ * stride + offset) * periodMs };
  }
  const meanGapMs = periodMs * o.workerCount;
  let t = o.startMs;
  return {
    next: () => {
      // Inverse-CDF exponential gap; 1 - u is in (0, 1] so log never sees 0.
      t += -Math.log(1 - o.random()) * meanGapMs;
      return t;
    },
  };
}
