import { InputError } from '../core/errors.js';
import type { ResolvedLoadStep, Thresholds } from '../core/scenario-types.js';
import { parseScenario } from '../scenario/load-scenario.js';

/** Flags of `bench load`, as commander gives them (strings). */
export interface LoadFlags {
  rate?: string;
  connections?: string;
  max?: boolean;
  maxConnections?: string;
  duration: string;
  warmup: string;
  timeout: string;
  arrival: string;
  workers: string;
  errorBudget: string;
  seed: string;
  /** Thresholds of the scenario a step comes from (the in-pod run gets them so it judges like the scenario says). */
  minRateFraction?: string;
  littlesLawTolerance?: string;
}

export interface ResolvedLoadFlags {
  step: ResolvedLoadStep;
  errorBudget: number;
  thresholds: Thresholds;
  seed: number;
}

const FLAG_OF_FIELD: Record<string, string> = {
  rate: '--rate',
  connections: '--connections',
  maxConnections: '--max-connections',
  duration: '--duration',
  warmup: '--warmup',
  timeout: '--timeout',
  arrival: '--arrival',
  workers: '--workers',
  errorBudget: '--error-budget',
  seed: '--seed',
  'thresholds.minRateFraction': '--min-rate-fraction',
  'thresholds.littlesLawTolerance': '--littles-law-tolerance',
};

/** Plain and exponent notation ("1e6"), so `--rate 1e12` meets the same limit as `rate: 1e12` in a file. */
const number = (s: string): number | string => (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s.trim()) ? Number(s) : s);

/**
 * `bench load` flags become a one-step scenario and go through the scenario schema, so flags and files share one
 * set of rules and defaults; problems are reported against the flag.
 */
export function resolveLoadFlags(f: LoadFlags, availableCores: number): ResolvedLoadFlags {
  const modes = [f.rate !== undefined && !f.max ? 'rate' : null, f.max ? 'max' : null].filter(Boolean);
  if (f.rate !== undefined && f.max) throw InputError.single('--max', '', 'cannot be combined with --rate');
  const mode = modes[0] ?? 'connections';
  if (mode !== 'rate' && f.connections === undefined) {
    throw InputError.single('--connections', '', 'required: give --rate <req/s> (open loop) or --connections <n> (closed loop)');
  }
  const step: Record<string, unknown> = { mode, duration: number(f.duration), warmup: number(f.warmup), timeout: number(f.timeout) };
  if (f.rate !== undefined) step.rate = number(f.rate);
  if (f.connections !== undefined) step.connections = number(f.connections);
  if (f.maxConnections !== undefined) step.maxConnections = number(f.maxConnections);
  step.arrival = f.arrival;
  step.workers = f.workers === 'auto' ? 'auto' : number(f.workers);
  const thresholds: Record<string, unknown> = {};
  if (f.minRateFraction !== undefined) thresholds.minRateFraction = number(f.minRateFraction);
  if (f.littlesLawTolerance !== undefined) thresholds.littlesLawTolerance = number(f.littlesLawTolerance);
  const doc = { name: 'load', repetitions: 1, seed: number(f.seed), errorBudget: number(f.errorBudget), thresholds, steps: [step] };
  try {
    const s = parseScenario(JSON.stringify(doc), '<flags>', availableCores);
    return { step: s.steps[0]!, errorBudget: s.errorBudget, thresholds: s.thresholds, seed: s.seed };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(
      e.problems.map((p) => {
        const key = p.field.replace(/^steps\[0\]\./, '');
        return { source: FLAG_OF_FIELD[key] ?? (p.field || '<flags>'), field: '', message: p.message };
      }),
    );
  }
}
