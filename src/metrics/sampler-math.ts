import { containerKey, type ContainerRef, type ResourceReading, type ResourceScrape } from './types.js';

/**
 * Pure arithmetic on the kubelet samples of one load step. The kubelet refreshes its container stats only every
 * ~10–15 s (cAdvisor housekeeping) and serves the cached values in between, each with the time it was taken, so a
 * scrape every ≤ 5 s returns the same sample two or three times. Statistics are computed from distinct samples only;
 * counting repeats would weight long-cached values more and make CPU look idle between refreshes.
 */

/** One kept value of a series. */
export interface SeriesPoint {
  timestampMs: number;
  value: number;
  /** The line had no timestamp; `timestampMs` is the scrape time. */
  timestampFromScrape: boolean;
}

/** A CPU counter value, with the container start time seen beside it (to recognise a restart). */
export interface CounterPoint extends SeriesPoint {
  startTimeSeconds: number | null;
}

export interface Deduplicated<T extends SeriesPoint> {
  /** Sorted by time, one per timestamp. */
  points: T[];
  /** Repeats of an already-kept sample that were dropped. */
  duplicates: number;
  /** Same timestamp, different value: the first one read was kept. Should never happen; counted to be sure. */
  conflicts: number;
}

/**
 * One point per distinct sample: sorted by timestamp, later points with an already-kept timestamp dropped.
 * Points without a kubelet timestamp (stamped with the scrape time) cannot be matched by time; for them a value equal
 * to the previous kept one is taken as the same cached reading and dropped. (Current kubelets always send timestamps.)
 * The sort is stable, so with equal timestamps the point read first wins.
 */
export function dedupeSamples<T extends SeriesPoint>(points: readonly T[]): Deduplicated<T> {
  const sorted = [...points].sort((a, b) => a.timestampMs - b.timestampMs);
  const kept: T[] = [];
  let duplicates = 0;
  let conflicts = 0;
  for (const p of sorted) {
    const last = kept[kept.length - 1];
    if (last !== undefined && last.timestampMs === p.timestampMs) {
      duplicates++;
      if (!sameValue(last.value, p.value)) conflicts++;
      continue;
    }
    if (last !== undefined && p.timestampFromScrape && last.timestampFromScrape && sameValue(last.value, p.value)) {
      duplicates++;
      continue;
    }
    kept.push(p);
  }
  return { points: kept, duplicates, conflicts };
}

function sameValue(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/** CPU use over (fromMs, toMs]: Δcounter ÷ Δt. */
export interface CpuInterval {
  fromMs: number;
  toMs: number;
  cores: number;
}

export interface CpuRates {
  intervals: CpuInterval[];
  /** Consecutive pairs skipped because the counter went down or the container's start time changed. */
  resets: number;
}

/** Start times are floats from the runtime; a real restart moves them by at least the restart back-off. */
const START_TIME_TOLERANCE_S = 0.5;

/**
 * Rates between consecutive distinct counter samples (pass them through `dedupeSamples` first).
 * A pair across a restart is skipped rather than guessed at: the counter restarts from zero, and the part of the
 * interval before the restart is lost. Detected by the counter going down, or by a changed start time (which also
 * catches a restarted container whose new counter has already passed the old value).
 */
export function cpuRates(points: readonly CounterPoint[]): CpuRates {
  const intervals: CpuInterval[] = [];
  let resets = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1] as CounterPoint;
    const b = points[i] as CounterPoint;
    const dtMs = b.timestampMs - a.timestampMs;
    if (dtMs <= 0) continue; // not produced by dedupeSamples; guards hand-built input
    const restarted =
      b.value < a.value ||
      (a.startTimeSeconds !== null &&
        b.startTimeSeconds !== null &&
        Math.abs(b.startTimeSeconds - a.startTimeSeconds) > START_TIME_TOLERANCE_S);
    if (restarted) {
      resets++;
      continue;
    }
    intervals.push({ fromMs: a.timestampMs, toMs: b.timestampMs, cores: ((b.value - a.value) * 1000) / dtMs });
  }
  return { intervals, resets };
}

export interface MeanMax {
  mean: number;
  max: number;
}

/** Mean and maximum of gauge samples, each distinct sample weighted equally; null without samples. */
export function gaugeMeanMax(points: readonly SeriesPoint[]): MeanMax | null {
  if (points.length === 0) return null;
  let sum = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    sum += p.value;
    if (p.value > max) max = p.value;
  }
  return { mean: sum / points.length, max };
}

/**
 * Mean and maximum CPU rate; null without intervals. The mean is weighted by interval length (Σ Δcounter ÷ Σ Δt),
 * which is the true average over the covered time even when the kubelet's refresh intervals vary.
 */
export function rateMeanMax(intervals: readonly CpuInterval[]): MeanMax | null {
  if (intervals.length === 0) return null;
  let coreMs = 0;
  let ms = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (const r of intervals) {
    const dt = r.toMs - r.fromMs;
    coreMs += r.cores * dt;
    ms += dt;
    if (r.cores > max) max = r.cores;
  }
  return { mean: coreMs / ms, max };
}

/**
 * Maximum over time of the sum of several gauge series whose timestamps do not line up (containers on different
 * nodes, or refreshed at different moments by one kubelet). Each series holds its last value until its next sample
 * (sample-and-hold) and counts from its first sample on; the sum is evaluated after every instant at which any series
 * changes. 0 without samples.
 */
export function maxOfSummedGauges(series: readonly (readonly SeriesPoint[])[]): number {
  const events: { t: number; series: number; value: number }[] = [];
  series.forEach((points, i) => {
    for (const p of points) events.push({ t: p.timestampMs, series: i, value: p.value });
  });
  if (events.length === 0) return 0;
  events.sort((a, b) => a.t - b.t);
  const current = new Array<number>(series.length).fill(0);
  let sum = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as (typeof events)[number];
    sum += e.value - (current[e.series] as number);
    current[e.series] = e.value;
    const next = events[i + 1];
    if (next === undefined || next.t !== e.t) max = Math.max(max, sum);
  }
  return max;
}

/**
 * Maximum over time of the sum of several piecewise-constant rate series (each interval's rate holds over
 * (fromMs, toMs]); intervals of different series overlap in any way. 0 without intervals.
 */
export function maxOfSummedRates(series: readonly (readonly CpuInterval[])[]): number {
  const events: { t: number; delta: number }[] = [];
  for (const intervals of series) {
    for (const r of intervals) {
      events.push({ t: r.fromMs, delta: r.cores });
      events.push({ t: r.toMs, delta: -r.cores });
    }
  }
  if (events.length === 0) return 0;
  events.sort((a, b) => a.t - b.t);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as (typeof events)[number];
    sum += e.delta;
    const next = events[i + 1];
    // All changes at one instant applied, the sum holds until the next instant.
    if (next !== undefined && next.t !== e.t) max = Math.max(max, sum);
  }
  return max;
}

/** Everything known about one container over the step, after de-duplication. */
export interface ContainerSeries {
  key: string;
  ref: ContainerRef;
  /** Node of the latest sample. */
  node: string;
  memory: SeriesPoint[];
  cpu: CounterPoint[];
  cpuRates: CpuRates;
}

export interface NodeSeries {
  node: string;
  memory: SeriesPoint[];
  cpu: CounterPoint[];
  cpuRates: CpuRates;
}

export interface CollectedSeries {
  /** Sorted by key. */
  containers: ContainerSeries[];
  /** Sorted by node name; every node that answered at least once. */
  nodes: NodeSeries[];
  scrapes: number;
  scrapeErrors: number;
  /** Container memory and CPU values read, before de-duplication and windowing. */
  samplesRead: number;
  /** Distinct container memory and CPU samples kept. */
  distinctSamples: number;
  notes: string[];
}

export interface StepWindow {
  startMs: number;
  endMs: number;
}

/**
 * Groups the scrapes of one step (any nodes, any order) into de-duplicated series per container and per node.
 * With a window, samples whose kubelet timestamp falls outside [startMs, endMs] are dropped first: the first scrape
 * of a step often returns a reading taken before the step began.
 */
export function collectSeries(scrapes: readonly ResourceScrape[], window: StepWindow | null = null): CollectedSeries {
  type Raw = { ref: ContainerRef; nodes: Map<string, number>; memory: SeriesPoint[]; cpu: CounterPoint[] };
  const raw = new Map<string, Raw>();
  const rawNodes = new Map<string, { memory: SeriesPoint[]; cpu: CounterPoint[] }>();
  let samplesRead = 0;
  let outside = 0;
  let scrapeErrors = 0;
  const fromScrapeByNode = new Map<string, number>();
  const inWindow = (r: ResourceReading): boolean => {
    if (window === null || (r.timestampMs >= window.startMs && r.timestampMs <= window.endMs)) return true;
    outside++;
    return false;
  };
  const point = (r: ResourceReading, node: string): SeriesPoint => {
    if (r.timestampFromScrape) fromScrapeByNode.set(node, (fromScrapeByNode.get(node) ?? 0) + 1);
    return { timestampMs: r.timestampMs, value: r.value, timestampFromScrape: r.timestampFromScrape };
  };

  const scrapeNotes = new Set<string>();
  for (const s of scrapes) {
    if (s.scrapeError === true) scrapeErrors++;
    for (const note of s.notes) scrapeNotes.add(`${s.node}: ${note}`);
    let n = rawNodes.get(s.node);
    if (n === undefined) {
      n = { memory: [], cpu: [] };
      rawNodes.set(s.node, n);
    }
    const nm = s.nodeUsage.memoryWorkingSetBytes;
    if (nm !== null && inWindow(nm)) n.memory.push(point(nm, s.node));
    const nc = s.nodeUsage.cpuUsageCoreSeconds;
    if (nc !== null && inWindow(nc)) n.cpu.push({ ...point(nc, s.node), startTimeSeconds: null });

    for (const c of s.containers) {
      const key = containerKey(c);
      let r = raw.get(key);
      if (r === undefined) {
        r = { ref: { namespace: c.namespace, pod: c.pod, container: c.container }, nodes: new Map(), memory: [], cpu: [] };
        raw.set(key, r);
      }
      const m = c.memoryWorkingSetBytes;
      const u = c.cpuUsageCoreSeconds;
      if (m !== null) samplesRead++;
      if (u !== null) samplesRead++;
      let latest = -Infinity;
      if (m !== null && inWindow(m)) {
        r.memory.push(point(m, s.node));
        latest = Math.max(latest, m.timestampMs);
      }
      if (u !== null && inWindow(u)) {
        r.cpu.push({ ...point(u, s.node), startTimeSeconds: c.startTimeSeconds });
        latest = Math.max(latest, u.timestampMs);
      }
      if (latest > -Infinity) r.nodes.set(s.node, Math.max(latest, r.nodes.get(s.node) ?? -Infinity));
    }
  }

  const notes: string[] = [];
  let distinctSamples = 0;
  let conflicts = 0;
  const resetKeys: string[] = [];
  const movedKeys: string[] = [];
  const containers: ContainerSeries[] = [];
  for (const [key, r] of [...raw.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (r.nodes.size === 0) continue; // every sample outside the window
    const memory = dedupeSamples(r.memory);
    const cpu = dedupeSamples(r.cpu);
    distinctSamples += memory.points.length + cpu.points.length;
    conflicts += memory.conflicts + cpu.conflicts;
    const rates = cpuRates(cpu.points);
    if (rates.resets > 0) resetKeys.push(`${key} (${rates.resets})`);
    if (r.nodes.size > 1) movedKeys.push(key);
    // Stryker disable next-line StringLiteral: r.nodes is not empty here (checked above), so the fallback is never read
    const node = [...r.nodes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
    containers.push({ key, ref: r.ref, node, memory: memory.points, cpu: cpu.points, cpuRates: rates });
  }

  const nodes: NodeSeries[] = [...rawNodes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([node, n]) => {
      const cpu = dedupeSamples(n.cpu).points;
      const rates = cpuRates(cpu);
      if (rates.resets > 0) resetKeys.push(`node ${node} (${rates.resets})`);
      return { node, memory: dedupeSamples(n.memory).points, cpu, cpuRates: rates };
    });

  notes.push(...[...scrapeNotes].sort());
  if (outside > 0) notes.push(`${outside} sample(s) timestamped outside the step window were dropped`);
  for (const [node, count] of [...fromScrapeByNode.entries()].sort()) {
    notes.push(
      `${count} sample(s) from ${node} had no kubelet timestamp: the scrape time was used, and unchanged repeated values were treated as one cached reading`,
    );
  }
  if (resetKeys.length > 0) {
    notes.push(
      `CPU counter reset (container restarted): the interval across each reset was left out of the CPU rates: ${resetKeys.join(', ')}`,
    );
  }
  if (conflicts > 0) notes.push(`${conflicts} sample(s) repeated a timestamp with a different value; the first read was kept`);
  if (movedKeys.length > 0) notes.push(`container(s) seen on more than one node (latest node used): ${movedKeys.join(', ')}`);
  if (scrapeErrors > 0) notes.push(`${scrapeErrors} of ${scrapes.length} scrape(s) reported a kubelet resource scrape error`);

  return { containers, nodes, scrapes: scrapes.length, scrapeErrors, samplesRead, distinctSamples, notes };
}
