import { z } from 'zod';

/**
 * Step mode `slo` (issue 10, build 4): the highest fixed rate a system sustains while meeting a latency objective.
 * The resolved search settings live on the step (`ResolvedLoadStep.slo`); what one search found lives on each
 * repetition (`RepetitionResult.slo`). Both fields are optional, so results written before them still read.
 */
export const sloPercentiles = ['p50', 'p90', 'p99', 'p999'] as const;
export type SloPercentile = (typeof sloPercentiles)[number];

export const sloObjectiveSchema = z
  .object({
    /** Each percentile of latency from the intended send instant must be at most maxUs. */
    latency: z.array(z.object({ percentile: z.enum(sloPercentiles), maxUs: z.number().positive() }).strict()).min(1),
    /** Failed requests ÷ sent at most this (the probe's error budget). */
    errorRate: z.number().min(0).max(1),
  })
  .strict();
export type SloObjective = z.infer<typeof sloObjectiveSchema>;

export const resolvedSloSchema = z
  .object({
    objective: sloObjectiveSchema,
    /** First rate probed, req/s; the search doubles from it (or halves, when it misses). */
    startRate: z.number().positive(),
    /** Lowest rate probed: a system missing the objective there is reported as "below minRate". */
    minRate: z.number().positive(),
    /** Highest rate probed, req/s, when lower than the engine ceiling; null: the engine ceiling only. */
    maxRate: z.number().positive().nullable(),
    /** The engine's ceiling, req/s, as given in the scenario; null: measured on loopback before each search. */
    engineCeiling: z.number().positive().nullable(),
    /** The search stops when the lowest miss ÷ the highest pass ≤ 1 + precision. */
    precision: z.number().positive(),
    /** Probes at a rate that must all meet the objective before it is accepted (1 = no repeat). */
    confirmations: z.number().int().positive(),
    /** Connections each probe opens at start and may grow to; null: derived from the probe's rate like a rate step. */
    connections: z.number().int().positive().nullable(),
    maxConnections: z.number().int().positive().nullable(),
  })
  .strict();
export type ResolvedSlo = z.infer<typeof resolvedSloSchema>;

export const sloProbeSchema = z
  .object({
    rate: z.number().positive(),
    /** meets: valid and within the objective; misses: the load broke it (latency, errors, rate not sustained). */
    outcome: z.enum(['meets', 'misses', 'broken']),
    achievedRate: z.number().nonnegative(),
    errorRate: z.number().nonnegative(),
    /** The objective's percentiles as measured (intended latency, µs); null when the probe had no latency. */
    latencyUs: z.record(z.string(), z.number().nonnegative()).nullable(),
    /** Why it missed or broke; empty when it met the objective. */
    reasons: z.array(z.string()),
  })
  .strict();
export type SloProbe = z.infer<typeof sloProbeSchema>;

/** The engine's ceiling a search was bounded by, req/s, and where it came from (the scenario, or measured before it). */
export const engineCeilingSchema = z.object({ rate: z.number().positive(), source: z.string() }).strict();

/**
 * Results written before a ceiling that could not be measured was null carry this placeholder (a rate nobody
 * measured): it is read as null, what it meant, so no reader of an older file meets the made-up rate. The schema
 * version is unchanged: every older file still reads; a new file's null is new only to older harnesses.
 */
const notMeasuredPlaceholder = (c: z.infer<typeof engineCeilingSchema>): boolean => c.rate === 1 && c.source === 'not measured';

export const sloSearchSchema = z
  .object({
    objective: sloObjectiveSchema,
    /**
     * The engine's ceiling the search was bounded by, and where it came from; null: it could not be measured, so no
     * search ran (`broken` says why).
     */
    ceiling: engineCeilingSchema.nullable().transform((c) => (c !== null && notMeasuredPlaceholder(c) ? null : c)),
    /** The highest rate that met the objective on every confirmation; null when none did (see `below`). */
    found: z.number().positive().nullable(),
    /** The lowest rate that missed it (null when none did): the capacity lies in [found, upperMiss). */
    upperMiss: z.number().positive().nullable(),
    /** found is the engine ceiling: the system's capacity is at least that, the number is the engine's, not the system's. */
    atCeiling: z.boolean(),
    /** found is the scenario's maxRate (below the ceiling): the capacity is at least that. */
    atMaxRate: z.boolean(),
    /** Even minRate missed the objective: the capacity is below it. */
    belowMinRate: z.boolean(),
    /** A probe broke (target changed, connections failed, stopped): nothing found is trusted; the reason. */
    broken: z.string().nullable(),
    probes: z.array(sloProbeSchema),
  })
  .strict()
  // No ceiling, no search (src/pipeline/measure-step.ts): a file saying otherwise was not written by us, or was edited.
  .superRefine((s, ctx) => {
    if (s.ceiling !== null) return;
    const ran = [
      s.probes.length > 0 ? `${s.probes.length} probes` : '',
      s.found !== null ? `found ${s.found}` : '',
      s.broken === null ? 'broken null' : '',
    ].filter(Boolean);
    if (ran.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['ceiling'], message: `null (not measured, so no search ran) but the search has ${ran.join(', ')}` });
    }
  });
export type SloSearch = z.infer<typeof sloSearchSchema>;
