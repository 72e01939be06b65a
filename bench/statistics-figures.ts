/**
 * The simulations behind src/analysis/README.md (issue 12): false-positive rate with install offsets, power with slow
 * repetitions, interval coverage at 3, 5 and 8 repetitions, and the minimum detectable difference, for the current
 * test (Hodges–Lehmann shift, Moses interval, exact Wilcoxon–Mann–Whitney, install spread) next to the rule before it
 * (difference of means, percentile bootstrap of the median difference, repetitions pooled). Seeded: the same
 * `npm run bench:stats [trials]` prints the same tables. test/statistics-verdicts-hold-in-simulation.test.ts runs small
 * versions of the first three.
 */
import { bootstrapDeltaInterval } from '../src/analysis/bootstrap.js';
import { installSpreadFromData } from '../src/analysis/install-spread.js';
import { permutationPValue } from '../src/analysis/permutation.js';
import { createRandom, type RandomSource } from '../src/analysis/random.js';
import { compareTwoSamples } from '../src/analysis/two-sample.js';

const trials = Number(process.argv[2] ?? 4000);
if (!Number.isInteger(trials) || trials < 10) {
  console.error(`trials must be an integer ≥ 10, got ${process.argv[2]}`);
  process.exit(2);
}
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
console.log('## False-positive rate, no real difference, install offsets\n');
console.log(falsePositives());
console.log('\n## Power (p50 CV 3%) and minimum detectable difference\n');
console.log(power());
console.log('\n## Coverage of the true shift (nominal 95%)\n');
console.log(coverage());
