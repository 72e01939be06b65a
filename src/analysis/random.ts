/**
 * Seeded randomness for the bootstrap and the permutation test: the scenario's seed fixes every resample, so a saved
 * result's intervals and p-values can be recomputed exactly (`Math.random` cannot be seeded).
 *
 * Changing either generator below changes every interval and Monte Carlo p-value ever computed from a seed;
 * test/statistics-seeded-random.test.ts pins the first outputs so such a change cannot go unnoticed.
 */

/** A source of uniform numbers in [0, 1), the shape simple-statistics' `randomSource` parameters take. */
export type RandomSource = () => number;

/**
 * sfc32, Chris Doty-Humphrey's "Small Fast Counting" generator from PractRand (public domain), in the 32-bit form
 * popularised by bryc's "PRNGs in JavaScript" notes. Chosen over mulberry32 because it passes PractRand to far larger
 * outputs and has 128 bits of state, so nearby seeds do not give shifted copies of one stream.
 *
 * The seed (any safe integer, negative or above 2^32 included) is spread into the four state words with splitmix32,
 * and the first outputs are discarded so that similar seeds have decorrelated states before the first draw.
 */
export function createRandom(seed: number): RandomSource {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const low = seed >>> 0;
  // Floor division keeps the high word meaningful for seeds above 2^32 (and for negative seeds).
  const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
  const mix = splitmix32(low ^ Math.imul(high, 0x85ebca6b));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 0x1_0000_0000;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/**
 * A seed for one named use of a run seed (`'p50Us'`, `'compare:baseline:istio:r1000:p99'`…). Each statistic gets its
 * own stream, so adding a metric or a system never changes the resamples, and therefore the intervals, of another.
 * FNV-1a over the label's UTF-16 code units, then mixed with the seed by splitmix32.
 */
export function deriveSeed(seed: number, label: string): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
  const mix = splitmix32((seed >>> 0) ^ Math.imul(high, 0x85ebca6b) ^ Math.imul(hash, 0x9e3779b1));
  mix();
  return mix();
}

/**
 * splitmix32: a Weyl sequence (golden-ratio increment) through a 32-bit finaliser; the finaliser constants are
 * Chris Wellons' best two-round hash from hash-prospector. Used only to turn seeds into well-mixed state words.
 */
function splitmix32(state: number): () => number {
  let s = state | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}
