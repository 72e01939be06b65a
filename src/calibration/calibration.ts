import type { Environment } from '../core/result-schema.js';
import {
  measureAccuracy,
  measureCeiling,
  measurePacingAt,
  measureStall,
  measureLittle,
  withServer,
  type AccuracyResult,
  type CeilingRow,
  type LittleResult,
  type PacingResult,
  type ProcedureOptions,
  type StallResult,
} from './procedures.js';
import { stallChecks, TARGETS, type Check } from './targets.js';
import { judgeLadder, ladderRowChecks, PACING_CHECK_RATE } from './verdict.js';

/** What `bench calibrate` writes (calibration.json): plain data; calibration.md is rendered from it. */
export interface Calibration {
  kind: 'mesh-bench/calibration';
  schemaVersion: 1;
  createdAt: string;
  quick: boolean;
  environment: Environment;
  ceiling: CeilingRow[];
  accuracy: AccuracyResult;
  pacing: PacingResult;
  stall: StallResult;
  littlesLaw: LittleResult[];
  /** Fixed rates tried from low to high; the ladder stops at the first that misses a target. */
  ladder: Array<PacingResult & { ok: boolean }>;
  checks: Check[];
  verdict: { maxRate: number | null; workers: number; reason: string };
}

export const LADDER_RATES = [500, 1000, 2000, 4000, 8000, 16000, 32000] as const;

export async function calibrate(p: {
  quick: boolean;
  cores: number;
  environment: Environment;
  now: () => Date;
  signal?: AbortSignal;
  log: (line: string) => void;
}): Promise<Calibration> {
  const o: ProcedureOptions = { durationS: p.quick ? 2 : 10, log: p.log, ...(p.signal ? { signal: p.signal } : {}) };
  const sig = p.signal ? { signal: p.signal } : {};
  const workers = Math.min(2, p.cores);
  const createdAt = p.now().toISOString();
  const ceiling = await withServer(sig, (c) => measureCeiling(c.url, [1, 16, 64], [...new Set([1, workers])], o));
  const accuracy = await measureAccuracy(2000, 4, o);
  const arrivalsFlags = { flags: ['--record-arrivals'], ...sig };
  // The ladder first: its row at PACING_CHECK_RATE is the pacing measurement (see verdict.ts).
  const ladder: Calibration['ladder'] = [];
  await withServer(arrivalsFlags, async (c) => {
    for (const rate of LADDER_RATES) {
      if (p.signal?.aborted) break;
      const r = await measurePacingAt(c.url, rate, { ...o, workers });
      const ok = ladderRowChecks(r).every((x) => x.ok);
      ladder.push({ ...r, ok });
      if (!ok) break;
    }
  });
  const pacing =
    ladder.find((r) => r.rate === PACING_CHECK_RATE) ??
    (await withServer(arrivalsFlags, (c) => measurePacingAt(c.url, PACING_CHECK_RATE, { ...o, workers })));
  const stall = await measureStall({ rate: 1000, everyMs: 2000, forMs: 200, connections: 16 }, { ...o, durationS: p.quick ? 4 : 10 });
  const littlesLaw = [await measureLittle(null, 32, o), await measureLittle(1000, 32, o)];
  const judged = judgeLadder(ladder, workers, LADDER_RATES[LADDER_RATES.length - 1]!);
  const checks: Check[] = [
    ...judged.checks,
    ...stallChecks(stall),
    ...littlesLaw.map((l) => ({
      name: `Little's law c=${l.connections}${l.closeEvery ? `, server closes every ${l.closeEvery}` : ''}`,
      ok: Math.abs(l.ratio - 1) <= TARGETS.littlesLaw,
      detail: `mean ${l.meanUs.toFixed(0)} µs vs ${l.expectedMeanUs.toFixed(0)} µs (×${l.ratio.toFixed(3)})`,
    })),
  ];
  return {
    kind: 'mesh-bench/calibration',
    schemaVersion: 1,
    createdAt,
    quick: p.quick,
    environment: p.environment,
    ceiling,
    accuracy,
    pacing,
    stall,
    littlesLaw,
    ladder,
    checks,
    verdict: { maxRate: judged.maxRate, workers, reason: judged.reason },
  };
}
