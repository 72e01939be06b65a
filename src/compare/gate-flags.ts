import { InputError, type InputProblem } from '../core/errors.js';
import { parseDuration, parsePercentOrFraction } from '../scenario/durations.js';
import type { Gate } from './compare-report.js';

/**
 * The regression gate's settings from `bench compare` flags, with the defaults of issue 9: latency worse by more than
 * 10% and 0.1 ms, memory and CPU higher by more than 10%, throughput lower by more than 10%, significance p < 0.01.
 */
export const DEFAULT_GATE: Gate = {
  alpha: 0.01,
  latencyFraction: 0.1,
  latencyMinUs: 100,
  memoryFraction: 0.1,
  cpuFraction: 0.1,
  throughputFraction: 0.1,
  allowDifferentMachines: false,
};

export interface GateFlags {
  alpha?: string;
  latencyThreshold?: string;
  latencyMin?: string;
  memoryThreshold?: string;
  cpuThreshold?: string;
  throughputThreshold?: string;
  allowDifferentMachines?: boolean;
}

/** Every bad flag is one problem naming it (exit 2), all reported together. */
export function resolveGate(flags: GateFlags): Gate {
  const problems: InputProblem[] = [];
  const fraction = (flag: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    try {
      return parsePercentOrFraction(/^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value);
    } catch (error) {
      problems.push({ source: flag, field: '', message: (error as Error).message });
      return fallback;
    }
  };
  const alpha = fraction('--alpha', flags.alpha, DEFAULT_GATE.alpha);
  if (flags.alpha !== undefined && !(alpha > 0 && alpha < 1)) {
    problems.push({ source: '--alpha', field: '', message: `must be above 0 and below 1, got ${flags.alpha}` });
  }
  let latencyMinUs = DEFAULT_GATE.latencyMinUs;
  if (flags.latencyMin !== undefined) {
    try {
      // A bare number would read as seconds (scenario durations), a trap for a threshold of a fraction of a millisecond.
      if (/^\s*\d+(\.\d+)?\s*$/.test(flags.latencyMin)) throw new RangeError(`invalid duration "${flags.latencyMin}": give a unit, e.g. "0.1ms" or "100us"`);
      latencyMinUs = Math.round(parseDuration(flags.latencyMin) * 1e6);
    } catch (error) {
      problems.push({ source: '--latency-min', field: '', message: (error as Error).message });
    }
  }
  const gate: Gate = {
    alpha,
    latencyFraction: fraction('--latency-threshold', flags.latencyThreshold, DEFAULT_GATE.latencyFraction),
    latencyMinUs,
    memoryFraction: fraction('--memory-threshold', flags.memoryThreshold, DEFAULT_GATE.memoryFraction),
    cpuFraction: fraction('--cpu-threshold', flags.cpuThreshold, DEFAULT_GATE.cpuFraction),
    throughputFraction: fraction('--throughput-threshold', flags.throughputThreshold, DEFAULT_GATE.throughputFraction),
    allowDifferentMachines: Boolean(flags.allowDifferentMachines),
  };
  if (problems.length) throw new InputError(problems);
  return gate;
}
