import { measureCeiling, measurePacingAt, withServer } from './procedures.js';
import { ladderRowChecks } from './verdict.js';

/**
 * The engine's ceiling for an SLO search (issue 10, build 4): the highest fixed rate this engine, on this machine and
 * right now, drives accurately against the workload server on loopback with no delay, judged by exactly the criteria
 * of `bench calibrate`'s ladder (verdict.ts: achieved rate, pacing windows, send lag p99 ≤ 1 ms, step valid).
 * Where calibrate climbs a coarse ladder (500 … 32 000 req/s), this starts at 90% of the closed-loop throughput (the
 * engine's raw ceiling, measured as calibrate measures it) and steps down by 20% until a rate passes, so the bound is
 * within 20% of what the engine can do rather than within a factor of two.
 *
 * What it cannot see: on a cluster the engine runs in the load-client pod, under that pod's CPU limit, and this
 * measures the engine in the harness process. The search records the source with the number.
 */
export interface EngineCeiling {
  rate: number;
  source: string;
}

const CONNECTIONS = 64;
const STEP_DOWN = 0.8;
const TRIES = 8;

export async function measureEngineCeiling(p: { workers: number; durationS: number; signal?: AbortSignal }): Promise<EngineCeiling | null> {
  const sig = p.signal ? { signal: p.signal } : {};
  const o = { durationS: p.durationS, ...sig };
  const [closed] = await withServer(sig, (c) => measureCeiling(c.url, [CONNECTIONS], [p.workers], o));
  if (!closed || closed.throughput <= 0) return null;
  const w = `${p.workers} worker${p.workers === 1 ? '' : 's'}`;
  return withServer({ flags: ['--record-arrivals'], ...sig }, async (c) => {
    let rate = Math.floor(closed.throughput * 0.9);
    for (let i = 0; i < TRIES && rate >= 1 && !p.signal?.aborted; i++) {
      const row = await measurePacingAt(c.url, rate, { ...o, workers: p.workers });
      if (ladderRowChecks(row).every((x) => x.ok)) {
        return {
          rate,
          source:
            `measured before the search: ${w}, closed loop ${Math.round(closed.throughput)} req/s on loopback, ` +
            `${rate} req/s the highest fixed rate tried that met bench calibrate's pacing targets`,
        };
      }
      rate = Math.floor(rate * STEP_DOWN);
    }
    return null;
  });
}
