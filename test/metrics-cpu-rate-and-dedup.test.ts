import { describe, expect, it } from 'vitest';
import { parseResourceMetrics } from '../src/metrics/kubelet-resource.js';
import {
  collectSeries,
  cpuRates,
  dedupeSamples,
  maxOfSummedGauges,
  maxOfSummedRates,
  rateMeanMax,
  type CounterPoint,
  type SeriesPoint,
} from '../src/metrics/sampler-math.js';

const T0 = 1_700_000_000_000;

function counter(points: [seconds: number, value: number, startTime?: number][]): CounterPoint[] {
  return points.map(([s, value, start]) => ({
    timestampMs: T0 + s * 1000,
    value,
    timestampFromScrape: false,
    startTimeSeconds: start ?? null,
  }));
}

function gauge(points: [seconds: number, value: number][]): SeriesPoint[] {
  return points.map(([s, value]) => ({ timestampMs: T0 + s * 1000, value, timestampFromScrape: false }));
}

/** One container's /metrics/resource lines, [STABLE] format; `ts` null = no timestamps. */
function resourceText(cpu: number, memory: number, ts: number | null, startTime?: number): string {
  const at = ts === null ? '' : ` ${ts}`;
  const labels = '{container="server",namespace="bench",pod="server-0"}';
  return [
    '# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds',
    '# TYPE container_cpu_usage_seconds_total counter',
    `container_cpu_usage_seconds_total${labels} ${cpu}${at}`,
    '# TYPE container_memory_working_set_bytes gauge',
    `container_memory_working_set_bytes${labels} ${memory}${at}`,
    ...(startTime === undefined ? [] : [`container_start_time_seconds${labels} ${startTime}`]),
    'resource_scrape_error 0',
  ].join('\n');
}

describe('CPU rates and de-duplication', () => {
  it('computes cores as Δcounter ÷ Δt between consecutive samples, the mean weighted by interval length', () => {
    const { intervals, resets } = cpuRates(counter([[0, 10], [10, 10.5], [25, 12]]));
    expect(resets).toBe(0);
    expect(intervals).toEqual([
      { fromMs: T0, toMs: T0 + 10_000, cores: 0.05 },
      { fromMs: T0 + 10_000, toMs: T0 + 25_000, cores: expect.closeTo(0.1, 12) },
    ]);
    const stats = rateMeanMax(intervals);
    // 2 core-seconds over 25 s; the unweighted mean of the two rates would be 0.075.
    expect(stats?.mean).toBeCloseTo(0.08, 12);
    expect(stats?.max).toBeCloseTo(0.1, 12);
  });

  it('drops repeats of a cached kubelet sample, keeping one point per timestamp', () => {
    const points = counter([[0, 1], [0, 1], [15, 4], [0, 1], [15, 4], [30, 4.5]]);
    const d = dedupeSamples(points);
    expect(d.points.map((p) => p.timestampMs - T0)).toEqual([0, 15_000, 30_000]);
    expect(d.duplicates).toBe(3);
    expect(d.conflicts).toBe(0);
  });

  it('keeps the first value read when one timestamp comes with two values, and counts the conflict', () => {
    const d = dedupeSamples(gauge([[5, 100], [5, 999]]));
    expect(d.points.map((p) => p.value)).toEqual([100]);
    expect(d.conflicts).toBe(1);
  });

  it('reads a scrape every 5 s of a kubelet refreshing every 15 s as one rate per refresh, not zeros and bursts', () => {
    // Kubelet refreshes at 0, 15, 30 s (counter 100, 101.5, 106.0); the harness scrapes at 2, 7, 12, …, 37 s.
    const refreshes: [number, number, number][] = [
      [0, 100, 50e6],
      [15, 101.5, 60e6],
      [30, 106, 55e6],
    ];
    const scrapes = [2, 7, 12, 17, 22, 27, 32, 37].map((s) => {
      const [t, cpu, mem] = refreshes.filter(([t]) => t <= s).at(-1) as [number, number, number];
      return parseResourceMetrics(resourceText(cpu, mem, T0 + t * 1000), 'node-a', T0 + s * 1000);
    });
    const collected = collectSeries(scrapes);
    const [c] = collected.containers;
    expect(collected.samplesRead).toBe(16);
    expect(collected.distinctSamples).toBe(6);
    expect(c?.memory.map((p) => p.value)).toEqual([50e6, 60e6, 55e6]);
    expect(c?.cpuRates.intervals.map((r) => r.cores)).toEqual([0.1, expect.closeTo(0.3, 12)]);
    expect(rateMeanMax(c?.cpuRates.intervals ?? [])?.mean).toBeCloseTo(0.2, 12);
  });

  it('skips the interval across a counter reset (restarted container) and says so in a note', () => {
    const { intervals, resets } = cpuRates(counter([[0, 100], [10, 110], [20, 2], [30, 4]]));
    expect(resets).toBe(1);
    expect(intervals.map((r) => r.cores)).toEqual([1, 0.2]);
    expect(rateMeanMax(intervals)?.mean).toBeCloseTo(0.6, 12);

    const scrapes = [
      [0, 100],
      [10, 110],
      [20, 2],
      [30, 4],
    ].map(([s, cpu]) => parseResourceMetrics(resourceText(cpu as number, 1, T0 + (s as number) * 1000), 'node-a', T0));
    const collected = collectSeries(scrapes);
    expect(collected.containers[0]?.cpuRates.resets).toBe(1);
    expect(collected.notes).toContain(
      'CPU counter reset (container restarted): the interval across each reset was left out of the CPU rates: bench/server-0/server (1)',
    );
  });

  it('recognises a restart by the changed start time even when the new counter is already higher', () => {
    const { intervals, resets } = cpuRates(counter([[0, 5, 1000], [10, 6, 1000], [20, 50, 1012]]));
    expect(resets).toBe(1);
    expect(intervals).toHaveLength(1);
    // Sub-second jitter in a reported start time is not a restart.
    expect(cpuRates(counter([[0, 5, 1000.1], [10, 6, 1000.2]])).resets).toBe(0);
  });

  it('without kubelet timestamps, uses scrape times and treats an unchanged repeated value as one cached reading', () => {
    const scrapes = [
      [0, 1],
      [5, 1],
      [10, 1],
      [15, 2.5],
      [20, 2.5],
    ].map(([s, cpu]) => parseResourceMetrics(resourceText(cpu as number, 7, null), 'node-a', T0 + (s as number) * 1000));
    const collected = collectSeries(scrapes);
    const c = collected.containers[0];
    expect(c?.cpu.map((p) => p.timestampMs - T0)).toEqual([0, 15_000]);
    expect(c?.cpuRates.intervals.map((r) => r.cores)).toEqual([0.1]);
    expect(c?.memory).toHaveLength(1);
    expect(collected.notes.some((n) => n.startsWith('10 sample(s) from node-a had no kubelet timestamp'))).toBe(true);
  });

  it('drops samples timestamped outside the step window, e.g. a reading cached from before the step', () => {
    const scrapes = [0, 10, 20, 30].map((s) => parseResourceMetrics(resourceText(s, 1, T0 + s * 1000), 'node-a', T0));
    const collected = collectSeries(scrapes, { startMs: T0 + 5_000, endMs: T0 + 20_000 });
    expect(collected.containers[0]?.cpu.map((p) => p.value)).toEqual([10, 20]);
    expect(collected.notes).toContain('4 sample(s) timestamped outside the step window were dropped');
  });

  it('sums unaligned memory series with sample-and-hold before taking the maximum', () => {
    // A: 100 @0 s, 300 @10 s. B: 200 @5 s, 20 @8 s. Totals: 100, 300, 120, 320 → 320 (the sum of maxima would be 500).
    expect(maxOfSummedGauges([gauge([[0, 100], [10, 300]]), gauge([[5, 200], [8, 20]])])).toBe(320);
    expect(maxOfSummedGauges([])).toBe(0);
  });

  it('applies every change at one instant before reading the memory total', () => {
    // B rises to 100 at the instant A drops to 0: the total never exceeds 100.
    expect(maxOfSummedGauges([gauge([[0, 0], [10, 100]]), gauge([[0, 100], [10, 0]])])).toBe(100);
  });

  it('sums overlapping CPU intervals of different containers before taking the maximum', () => {
    const a = [
      { fromMs: 0, toMs: 10, cores: 1 },
      { fromMs: 10, toMs: 20, cores: 3 },
    ];
    const b = [
      { fromMs: 5, toMs: 15, cores: 2 },
      { fromMs: 15, toMs: 25, cores: 0.5 },
    ];
    // (0,5]: 1, (5,10]: 3, (10,15]: 5, (15,20]: 3.5, (20,25]: 0.5.
    expect(maxOfSummedRates([a, b])).toBe(5);
    // Touching intervals of one container are not double-counted at the shared instant.
    expect(maxOfSummedRates([a])).toBe(3);
    expect(maxOfSummedRates([])).toBe(0);
    // One container's interval ends where another's starts: a handover at one instant, not an overlap.
    expect(maxOfSummedRates([[{ fromMs: 10, toMs: 20, cores: 3 }], [{ fromMs: 0, toMs: 10, cores: 1 }]])).toBe(3);
  });
});
