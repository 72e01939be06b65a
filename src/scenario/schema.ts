import { z } from 'zod';
import { LIMITS, limitText, type LimitName } from './limits.js';
import { sloPercentiles, type SloPercentile } from '../core/slo-schema.js';
import {
  DURATION_EXAMPLES,
  FRACTION_EXAMPLES,
  SIZE_EXAMPLES,
  parseDuration,
  parsePercentOrFraction,
  parseSize,
} from './durations.js';

/**
 * The scenario file as users write it (YAML, see src/scenario/README.md), as a zod schema.
 * Parsing turns units into numbers (durations → seconds, sizes → bytes, "0.1%" → 0.001) and fills the defaults that
 * do not depend on anything else; resolve-scenario.ts then fills the per-step defaults and produces ResolvedScenario.
 *
 * Every message is written here, in the one shape `must be <what is allowed>, got <value>` (or `is required: …`),
 * because users read them as `file: field: message` and zod's own texts ("Invalid input") do not say what to write.
 */

/** Built-in defaults: the README's table is this object. */
export const SCENARIO_DEFAULTS = {
  repetitions: 5,
  installs: 1,
  seed: 1,
  errorBudget: 0.001,
  workload: { responseBytes: 1024, serviceDelayS: 0, hops: 1, replicas: 1, path: '/' },
  thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 },
  step: { durationS: 10, warmupS: 2, timeoutS: 10, arrival: 'uniform', workers: 1 },
} as const;

/** Upper bounds and their reasons live in limits.ts, shared with `bench load`'s flags. */
export const MAX_HOPS = LIMITS.hops.max;
export const MAX_WARMUP_S = LIMITS.warmupS.max;
export const MAX_TIMEOUT_S = LIMITS.timeoutS.max;
export const MIN_TIMEOUT_S = 0.001;
/** Upper bound on default connection pools: stays clear of file-descriptor and ephemeral-port limits on CI runners. */
export const DEFAULT_MAX_CONNECTIONS_CAP = 4096;

/**
 * Rate mode, connections opened at start: max(8, ⌈rate × 2 ms⌉).
 * By Little's law a pool of rate × W connections is just enough when responses take W on average; 2 ms covers a
 * loopback or in-cluster request through a proxy or two, so at the target rate the pool rarely has to grow inside
 * the measured window (a new connection there adds a handshake to some request's latency). The floor of 8 gives low
 * rates room for the odd slow response without waiting on a connect.
 * Computed as rate / 500 rather than rate × 0.002 so round rates give exact results.
 */
export function defaultRateConnections(rate: number): number {
  return Math.max(8, Math.ceil(rate / 500));
}

/**
 * Rate mode, the most connections the engine may open when all are busy: max(connections × 8, ⌈rate × 250 ms⌉),
 * capped at 4096 but never below `connections`. Sending must go on through a stall, or the stall hides its own
 * latency (coordinated omission): a 250 ms stall at the target rate needs rate × 0.25 requests in flight.
 */
export function defaultMaxConnections(rate: number, connections: number): number {
  return Math.max(connections, Math.min(DEFAULT_MAX_CONNECTIONS_CAP, Math.max(connections * 8, Math.ceil(rate / 4))));
}

/** "rate-500", "c-32", "max-64", "slo-p99-5ms". */
export function defaultStepName(
  step:
    | { mode: 'rate'; rate: number }
    | { mode: 'connections' | 'max'; connections: number }
    | { mode: 'slo'; objective: Partial<Record<SloPercentile, number>> },
): string {
  switch (step.mode) {
    case 'slo': {
      // "slo-p99-5ms": the first latency objective, as written (seconds after parsing).
      const first = sloPercentiles.find((p) => step.objective[p] !== undefined);
      const seconds = first ? step.objective[first] : undefined;
      return first && seconds !== undefined ? `slo-${first}-${+(seconds * 1000).toPrecision(6)}ms` : 'slo';
    }
    case 'rate':
      return `rate-${step.rate}`;
    case 'connections':
      return `c-${step.connections}`;
    case 'max':
      return `max-${step.connections}`;
  }
}

/** How a value appears after "got" in a message. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

type ErrorFunction = (issue: { readonly input?: unknown }) => string;

/** The message for any failure of one field: missing, wrong type or out of range. */
function expected(what: string, whenMissing = `is required: ${what}`): ErrorFunction {
  return (issue) => (issue.input === undefined ? whenMissing : `must be ${what}, got ${describeValue(issue.input)}`);
}

function forbidden(message: string) {
  return z.never({ error: () => message }).optional();
}

/**
 * A mapping whose unknown keys are errors, each reported on its own path.
 * zod reports all unknown keys of one mapping as one issue; the message carries one line per key, in the issue's
 * key order, and load-scenario.ts splits it back into one problem per key.
 */
function mapping<Shape extends z.core.$ZodLooseShape>(shape: Shape, what: string, allowed: readonly string[] = Object.keys(shape)) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => unknownField(key, allowed)).join('\n') : expected(what)(issue),
  });
}

function unknownField(key: string, allowed: readonly string[]): string {
  const suggestion = closest(key, allowed);
  return `unknown field${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; allowed: ${allowed.join(', ')}`;
}

/** The allowed key a typo most likely meant: same letters ignoring case and separators, or at most 2 edits away. */
function closest(key: string, allowed: readonly string[]): string | undefined {
  const normalize = (s: string): string => s.toLowerCase().replace(/[-_ ]/g, '');
  const exact = allowed.find((a) => normalize(a) === normalize(key));
  if (exact) return exact;
  let best: { name: string; distance: number } | undefined;
  for (const name of allowed) {
    const distance = editDistance(key.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** A number or text in a unit, parsed by `parse`, then checked by `check` (which returns what is allowed, or nothing). */
function unitField(what: string, parse: (value: string | number) => number, check: (value: number) => string | undefined = () => undefined) {
  return z.union([z.number(), z.string()], { error: expected(what) }).transform((raw, ctx) => {
    let value: number;
    try {
      value = parse(raw);
    } catch {
      ctx.issues.push({ code: 'custom', input: raw, message: `must be ${what}, got ${describeValue(raw)}` });
      return z.NEVER;
    }
    const allowed = check(value);
    if (allowed !== undefined) {
      ctx.issues.push({ code: 'custom', input: raw, message: `must be ${allowed}, got ${describeValue(raw)}` });
      return z.NEVER;
    }
    return value;
  });
}

const durationField = (check?: (seconds: number) => string | undefined) =>
  unitField(`a duration like ${DURATION_EXAMPLES}`, parseDuration, check);

/** The error for a value above its limit in limits.ts: names the limit and why it exists. */
function overLimit(name: LimitName): ErrorFunction {
  return (issue) => `must be ${limitText(name)}, got ${describeValue(issue.input)}`;
}

const stepDuration = () =>
  durationField((s) => (s <= 0 ? 'longer than 0s' : s > LIMITS.durationS.max ? limitText('durationS') : undefined));
const warmup = () => durationField((s) => (s < MAX_WARMUP_S ? undefined : `shorter than ${LIMITS.warmupS.text} (${LIMITS.warmupS.why})`));
const timeout = () =>
  durationField((s) =>
    s >= MIN_TIMEOUT_S && s <= MAX_TIMEOUT_S ? undefined : `from 1ms to ${LIMITS.timeoutS.text} (${LIMITS.timeoutS.why})`,
  );
const arrival = () => z.enum(['uniform', 'poisson'], { error: expected('"uniform" or "poisson"') });
const workers = () => {
  const error = expected('a whole number ≥ 1 or "auto"');
  return z.union(
    [z.number({ error }).int({ error }).min(1, { error }).max(LIMITS.workers.max, { error: overLimit('workers') }), z.literal('auto', { error })],
    {
      // A number above the limit fails both options; say the limit rather than "≥ 1 or auto".
      error: (issue) =>
        typeof issue.input === 'number' && Number.isInteger(issue.input) && issue.input > LIMITS.workers.max
          ? overLimit('workers')(issue)
          : error(issue),
    },
  );
};

const wholeNumber = (min: number, whenMissing?: string, limit?: LimitName) => {
  const error = expected(`a whole number ≥ ${min}`, whenMissing);
  const n = z.number({ error }).int({ error }).min(min, { error });
  return limit ? n.max(LIMITS[limit].max, { error: overLimit(limit) }) : n;
};

const workloadSchema = mapping(
  {
    responseBytes: unitField(`a size like ${SIZE_EXAMPLES}`, parseSize, (b) =>
      b > LIMITS.responseBytes.max ? limitText('responseBytes') : undefined,
    ).default(SCENARIO_DEFAULTS.workload.responseBytes),
    serviceDelay: durationField((s) => (s > LIMITS.serviceDelayS.max ? limitText('serviceDelayS') : undefined)).default(
      SCENARIO_DEFAULTS.workload.serviceDelayS,
    ),
    hops: (() => {
      const error = expected(`a whole number from 1 to ${MAX_HOPS}`);
      return z.number({ error }).int({ error }).min(1, { error }).max(MAX_HOPS, { error: overLimit('hops') });
    })().default(SCENARIO_DEFAULTS.workload.hops),
    replicas: wholeNumber(1, undefined, 'replicas').default(SCENARIO_DEFAULTS.workload.replicas),
    path: z
      .string({ error: expected('a request path starting with "/"') })
      .regex(/^\/\S*$/, { error: expected('a request path starting with "/", without spaces') })
      .default(SCENARIO_DEFAULTS.workload.path),
  },
  'a mapping of workload fields',
);

const thresholdsSchema = mapping(
  {
    minRateFraction: (() => {
      const error = expected('a number greater than 0 and at most 1 (e.g. 0.99)');
      return z.number({ error }).gt(0, { error }).max(1, { error });
    })().default(SCENARIO_DEFAULTS.thresholds.minRateFraction),
    maxCv: (() => {
      const error = expected('a number greater than 0 (e.g. 0.05)');
      return z.number({ error }).gt(0, { error });
    })().default(SCENARIO_DEFAULTS.thresholds.maxCv),
    littlesLawTolerance: (() => {
      const error = expected('a number greater than 0 (e.g. 0.1)');
      return z.number({ error }).gt(0, { error });
    })().default(SCENARIO_DEFAULTS.thresholds.littlesLawTolerance),
  },
  'a mapping of thresholds',
);

const defaultsSchema = mapping(
  {
    duration: stepDuration().default(SCENARIO_DEFAULTS.step.durationS),
    warmup: warmup().default(SCENARIO_DEFAULTS.step.warmupS),
    timeout: timeout().default(SCENARIO_DEFAULTS.step.timeoutS),
    arrival: arrival().default(SCENARIO_DEFAULTS.step.arrival),
    workers: workers().default(SCENARIO_DEFAULTS.step.workers),
  },
  'a mapping of step defaults',
);

/** Every field a step may have in some mode: what "allowed" lists for an unknown step field. */
export const STEP_FIELDS = [
  'name',
  'mode',
  'rate',
  'connections',
  'maxConnections',
  'duration',
  'warmup',
  'timeout',
  'arrival',
  'workers',
  'objective',
  'startRate',
  'minRate',
  'maxRate',
  'engineCeiling',
  'precision',
  'confirmations',
] as const;

const STEP_NAME = /^[A-Za-z0-9._-]+$/;
const stepName = () =>
  z
    .string({ error: expected('letters, digits, ".", "_" or "-"') })
    .regex(STEP_NAME, { error: expected('letters, digits, ".", "_" or "-"') });

/**
 * Fields every mode shares; each falls back to `defaults`. `arrival` only shapes rate steps, but closed-loop steps
 * accept and record it too, so switching a step's mode (or `bench load`, which always passes --arrival) needs no edit.
 */
const sharedStepFields = {
  name: stepName().optional(),
  duration: stepDuration().optional(),
  warmup: warmup().optional(),
  timeout: timeout().optional(),
  arrival: arrival().optional(),
  workers: workers().optional(),
};

const rateStepSchema = mapping(
  {
    mode: z.literal('rate'),
    ...sharedStepFields,
    rate: (() => {
      const error = expected(
        'a positive number of requests per second',
        'is required in mode "rate": a positive number of requests per second',
      );
      return z.number({ error }).positive({ error }).max(LIMITS.rate.max, { error: overLimit('rate') });
    })(),
    connections: wholeNumber(1, undefined, 'connections').optional(),
    maxConnections: wholeNumber(1, undefined, 'connections').optional(),
  },
  'a mapping of step fields',
  STEP_FIELDS,
).superRefine((step, ctx) => {
  // zod runs refinements even when a field already failed: say nothing more about a value already refused.
  if (step.maxConnections === undefined || !Number.isInteger(step.maxConnections) || step.maxConnections < 1) return;
  if (step.connections !== undefined && (!Number.isInteger(step.connections) || step.connections < 1)) return;
  const connections = step.connections ?? defaultRateConnections(step.rate);
  if (step.maxConnections < connections) {
    const origin = step.connections === undefined ? `${connections}, derived from rate` : `${connections}`;
    ctx.addIssue({
      code: 'custom',
      path: ['maxConnections'],
      input: step.maxConnections,
      message: `must be at least connections (${origin}), got ${step.maxConnections}`,
    });
  }
});

function closedLoopStepSchema<Mode extends 'connections' | 'max'>(mode: Mode) {
  return mapping(
    {
      mode: z.literal(mode),
      ...sharedStepFields,
      rate: forbidden(`is not allowed in mode "${mode}": closed-loop steps send as fast as responses come back`),
      connections: wholeNumber(1, `is required in mode "${mode}": a whole number ≥ 1`, 'connections'),
      maxConnections: forbidden(`is not allowed in mode "${mode}": closed-loop steps keep exactly "connections" open`),
    },
    'a mapping of step fields',
    STEP_FIELDS,
  );
}

/** Mode slo's defaults (README "Capacity under a latency objective"). */
export const SLO_DEFAULTS = { startRate: 100, minRate: 10, precision: 0.05, confirmations: 2 } as const;
/** More confirmations per verdict than this multiply a search's probes for little: 3 of 5 already outvotes two stalls. */
export const MAX_SLO_CONFIRMATIONS = 5;

const positiveRate = (what: string) => {
  const error = expected(`a positive number of requests per second${what}`);
  return z.number({ error }).positive({ error }).max(LIMITS.rate.max, { error: overLimit('rate') });
};

const sloObjectiveFileSchema = mapping(
  {
    ...Object.fromEntries(
      sloPercentiles.map((p) => [
        p,
        durationField((s) => (s <= 0 ? 'longer than 0s' : s > LIMITS.timeoutS.max ? `at most ${LIMITS.timeoutS.text} (${LIMITS.timeoutS.why})` : undefined)).optional(),
      ]),
    ) as Record<SloPercentile, z.ZodOptional<ReturnType<typeof durationField>>>,
    errorRate: unitField(FRACTION_EXAMPLES, parsePercentOrFraction).optional(),
  },
  'a mapping like { p99: 5ms, errorRate: 0.1% }',
).superRefine((o, ctx) => {
  // An unknown key ("p95") already has its line, with the percentile it probably meant.
  if (ctx.issues.length > 0 || sloPercentiles.some((p) => o[p] !== undefined)) return;
  ctx.addIssue({ code: 'custom', input: o, message: `must name at least one latency percentile (${sloPercentiles.join(', ')}), e.g. { p99: 5ms }` });
});

/**
 * Mode slo (issue 10, build 4): the highest fixed rate meeting `objective`, searched with open-loop probes of the
 * step's `duration` and `warmup` (src/load/slo-search.ts).
 */
const sloStepSchema = mapping(
  {
    mode: z.literal('slo'),
    ...sharedStepFields,
    objective: sloObjectiveFileSchema,
    rate: forbidden('is not allowed in mode "slo": the search chooses the rates (startRate, minRate, maxRate bound it)'),
    startRate: positiveRate('').default(SLO_DEFAULTS.startRate),
    minRate: positiveRate('').default(SLO_DEFAULTS.minRate),
    maxRate: positiveRate('').optional(),
    engineCeiling: positiveRate(" (what bench calibrate's verdict says this machine drives)").optional(),
    precision: unitField('a fraction greater than 0 and at most 1 (e.g. 0.05) or a percentage (e.g. "5%")', parsePercentOrFraction, (x) =>
      x > 0 && x <= 1 ? undefined : 'a fraction greater than 0 and at most 1 (e.g. 0.05) or a percentage (e.g. "5%")',
    ).default(SLO_DEFAULTS.precision),
    confirmations: (() => {
      const error = expected(`a whole number from 1 to ${MAX_SLO_CONFIRMATIONS}`);
      return z.number({ error }).int({ error }).min(1, { error }).max(MAX_SLO_CONFIRMATIONS, { error });
    })().default(SLO_DEFAULTS.confirmations),
    connections: wholeNumber(1, undefined, 'connections').optional(),
    maxConnections: wholeNumber(1, undefined, 'connections').optional(),
  },
  'a mapping of step fields',
  STEP_FIELDS,
).superRefine((step, ctx) => {
  const ok = (x: unknown): x is number => typeof x === 'number' && x > 0;
  if (ok(step.minRate) && ok(step.startRate) && step.minRate > step.startRate) {
    ctx.addIssue({ code: 'custom', path: ['minRate'], input: step.minRate, message: `must be at most startRate (${step.startRate}), got ${step.minRate}` });
  }
  if (ok(step.maxRate) && ok(step.startRate) && step.maxRate < step.startRate) {
    ctx.addIssue({ code: 'custom', path: ['maxRate'], input: step.maxRate, message: `must be at least startRate (${step.startRate}), got ${step.maxRate}` });
  }
  if (ok(step.maxConnections) && ok(step.connections) && step.maxConnections < step.connections) {
    ctx.addIssue({ code: 'custom', path: ['maxConnections'], input: step.maxConnections, message: `must be at least connections (${step.connections}), got ${step.maxConnections}` });
  }
});

const MODES_TEXT = '"rate", "connections", "max" or "slo"';

export const stepSchema = z.discriminatedUnion(
  'mode',
  [rateStepSchema, closedLoopStepSchema('connections'), closedLoopStepSchema('max'), sloStepSchema],
  {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return expected(`a mapping of step fields with at least "mode" (${MODES_TEXT})`)(issue);
      // No option matched the discriminator: zod puts this issue on the `mode` path and passes the whole step as input.
      const mode = isRecord(issue.input) ? issue.input['mode'] : undefined;
      return expected(MODES_TEXT)({ input: mode });
    },
  },
);
export type ScenarioStep = z.output<typeof stepSchema>;

/** Scenario `scale:` defaults: the README's table (src/scale/README.md) is this object. */
export const SCALE_DEFAULTS = {
  replicasPerNode: [1, 4, 8, 16],
  settleS: 30,
  idleS: 60,
  load: { rate: 100, durationS: 60 },
  project: { nodes: 100, pods: 1000 },
} as const;

const scaleSchema = mapping(
  {
    replicasPerNode: z
      .array(wholeNumber(1, undefined, 'replicasPerNode'), { error: expected('a list of replica counts per node, e.g. [1, 4, 8, 16]') })
      .min(2, { error: 'must list at least 2 replica counts, e.g. [1, 4, 8, 16]: at one count per-pod and per-node memory cannot be told apart' })
      .superRefine((counts, ctx) => {
        counts.forEach((count, i) => {
          const previous = counts[i - 1];
          if (i > 0 && previous !== undefined && Number.isInteger(count) && count <= previous) {
            ctx.addIssue({ code: 'custom', path: [i], input: count, message: `must be greater than the count before it (${previous}), got ${count}` });
          }
        });
      })
      .default([...SCALE_DEFAULTS.replicasPerNode]),
    settle: durationField((s) => (s > LIMITS.warmupS.max ? `at most ${LIMITS.warmupS.text} (${LIMITS.warmupS.why})` : undefined)).default(
      SCALE_DEFAULTS.settleS,
    ),
    idle: stepDuration().default(SCALE_DEFAULTS.idleS),
    load: mapping(
      {
        rate: (() => {
          const error = expected('a positive number of requests per second');
          return z.number({ error }).positive({ error }).max(LIMITS.rate.max, { error: overLimit('rate') });
        })().default(SCALE_DEFAULTS.load.rate),
        duration: stepDuration().default(SCALE_DEFAULTS.load.durationS),
      },
      'a mapping of load fields (rate, duration)',
    ).prefault({}),
    project: mapping(
      {
        nodes: wholeNumber(1).default(SCALE_DEFAULTS.project.nodes),
        pods: wholeNumber(1).default(SCALE_DEFAULTS.project.pods),
      },
      'a mapping of nodes and pods',
    ).prefault({}),
  },
  'a mapping of scale fields (replicasPerNode, settle, idle, load, project)',
);

export const scenarioFileSchema = mapping(
  {
    name: z
      .string({ error: expected('lowercase letters, digits and "-" (e.g. "smoke")') })
      .regex(/^[a-z0-9-]+$/, { error: expected('lowercase letters, digits and "-" (e.g. "smoke")') }),
    description: z
      .string({ error: expected('text') })
      .transform((s) => s.trim())
      .optional(),
    repetitions: wholeNumber(1, undefined, 'repetitions').default(SCENARIO_DEFAULTS.repetitions),
    installs: wholeNumber(1, undefined, 'installs').default(SCENARIO_DEFAULTS.installs),
    seed: wholeNumber(0).default(SCENARIO_DEFAULTS.seed),
    errorBudget: unitField(FRACTION_EXAMPLES, parsePercentOrFraction).default(SCENARIO_DEFAULTS.errorBudget),
    workload: workloadSchema.prefault({}),
    thresholds: thresholdsSchema.prefault({}),
    defaults: defaultsSchema.prefault({}),
    steps: z
      .array(stepSchema, { error: expected('a list of steps') })
      .min(1, { error: 'must have at least one step' })
      .max(LIMITS.steps.max, { error: (issue) => `must have ${limitText('steps')}, got ${Array.isArray(issue.input) ? issue.input.length : 'more'}` })
      .superRefine((steps, ctx) => {
        const firstIndexByName = new Map<string, number>();
        steps.forEach((step, index) => {
          const name = step.name ?? defaultStepName(step);
          const first = firstIndexByName.get(name);
          if (first === undefined) {
            firstIndexByName.set(name, index);
            return;
          }
          const derived = step.name === undefined ? ' (derived from its mode and load)' : '';
          ctx.addIssue({
            code: 'custom',
            path: [index, 'name'],
            input: step.name,
            message: `"${name}"${derived} is already the name of steps[${first}]; step names must be unique`,
          });
        });
      }),
    scale: scaleSchema.optional(),
  },
  'a mapping of scenario fields (name, steps, …)',
);

/** What scenarioFileSchema accepts (units as text) and what it produces (units as numbers, static defaults filled). */
export type ScenarioFileInput = z.input<typeof scenarioFileSchema>;
export type ScenarioFile = z.output<typeof scenarioFileSchema>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
