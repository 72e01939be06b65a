import { describe, expect, it } from 'vitest';
import { searchSlo } from '../src/load/slo-search.js';
import { capacityModel, searchSettings } from './helpers/slo-capacity-model.js';

/**
 * The exact rates the SLO search (src/load/slo-search.ts) probes against a system of known capacity, with one probe
 * per verdict: bracketing doubles from the start rate until a miss (or halves until a pass), then bisection probes
 * the whole geometric middle round(√(pass × miss)) until miss ÷ pass ≤ 1 + precision. Each expected sequence is
 * worked out by hand in its comment.
 */
describe('the rates the search probes', () => {
  it('doubles from the start rate to the first miss, then bisects geometrically to within the precision', async () => {
    const m = capacityModel({ capacity: 1234 });
    const s = await searchSlo(searchSettings(), m.probe);
    // 100…800 pass, 1600 misses; √(800·1600)=1131.4 pass, √(1131·1600)=1345.2 miss, √(1131·1345)=1233.4 pass,
    // √(1233·1345)=1287.8 miss, √(1233·1288)=1260.2 miss, √(1233·1260)=1246.4 miss; 1246/1233 = 1.0105 ≤ 1.02.
    expect(m.asked).toEqual([100, 200, 400, 800, 1600, 1131, 1345, 1233, 1288, 1260, 1246]);
    expect(s.probes.map((p) => [p.rate, p.outcome])).toEqual([
      [100, 'meets'], [200, 'meets'], [400, 'meets'], [800, 'meets'], [1600, 'misses'], [1131, 'meets'],
      [1345, 'misses'], [1233, 'meets'], [1288, 'misses'], [1260, 'misses'], [1246, 'misses'],
    ]);
    expect(s).toMatchObject({ found: 1233, upperMiss: 1246, atCeiling: false, atMaxRate: false, belowMinRate: false, broken: null });
  });

  it('halves from the start rate to the first pass, then bisects between it and the lowest miss', async () => {
    const m = capacityModel({ capacity: 30 });
    const s = await searchSlo(searchSettings(), m.probe);
    // 100, 50 miss, 25 pass; √(25·50)=35.4 miss, √(25·35)=29.6 pass, √(30·35)=32.4 miss, √(30·32)=31.0 miss;
    // 31/30 = 1.033 > 1.02 but √(30·31)=30.5 rounds to 30, the pass itself: nothing left between them.
    expect(m.asked).toEqual([100, 50, 25, 35, 30, 32, 31]);
    expect(s).toMatchObject({ found: 30, upperMiss: 31, belowMinRate: false, broken: null });
  });

  it('stops bisecting when the next whole rate would be the pass again, even above the precision', async () => {
    const m = capacityModel({ capacity: 10 });
    const s = await searchSlo(searchSettings({ startRate: 10, minRate: 1, precision: 0.01 }), m.probe);
    // 10 pass, 20 miss; √200=14.1, √140=11.8, √120=10.95 miss; 11/10 > 1.01 but √110=10.49 rounds to 10.
    expect(m.asked).toEqual([10, 20, 14, 12, 11]);
    expect(s).toMatchObject({ found: 10, upperMiss: 11 });
  });

  it('stops bisecting when miss ÷ pass equals 1 + precision exactly', async () => {
    const m = capacityModel({ capacity: 4 });
    const s = await searchSlo(searchSettings({ startRate: 4, minRate: 1, precision: 0.5 }), m.probe);
    // 4 pass, 8 miss; √32=5.66 → 6 miss; 6/4 = 1.5 = 1 + 0.5: done (√24=4.9 would have probed 5).
    expect(m.asked).toEqual([4, 8, 6]);
    expect(s).toMatchObject({ found: 4, upperMiss: 6 });
  });

  it('halves down to the minimum rate and no further, and reports the system below it', async () => {
    const m = capacityModel({ capacity: 5 });
    const s = await searchSlo(searchSettings(), m.probe);
    // 100, 50, 25, 12.5 → 13, 6.5 → 7 raised to the minimum 10: every one misses, and 10 is the lowest.
    expect(m.asked).toEqual([100, 50, 25, 13, 10]);
    expect(s).toMatchObject({ found: null, upperMiss: 10, belowMinRate: true, atCeiling: false, atMaxRate: false, broken: null });
  });

  it('halves to 1 req/s when the minimum rate rounds below it', async () => {
    const m = capacityModel({ capacity: 0 });
    const s = await searchSlo(searchSettings({ startRate: 4, minRate: 0.3 }), m.probe);
    expect(m.asked).toEqual([4, 2, 1]);
    expect(s).toMatchObject({ found: null, upperMiss: 1, belowMinRate: true });
  });

  it('probes whole rates: a start rate with a fraction is rounded', async () => {
    const m = capacityModel({ capacity: 1000 });
    await searchSlo(searchSettings({ startRate: 99.6, maxRate: 400 }), m.probe);
    expect(m.asked).toEqual([100, 200, 400]);
  });

  it('starts at the minimum rate when the start rate is below it', async () => {
    const m = capacityModel({ capacity: 1000 });
    await searchSlo(searchSettings({ startRate: 5, minRate: 10, maxRate: 50 }), m.probe);
    expect(m.asked).toEqual([10, 20, 40, 50]);
  });

  it("starts at the scenario's maxRate when the start rate is above it, and stops there when it passes", async () => {
    const m = capacityModel({ capacity: 100_000 });
    const s = await searchSlo(searchSettings({ startRate: 5000, maxRate: 700 }), m.probe);
    expect(m.asked).toEqual([700]);
    expect(s).toMatchObject({ found: 700, upperMiss: null, atMaxRate: true, atCeiling: false });
  });

  it('doubles up to the bound, probing the bound itself rather than passing it', async () => {
    const m = capacityModel({ capacity: 100_000 });
    const s = await searchSlo(searchSettings({ maxRate: 700 }), m.probe);
    expect(m.asked).toEqual([100, 200, 400, 700]);
    expect(s).toMatchObject({ found: 700, upperMiss: null, atMaxRate: true, atCeiling: false });
  });

  it('never probes above the engine ceiling, rounded to a whole rate, even when the maxRate is higher', async () => {
    const m = capacityModel({ capacity: 100_000, ceiling: 3000 });
    const s = await searchSlo(searchSettings({ maxRate: 5000, ceiling: { rate: 2999.6, source: 'calibrated' } }), m.probe);
    expect(m.asked).toEqual([100, 200, 400, 800, 1600, 3000]);
    expect(s).toMatchObject({ found: 3000, upperMiss: null, atCeiling: true, atMaxRate: false, ceiling: { rate: 2999.6, source: 'calibrated' } });
  });

  it('lowers the minimum rate to the bound when the bound is below it', async () => {
    const m = capacityModel({ capacity: 0 });
    const s = await searchSlo(searchSettings({ startRate: 2000, minRate: 1000, maxRate: 700 }), m.probe);
    expect(m.asked).toEqual([700]);
    expect(s).toMatchObject({ found: null, upperMiss: 700, belowMinRate: true, atMaxRate: false });
  });

  it('bisects between a pass and a miss the doubling found when the bound is between them', async () => {
    const m = capacityModel({ capacity: 600 });
    const s = await searchSlo(searchSettings({ maxRate: 700, precision: 0.1 }), m.probe);
    // 100…400 pass, 700 (the bound) misses; √(400·700)=529.2 pass, √(529·700)=608.5 miss, √(529·609)=567.6 pass,
    // 609/568 = 1.072 ≤ 1.1.
    expect(m.asked).toEqual([100, 200, 400, 700, 529, 609, 568]);
    expect(s).toMatchObject({ found: 568, upperMiss: 609, atMaxRate: false, atCeiling: false });
  });
});
