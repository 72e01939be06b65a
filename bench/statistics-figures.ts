/**
 * The simulations behind src/analysis/README.md (issue 12): false-positive rate with install offsets, power with slow
 * repetitions, interval coverage at 3, 5 and 8 repetitions, and the minimum detectable difference, for the current
 * test (Hodges–Lehmann shift, Moses interval, exact Wilcoxon–Mann–Whitney, install spread) next to the rule before it
 * (difference of means, percentile bootstrap of the median difference, repetitions pooled). Seeded: the same
 * `npm run bench:stats [trials] [section]` prints the same tables (section: false-positives, history, power, mdd,
 * ties, coverage; all when absent). test/statistics-verdicts-hold-in-simulation.test.ts runs small versions of the
 * false-positive, power and coverage tables, test/statistics-history-spread-keeps-false-positives-under-5-percent.test.ts
 * of the history one.
 */
import { bootstrapDeltaInterval } from '../src/analysis/bootstrap.js';
import { median, probit } from 'simple-statistics';
import { installSpreadFromData, installSpreadFromNights, tQuantile975 } from '../src/analysis/install-spread.js';
import { permutationPValue } from '../src/analysis/permutation.js';
import { createRandom, type RandomSource } from '../src/analysis/random.js';
import { compareTwoSamples } from '../src/analysis/two-sample.js';

const trials = Number(process.argv[2] ?? 4000);
if (!Number.isInteger(trials) || trials < 10) {
  console.error(`trials must be an integer ≥ 10, got ${process.argv[2]}`);
  process.exit(2);
}
const SECTIONS = ['false-positives', 'history', 'power', 'mdd', 'ties', 'coverage'] as const;
const only = process.argv[3];
if (only !== undefined && !(SECTIONS as readonly string[]).includes(only)) {
  console.error(`section must be one of ${SECTIONS.join(', ')}, got ${only}`);
  process.exit(2);
}
const wanted = (section: (typeof SECTIONS)[number]): boolean => only === undefined || only === section;
// The old rule enumerates up to 12 870 splits per comparison: fewer trials keep the run to a few minutes.
const oldTrials = Math.max(10, Math.round(trials / 4));

function normalSource(random: RandomSource): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function oldRule(reference: number[], system: number[], seed: number): { significant: boolean; ci: [number, number] } {
  const p = permutationPValue(reference, system, { seed });
  const d = bootstrapDeltaInterval(reference, system, { seed, resamples: 2000 });
  return { significant: p < 0.05 && (d.ci95[0] > 0 || d.ci95[1] < 0), ci: d.ci95 };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const table = (head: string[], rows: string[][]): string =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join(
    '\n',
  );

// ---- 1. false positives with install offsets --------------------------------------------------------------------

function falsePositives(): string {
  const rows: string[][] = [];
  const designs: Array<[number, number]> = [
    [1, 8],
    [2, 4],
    [3, 3],
    [2, 5],
    [3, 4],
    [4, 2],
  ];
  for (const ratio of [0.5, 1]) {
    for (const [installs, reps] of designs) {
      const random = createRandom(1000 + installs * 10 + reps + ratio * 100);
      const normal = normalSource(random);
      const side = (): number[][] =>
        Array.from({ length: installs }, () => {
          const offset = 10 * ratio * normal();
          return Array.from({ length: reps }, () => 1000 + offset + 10 * normal());
        });
      let old = 0;
      let pooled = 0;
      let spread = 0;
      for (let k = 0; k < trials; k++) {
        const a = side();
        const b = side();
        const s = installSpreadFromData(a, b);
        if (compareTwoSamples(a.flat(), b.flat(), { seed: k }).significant) pooled++;
        if (s && compareTwoSamples(a.flat(), b.flat(), { seed: k, installSpread: s }).significant) spread++;
        if (k < oldTrials && oldRule(a.flat(), b.flat(), k).significant) old++;
      }
      rows.push([
        `${ratio}`,
        `${installs} × ${reps}`,
        pct(old / oldTrials),
        pct(pooled / trials),
        installs >= 2 ? pct(spread / trials) : '— (one install: no spread)',
      ]);
    }
  }
  return table(
    ['σ_install / σ_rep', 'installs × repetitions per side', 'old rule', 'rank test, pooled', 'rank test + install spread'],
    rows,
  );
}

// ---- 1b. false positives with a spread from history ------------------------------------------------------------

/**
 * One install per side, no real difference, σ_install = σ_rep; the spread comes from K earlier nights of the same
 * system (each a fresh install, its value the median of its repetitions): installSpreadFromNights (t quantile), next to
 * the same bound with the normal quantile.
 */
function historyFalsePositives(): string {
  const rows: string[][] = [];
  for (const reps of [5, 8]) {
    for (const nights of [3, 5, 10]) {
      const normal = normalSource(createRandom(5000 + reps * 100 + nights));
      const install = (): number[] => {
        const offset = 10 * normal();
        return Array.from({ length: reps }, () => 1000 + offset + 10 * normal());
      };
      let withT = 0;
      let withZ = 0;
      const toZ = probit(0.975) / tQuantile975(nights - 1);
      for (let k = 0; k < trials; k++) {
        const history = Array.from({ length: nights }, () => median(install()));
        const spread = installSpreadFromNights([history], `${nights} nights`);
        if (!spread) throw new Error('history must give a spread');
        const a = install();
        const b = install();
        if (compareTwoSamples(a, b, { seed: k, installSpread: spread }).significant) withT++;
        if (compareTwoSamples(a, b, { seed: k, installSpread: { ...spread, spreadUs: spread.spreadUs * toZ } }).significant) withZ++;
      }
      rows.push([`${reps}`, `${nights}`, pct(withT / trials), pct(withZ / trials)]);
    }
  }
  return table(['repetitions per night', 'nights of history', 't quantile (installSpreadFromNights)', 'z = 1.96'], rows);
}

// ---- 2. power with and without slow repetitions ---------------------------------------------------------------

function power(): string {
  const rows: string[][] = [];
  for (const slow of [0, 0.1]) {
    for (const n of [5, 8]) {
      for (const shift of [0.02, 0.05, 0.1]) {
        const random = createRandom(2000 + n * 7 + shift * 1000 + slow * 100);
        const normal = normalSource(random);
        const repetition = (mu: number): number => {
          const v = mu * (1 + 0.03 * normal());
          return random() < slow ? 1.5 * v : v;
        };
        let now = 0;
        let old = 0;
        const detectable: number[] = [];
        for (let k = 0; k < trials; k++) {
          const a = Array.from({ length: n }, () => repetition(1000));
          const b = Array.from({ length: n }, () => repetition(1000 * (1 + shift)));
          const c = compareTwoSamples(a, b, { seed: k });
          if (c.significant) now++;
          if (c.minimumDetectableUs !== null) detectable.push(c.minimumDetectableUs);
          if (k < oldTrials && oldRule(a, b, k).significant) old++;
        }
        detectable.sort((x, y) => x - y);
        const mdd = detectable[Math.floor(detectable.length / 2)];
        rows.push([
          slow === 0 ? 'none' : '10% of repetitions 1.5×',
          `${n} v ${n}`,
          `+${shift * 100}%`,
          pct(old / oldTrials),
          pct(now / trials),
          mdd === undefined ? '—' : `${mdd.toFixed(0)} µs (${pct(mdd / 1000)})`,
        ]);
      }
    }
  }
  return table(
    ['slow repetitions', 'n', 'true p50 shift', 'old rule power', 'rank test power', 'median reported MDD (80%)'],
    rows,
  );
}

/**
 * Does a shift equal to the reported minimum detectable difference get detected 80% of the time? Normal repetitions
 * (σ = 30 µs): the median MDD reported on data without a shift, then the power at exactly that shift.
 */
function powerAtReportedMdd(): string {
  const rows: string[][] = [];
  for (const n of [5, 8]) {
    const normal = normalSource(createRandom(6000 + n));
    const draw = (shift: number): number[] => Array.from({ length: n }, () => 1000 + shift + 30 * normal());
    const reported: number[] = [];
    for (let k = 0; k < trials; k++) {
      const mdd = compareTwoSamples(draw(0), draw(0), { seed: k }).minimumDetectableUs;
      if (mdd !== null) reported.push(mdd);
    }
    reported.sort((a, b) => a - b);
    const mdd = reported[Math.floor(reported.length / 2)] ?? NaN;
    let detected = 0;
    for (let k = 0; k < trials; k++) if (compareTwoSamples(draw(0), draw(mdd), { seed: k }).significant) detected++;
    const tenth = reported[Math.floor(reported.length / 10)] ?? NaN;
    const ninetieth = reported[Math.floor((reported.length * 9) / 10)] ?? NaN;
    rows.push([
      `${n} v ${n}`,
      `${mdd.toFixed(1)} µs (${(mdd / 30).toFixed(2)} σ)`,
      `${tenth.toFixed(0)}–${ninetieth.toFixed(0)} µs`,
      pct(detected / trials),
    ]);
  }
  return table(['n', 'median reported MDD', '10th–90th percentile of reported MDD', 'power at the median MDD'], rows);
}

/**
 * Power with tied values (whole µs): the rule requires p < 0.05 and an interval excluding 0; with ties an end of the
 * closed Moses interval is often exactly 0 while the exact mid-rank test rejects. Next to it, p < 0.05 alone.
 */
function tiedPower(): string {
  const rows: string[][] = [];
  for (const [sd, shift] of [
    [0.5, 0],
    [0.5, 1],
    [1, 2],
  ] as const) {
    for (const n of [5, 8]) {
      const normal = normalSource(createRandom(7000 + n * 10 + sd * 100 + shift));
      const draw = (mu: number): number[] => Array.from({ length: n }, () => Math.round(mu + sd * normal()));
      let rule = 0;
      let testAlone = 0;
      for (let k = 0; k < trials; k++) {
        const c = compareTwoSamples(draw(100), draw(100 + shift), { seed: k });
        if (c.significant) rule++;
        if (c.pValue < 0.05) testAlone++;
      }
      rows.push([`${sd} µs`, `+${shift} µs`, `${n} v ${n}`, pct(rule / trials), pct(testAlone / trials)]);
    }
  }
  return table(['σ (values rounded to whole µs)', 'true shift', 'n', 'significant (rule)', 'p < 0.05 alone'], rows);
}

// ---- 3. interval coverage -------------------------------------------------------------------------------------

function coverage(): string {
  const rows: string[][] = [];
  const models: Array<[string, (normal: () => number, random: RandomSource) => number]> = [
    ['normal, σ = 3%', (normal) => 1000 + 30 * normal()],
    ['10% of repetitions +50%', (normal, random) => (random() < 0.1 ? 1500 : 1000) + 30 * normal()],
    ['whole µs (ties), σ = 0.5 µs', (normal) => Math.round(100 + 0.5 * normal())],
  ];
  for (const [name, draw] of models) {
    for (const n of [3, 5, 8]) {
      const random = createRandom(3000 + n + name.length);
      const normal = normalSource(random);
      let now = 0;
      let old = 0;
      let confidence = 0;
      const truth = 10;
      for (let k = 0; k < trials; k++) {
        const a = Array.from({ length: n }, () => draw(normal, random));
        const b = Array.from({ length: n }, () => draw(normal, random) + truth);
        const c = compareTwoSamples(a, b, { seed: k });
        confidence = c.achievedConfidence;
        if (c.shift.ci95[0] <= truth && truth <= c.shift.ci95[1]) now++;
        if (k < oldTrials) {
          const { ci } = oldRule(a, b, k);
          if (ci[0] <= truth && truth <= ci[1]) old++;
        }
      }
      rows.push([name, `${n} v ${n}`, pct(old / oldTrials), pct(now / trials), pct(confidence)]);
    }
  }
  // An install offset the repetitions cannot see: one install per side, σ_install = σ_rep, no true difference.
  for (const n of [3, 5, 8]) {
    const normal = normalSource(createRandom(4000 + n));
    let now = 0;
    for (let k = 0; k < trials; k++) {
      const oa = 30 * normal();
      const ob = 30 * normal();
      const a = Array.from({ length: n }, () => 1000 + oa + 30 * normal());
      const b = Array.from({ length: n }, () => 1000 + ob + 30 * normal());
      const c = compareTwoSamples(a, b, { seed: k });
      if (c.shift.ci95[0] <= 0 && 0 <= c.shift.ci95[1]) now++;
    }
    rows.push(['one install per side, σ_install = σ_rep', `${n} v ${n}`, '—', pct(now / trials), '(not covered)']);
  }
  return table(['repetitions', 'n', 'old bootstrap interval', 'Moses interval', 'achieved confidence'], rows);
}

console.log(`# Statistics figures (${trials} trials per cell; old rule ${oldTrials})\n`);
if (wanted('false-positives')) console.log(`## False-positive rate, no real difference, install offsets\n\n${falsePositives()}\n`);
if (wanted('history')) console.log(`## False-positive rate with a spread from history\n\n${historyFalsePositives()}\n`);
if (wanted('power')) console.log(`## Power (p50 CV 3%) and minimum detectable difference\n\n${power()}\n`);
if (wanted('mdd')) {
  console.log(`## Power at the reported minimum detectable difference (normal repetitions, σ = 30 µs)\n\n${powerAtReportedMdd()}\n`);
}
if (wanted('ties')) console.log(`## Tied values: the rule against the test alone\n\n${tiedPower()}\n`);
if (wanted('coverage')) console.log(`## Coverage of the true shift (nominal 95%)\n\n${coverage()}`);
