import { quantileSorted } from 'simple-statistics';

/** Arrivals per window as the workload server counted them (GET /__bench/arrivals). */
export interface ArrivalsSnapshot {
  windowMs: number;
  startMs: number;
  counts: number[];
}

export interface PacingStats {
  windows: number;
  expectedPerWindow: number;
  /** p99 of arrivals per window ÷ expected. */
  p99Ratio: number;
  /** Busiest window ÷ expected. */
  maxRatio: number;
  /** Fraction of windows with no arrival. */
  emptyFraction: number;
  /** Arrivals ÷ window time, req/s. */
  observedRate: number;
}

/**
 * Evenness of an arrival process at the server, over the windows wholly inside [fromMs, toMs) (epoch ms).
 * Edge windows are dropped: they are partly outside the step.
 */
export function pacingStats(s: ArrivalsSnapshot, fromMs: number, toMs: number, rate: number): PacingStats {
  const first = Math.ceil((fromMs - s.startMs) / s.windowMs) + 1;
  const last = Math.floor((toMs - s.startMs) / s.windowMs) - 2;
  const counts = s.counts.slice(Math.max(0, first), Math.max(0, last + 1));
  if (counts.length === 0) throw new Error('no arrival windows inside the step: was the server recording arrivals?');
  const expected = (rate * s.windowMs) / 1000;
  const sorted = [...counts].sort((a, b) => a - b);
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    windows: counts.length,
    expectedPerWindow: expected,
    p99Ratio: quantileSorted(sorted, 0.99) / expected,
    maxRatio: sorted[sorted.length - 1]! / expected,
    emptyFraction: counts.filter((c) => c === 0).length / counts.length,
    observedRate: total / ((counts.length * s.windowMs) / 1000),
  };
}

export async function fetchArrivals(serverUrl: string): Promise<ArrivalsSnapshot> {
  const res = await fetch(new URL('/__bench/arrivals', serverUrl));
  if (!res.ok) throw new Error(`arrivals: HTTP ${res.status} from ${serverUrl}`);
  return (await res.json()) as ArrivalsSnapshot;
}

export async function resetArrivals(serverUrl: string): Promise<void> {
  const res = await fetch(new URL('/__bench/arrivals/reset', serverUrl), { method: 'POST' });
  if (!res.ok) throw new Error(`arrivals reset: HTTP ${res.status} from ${serverUrl}`);
  await res.arrayBuffer();
}
