import type { ResolvedLoadStep } from '../core/scenario-types.js';
import type { SloObjective, SloSearch } from '../core/slo-schema.js';
import { median } from 'simple-statistics';
import { formatPercent, oneLine, table, trimNumber } from './format.js';
import type { ReportRepetition, ReportRun } from './report-input.js';

/**
 * "## Capacity under a latency objective" (issue 10, build 4): per slo step, each system's capacity (the median over
 * its searches of the highest rate that met the objective) and its ratio to the baseline's. A search bounded by the
 * engine's ceiling gives "≥": the number is the engine's, so a ratio against it is a bound, never a value.
 */

/** An objective as written: `5 ms`, `2.5 ms`, `800 µs` (not `5.00 ms`: it is a bound, not a measurement). */
function bound(us: number): string {
  return us >= 1000 ? `${trimNumber(us / 1000)} ms` : `${trimNumber(us)} µs`;
}

/** `p99 ≤ 5 ms, errors ≤ 0.1%`. */
export function objectiveText(o: SloObjective): string {
  const latency = o.latency.map((l) => `${l.percentile} ≤ ${bound(l.maxUs)}`).join(', ');
  return `${latency}, errors ≤ ${formatPercent(o.errorRate)}`;
}

/** The step's load label: `capacity at p99 ≤ 5 ms`. */
export function sloStepLabel(step: ResolvedLoadStep): string {
  return step.slo ? `capacity at ${step.slo.objective.latency.map((l) => `${l.percentile} ≤ ${bound(l.maxUs)}`).join(', ')}` : 'capacity';
}

/** What a system's searches at one step say, over the searches that were not broken. */
export interface SloCapacity {
  searches: number;
  /** Median of the rates found (the ceiling's, for searches that reached it); null when none found one. */
  rate: number | null;
  /** At least one search reached the engine's ceiling or the scenario's maxRate: `rate` is a lower bound. */
  atLeast: boolean;
  /** Every search missed even the lowest rate: the capacity is below `below`. */
  below: number | null;
  /** The lowest and highest rate found. */
  range: [number, number] | null;
  broken: number;
}

/** Searches that count: not broken, and either valid or "below the lowest rate" (an answer, though no rate met). */
export function usableSearches(repetitions: readonly ReportRepetition[]): SloSearch[] {
  return repetitions.flatMap((r) => (r.slo && r.slo.broken === null && (r.status === 'valid' || r.slo.belowMinRate) ? [r.slo] : []));
}

export function sloCapacity(repetitions: readonly ReportRepetition[]): SloCapacity {
  const searches = usableSearches(repetitions);
  const broken = repetitions.filter((r) => r.slo && !searches.includes(r.slo)).length;
  const found = searches.flatMap((s) => (s.found === null ? [] : [s.found]));
  const lows = searches.filter((s) => s.belowMinRate).map((s) => s.upperMiss ?? 0);
  // Below the lowest rate in more than half of the searches: the median capacity is below it too.
  if (found.length === 0 || lows.length > searches.length / 2) {
    return { searches: searches.length, rate: null, atLeast: false, below: lows.length ? Math.max(...lows) : null, range: null, broken };
  }
  return {
    searches: searches.length,
    rate: Math.round(median(found)),
    atLeast: searches.some((s) => s.atCeiling || s.atMaxRate),
    below: null,
    range: [Math.min(...found), Math.max(...found)],
    broken,
  };
}

export function capacityText(c: SloCapacity): string {
  if (c.rate !== null) return `${c.atLeast ? '≥ ' : ''}${trimNumber(c.rate)} req/s`;
  if (c.below !== null) return `< ${trimNumber(c.below)} req/s`;
  return 'no answer';
}

/** system ÷ reference, honest about bounds: `0.62×`, `≥ 1.3×`, `≤ 0.8×`, or `unknown (both at the ceiling)`. */
export function capacityRatio(system: SloCapacity, reference: SloCapacity): string {
  if (system.rate === null || reference.rate === null) return '—';
  const ratio = `${(system.rate / reference.rate).toFixed(2)}×`;
  if (system.atLeast && reference.atLeast) return 'unknown (both bounded by the engine or maxRate)';
  if (system.atLeast) return `≥ ${ratio}`;
  if (reference.atLeast) return `≤ ${ratio}`;
  return ratio;
}

/** `not measured before any search, so none ran`, `not measured before 1 of 4 searches, which did not run`. */
function notMeasuredText(unmeasured: number, searches: number): string {
  if (unmeasured === searches) return searches === 1 ? 'not measured before the search, so it did not run' : 'not measured before any search, so none ran';
  return `not measured before ${unmeasured} of ${searches} searches, which did not run`;
}

export function renderSlo(r: ReportRun): string | null {
  const steps = r.scenario.steps.filter((s) => s.mode === 'slo' && s.slo);
  if (steps.length === 0) return null;
  const out = [
    '## Capacity under a latency objective',
    '',
    'The highest fixed rate each system sustained while meeting the objective: a search of short open-loop probes ' +
      '(doubling, then bisection), each judged by the usual validity rules, every verdict confirmed by repeated ' +
      "probes, and never above the load engine's own ceiling. \"≥\" means the search reached that ceiling (or the " +
      "scenario's maxRate): the system carries at least that much, and the number is the engine's, not the system's. " +
      'Capacity is the median over repetitions; the range is the lowest and highest found.',
  ];
  const reference = r.reference;
  for (const step of steps) {
    const slo = step.slo!;
    out.push('', `### ${step.name}: ${objectiveText(slo.objective)}`, '');
    const capacities = r.systems.map((sys) => {
      const st = sys.steps.find((x) => x.name === step.name);
      return { id: sys.id, c: sloCapacity(st?.repetitions ?? []) };
    });
    const ref = capacities.find((x) => x.id === reference)?.c ?? null;
    const header = ['system', 'capacity', 'range', 'searches', ...(ref ? [`vs ${reference}`] : [])];
    out.push(
      table(
        header,
        capacities.map(({ id, c }) => [
          id,
          capacityText(c),
          c.range ? `${trimNumber(c.range[0])}–${trimNumber(c.range[1])}` : '—',
          `${c.searches}${c.broken ? ` (+${c.broken} broken)` : ''}`,
          ...(ref ? [id === reference ? (c.rate === null ? '—' : '1×') : capacityRatio(c, ref)] : []),
        ]),
      ),
    );
    const searches = r.systems.flatMap((sys) => (sys.steps.find((x) => x.name === step.name)?.repetitions ?? []).flatMap((rep) => (rep.slo ? [rep.slo] : [])));
    const ceilings = new Set(searches.flatMap((s) => (s.ceiling ? [s.ceiling.source] : [])));
    const unmeasured = searches.filter((s) => s.ceiling === null).length;
    const broken = r.systems.flatMap((sys) =>
      (sys.steps.find((x) => x.name === step.name)?.repetitions ?? []).flatMap((rep) =>
        rep.slo?.broken ? [`- ${sys.id}, repetition ${rep.repetition}: no answer — ${oneLine(rep.slo.broken)}`] : [],
      ),
    );
    const ran = searches.length - unmeasured;
    const ofThoseThatRan = unmeasured ? ` (the ${ran === 1 ? 'search' : `${ran} searches`} that ran)` : '';
    if (ceilings.size === 1) out.push('', `Engine ceiling: ${oneLine([...ceilings][0]!)}${ofThoseThatRan}.`);
    else if (ceilings.size > 1) {
      out.push('', `Engine ceilings: measured before each search${unmeasured ? ' that ran' : ''} (${ceilings.size} values; per repetition in results.json).`);
    }
    // A ceiling that could not be measured is said in words: no search ran, and there is no rate to give.
    if (unmeasured > 0) out.push('', `Engine ceiling: ${notMeasuredText(unmeasured, searches.length)} (no answer; the reason is below).`);
    if (broken.length) out.push('', ...broken);
  }
  return out.join('\n');
}
