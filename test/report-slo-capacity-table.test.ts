import { describe, expect, it } from 'vitest';
import type { ResolvedLoadStep } from '../src/core/scenario-types.js';
import type { SloObjective, SloSearch } from '../src/core/slo-schema.js';
import type { ReportRepetition, ReportRun } from '../src/report/report-input.js';
import {
  capacityRatio,
  capacityText,
  objectiveText,
  renderSlo,
  sloCapacity,
  sloStepLabel,
  usableSearches,
  type SloCapacity,
} from '../src/report/render-slo.js';

const OBJECTIVE: SloObjective = { latency: [{ percentile: 'p99', maxUs: 5000 }], errorRate: 0.001 };

/** One search's result: a rate found under the measured ceiling unless `fields` say otherwise. */
function search(fields: Partial<SloSearch> = {}): SloSearch {
  return {
    objective: OBJECTIVE,
    ceiling: { rate: 50_000, source: 'measured on loopback' },
    found: 1000,
    upperMiss: 1100,
    atCeiling: false,
    atMaxRate: false,
    belowMinRate: false,
    broken: null,
    probes: [],
    ...fields,
  } as SloSearch;
}

function rep(repetition: number, slo: SloSearch | undefined, status: ReportRepetition['status'] = 'valid'): ReportRepetition {
  return { repetition, status, invalidReasons: status === 'invalid' ? ['x'] : [], warnings: [], ...(slo ? { slo } : {}) };
}

function capacity(fields: Partial<SloCapacity>): SloCapacity {
  return { searches: 3, rate: 1000, atLeast: false, below: null, range: [900, 1100], broken: 0, ...fields };
}

/** A run with one slo step (`cap`) per system; only what the capacity section reads. */
function run(systems: Record<string, ReportRepetition[]>, reference: string | null = 'baseline', objective = OBJECTIVE): ReportRun {
  return {
    reference,
    scenario: {
      steps: [
        { name: 'rate-1k', mode: 'rate' },
        { name: 'cap', mode: 'slo', slo: { objective } },
      ],
    },
    systems: Object.entries(systems).map(([id, repetitions]) => ({ id, steps: [{ name: 'cap', repetitions }] })),
  } as unknown as ReportRun;
}

/** The lines of the section after its fixed introduction. */
function section(r: ReportRun): string[] {
  const text = renderSlo(r);
  if (text === null) throw new Error('no section');
  return text.split('\n').slice(3);
}

describe('the objective as written', () => {
  it('gives bounds from 1 ms in ms and below in µs, without trailing zeros, then the error rate', () => {
    expect(
      objectiveText({
        latency: [
          { percentile: 'p50', maxUs: 800 },
          { percentile: 'p99', maxUs: 2500 },
          { percentile: 'p999', maxUs: 1000 },
          { percentile: 'p90', maxUs: 999.5 },
        ],
        errorRate: 0.001,
      }),
    ).toBe('p50 ≤ 800 µs, p99 ≤ 2.5 ms, p999 ≤ 1 ms, p90 ≤ 999.5 µs, errors ≤ 0.1%');
  });

  it('labels an slo step by its latency objective, and a step without one as plain capacity', () => {
    expect(sloStepLabel({ name: 'cap', mode: 'slo', slo: { objective: OBJECTIVE } } as unknown as ResolvedLoadStep)).toBe(
      'capacity at p99 ≤ 5 ms',
    );
    expect(
      sloStepLabel({
        name: 'cap',
        mode: 'slo',
        slo: { objective: { ...OBJECTIVE, latency: [{ percentile: 'p50', maxUs: 300 }, { percentile: 'p99', maxUs: 2000 }] } },
      } as unknown as ResolvedLoadStep),
    ).toBe('capacity at p50 ≤ 300 µs, p99 ≤ 2 ms');
    expect(sloStepLabel({ name: 'cap', mode: 'slo' } as unknown as ResolvedLoadStep)).toBe('capacity');
  });
});

describe('which searches count', () => {
  it('keeps unbroken searches of valid repetitions, and invalid ones only when even the lowest rate missed', () => {
    const kept = search({ found: 1 });
    const below = search({ found: null, belowMinRate: true, upperMiss: 100 });
    const repetitions = [
      rep(1, kept),
      rep(2, search({ found: 2 }), 'invalid'),
      rep(3, below, 'invalid'),
      rep(4, search({ broken: 'the target restarted' })),
      rep(5, undefined),
    ];
    expect(usableSearches(repetitions)).toEqual([kept, below]);
  });
});

describe('a system’s capacity over its searches', () => {
  it('is the rounded median of the rates found, with their range and the broken searches counted', () => {
    expect(
      sloCapacity([
        rep(1, search({ found: 1000.4 })),
        rep(2, search({ found: 1200 })),
        rep(3, search({ found: 900 })),
        rep(4, search({ broken: 'a probe broke' })),
        rep(5, search({ found: 5 }), 'invalid'),
        rep(6, undefined),
      ]),
    ).toEqual({ searches: 3, rate: 1000, atLeast: false, below: null, range: [900, 1200], broken: 2 });
  });

  it('is a lower bound when any search reached the engine ceiling or the scenario’s maxRate', () => {
    expect(sloCapacity([rep(1, search({ found: 800 })), rep(2, search({ found: 900, atCeiling: true }))]).atLeast).toBe(true);
    expect(sloCapacity([rep(1, search({ found: 800, atMaxRate: true })), rep(2, search({ found: 900 }))]).atLeast).toBe(true);
    expect(sloCapacity([rep(1, search({ found: 800 }))]).atLeast).toBe(false);
  });

  it('is below the lowest rate when more than half the searches missed it, the highest such rate given', () => {
    expect(
      sloCapacity([
        rep(1, search({ found: null, belowMinRate: true, upperMiss: 100 })),
        rep(2, search({ found: null, belowMinRate: true, upperMiss: 150 })),
        rep(3, search({ found: 1000 })),
      ]),
    ).toEqual({ searches: 3, rate: null, atLeast: false, below: 150, range: null, broken: 0 });
  });

  it('is the median of the rates found when exactly half the searches missed the lowest rate', () => {
    expect(
      sloCapacity([rep(1, search({ found: null, belowMinRate: true, upperMiss: 100 })), rep(2, search({ found: 1000 }))]),
    ).toEqual({ searches: 2, rate: 1000, atLeast: false, below: null, range: [1000, 1000], broken: 0 });
  });

  it('reads a missing upper miss as 0, and has no answer when nothing was found or missed', () => {
    expect(sloCapacity([rep(1, search({ found: null, belowMinRate: true, upperMiss: null }))]).below).toBe(0);
    expect(sloCapacity([rep(1, search({ found: null }))])).toEqual({
      searches: 1,
      rate: null,
      atLeast: false,
      below: null,
      range: null,
      broken: 0,
    });
    expect(sloCapacity([])).toEqual({ searches: 0, rate: null, atLeast: false, below: null, range: null, broken: 0 });
  });
});

describe('capacity in words', () => {
  it('gives a rate, a lower bound, a bound from below, or no answer', () => {
    expect(capacityText(capacity({ rate: 1250 }))).toBe('1250 req/s');
    expect(capacityText(capacity({ rate: 1250, atLeast: true }))).toBe('≥ 1250 req/s');
    expect(capacityText(capacity({ rate: null, below: 100 }))).toBe('< 100 req/s');
    expect(capacityText(capacity({ rate: null, below: null }))).toBe('no answer');
  });

  it('gives the ratio to the reference with two decimals, as a bound when either side is one', () => {
    const ref = capacity({ rate: 2000 });
    expect(capacityRatio(capacity({ rate: 1250 }), ref)).toBe('0.63×');
    expect(capacityRatio(capacity({ rate: 1250, atLeast: true }), ref)).toBe('≥ 0.63×');
    expect(capacityRatio(capacity({ rate: 1250 }), capacity({ rate: 2000, atLeast: true }))).toBe('≤ 0.63×');
    expect(capacityRatio(capacity({ rate: 1250, atLeast: true }), capacity({ rate: 2000, atLeast: true }))).toBe(
      'unknown (both bounded by the engine or maxRate)',
    );
    expect(capacityRatio(capacity({ rate: null }), ref)).toBe('—');
    expect(capacityRatio(capacity({ rate: 1250 }), capacity({ rate: null }))).toBe('—');
  });
});

describe('the capacity section', () => {
  it('is absent when no step is an slo step', () => {
    const r = run({ baseline: [] });
    (r.scenario as { steps: unknown[] }).steps = [{ name: 'rate-1k', mode: 'rate' }, { name: 'cap', mode: 'slo' }];
    expect(renderSlo(r)).toBeNull();
  });

  it('opens with its heading and what the numbers mean', () => {
    const text = renderSlo(run({ baseline: [rep(1, search())] })) ?? '';
    const [heading, blank, intro] = text.split('\n');
    expect(heading).toBe('## Capacity under a latency objective');
    expect(blank).toBe('');
    expect(intro).toBe(
      'The highest fixed rate each system sustained while meeting the objective: a search of short open-loop probes ' +
        '(doubling, then bisection), each judged by the usual validity rules, every verdict confirmed by repeated ' +
        "probes, and never above the load engine's own ceiling. \"≥\" means the search reached that ceiling (or the " +
        "scenario's maxRate): the system carries at least that much, and the number is the engine's, not the system's. " +
        'Capacity is the median over repetitions; the range is the lowest and highest found.',
    );
  });

  it('tables each system against the reference, with one shared ceiling named', () => {
    expect(
      section(
        run({
          baseline: [rep(1, search({ found: 2000 })), rep(2, search({ found: 2200 }))],
          istio: [rep(1, search({ found: 1000 })), rep(2, search({ broken: 'the target\nrestarted' }))],
        }),
      ),
    ).toEqual([
      '',
      '### cap: p99 ≤ 5 ms, errors ≤ 0.1%',
      '',
      '| system | capacity | range | searches | vs baseline |',
      '|---|---|---|---|---|',
      '| baseline | 2100 req/s | 2000–2200 | 2 | 1× |',
      '| istio | 1000 req/s | 1000–1000 | 1 (+1 broken) | 0.48× |',
      '',
      'Engine ceiling: measured on loopback.',
      '',
      '- istio, repetition 2: no answer — the target restarted',
    ]);
  });

  it('has no ratio column without a reference among the systems, and a dash for a reference with no rate', () => {
    expect(section(run({ istio: [rep(1, search())] }, 'baseline'))[3]).toBe('| system | capacity | range | searches |');
    expect(section(run({ istio: [rep(1, search())] }, null))[3]).toBe('| system | capacity | range | searches |');
    const lines = section(
      run({ baseline: [rep(1, search({ found: null, belowMinRate: true, upperMiss: 50 }))], istio: [rep(1, search())] }),
    );
    expect(lines.slice(5, 7)).toEqual(['| baseline | < 50 req/s | — | 1 | — |', '| istio | 1000 req/s | 1000–1000 | 1 | — |']);
  });

  it('counts the different ceilings measured instead of naming one', () => {
    const lines = section(
      run({
        baseline: [rep(1, search({ ceiling: { rate: 40_000, source: 'measured A' } }))],
        istio: [rep(1, search({ ceiling: { rate: 41_000, source: 'measured B' } }))],
      }),
    );
    expect(lines.slice(7)).toEqual(['', 'Engine ceilings: measured before each search (2 values; per repetition in results.json).']);
  });

  it('says a ceiling not measured before the only search stopped it', () => {
    const lines = section(run({ baseline: [rep(1, search({ ceiling: null, found: null, broken: 'loopback refused' }))] }));
    expect(lines.slice(6)).toEqual([
      '',
      'Engine ceiling: not measured before the search, so it did not run (no answer; the reason is below).',
      '',
      '- baseline, repetition 1: no answer — loopback refused',
    ]);
  });

  it('says a ceiling not measured before any of several searches stopped them all', () => {
    const none = (n: number): ReportRepetition => rep(n, search({ ceiling: null, found: null, broken: 'no ceiling' }));
    const lines = section(run({ baseline: [none(1), none(2)] }));
    expect(lines[7]).toBe('Engine ceiling: not measured before any search, so none ran (no answer; the reason is below).');
  });

  it('says which of the searches ran under the one ceiling when some could not be measured', () => {
    const none = (n: number): ReportRepetition => rep(n, search({ ceiling: null, found: null, broken: 'no ceiling' }));
    expect(section(run({ baseline: [rep(1, search()), none(2)] })).slice(7, 10)).toEqual([
      'Engine ceiling: measured on loopback (the search that ran).',
      '',
      'Engine ceiling: not measured before 1 of 2 searches, which did not run (no answer; the reason is below).',
    ]);
    expect(section(run({ baseline: [rep(1, search()), rep(2, search()), none(3)] }))[7]).toBe(
      'Engine ceiling: measured on loopback (the 2 searches that ran).',
    );
    expect(
      section(
        run({
          baseline: [rep(1, search()), rep(2, search({ ceiling: { rate: 1, source: 'other' } })), none(3)],
        }),
      )[7],
    ).toBe('Engine ceilings: measured before each search that ran (2 values; per repetition in results.json).');
  });

  it('finds a system’s repetitions by step name, and a system without the step has no searches', () => {
    const r = run({ baseline: [rep(1, search())] });
    r.systems.push({ id: 'linkerd', steps: [{ name: 'other', repetitions: [rep(1, search({ found: 7 }))] }] } as never);
    expect(section(r)[6]).toBe('| linkerd | no answer | — | 0 | — |');
  });
});
