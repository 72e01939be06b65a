import { describe, expect, it } from 'vitest';
import { searchSlo } from '../src/load/slo-search.js';
import { capacityModel, searchSettings } from './helpers/slo-capacity-model.js';

/**
 * When the SLO search (src/load/slo-search.ts) stops and what it then reports: a verdict by confirmations, a probe
 * that broke, an interruption, and the probe budget.
 */
const RESTARTED = 'target not intact: pod bench/server-1 restarted (restartCount 0 → 1)';
const EARLY = 'stopped early (interrupted before the measured window ended)';

describe('verdicts by confirmation', () => {
  it('accepts a rate once `confirmations` probes met the objective, however many missed before', async () => {
    const m = capacityModel({ capacity: 100, script: { 100: ['meets', 'misses', 'meets', 'misses', 'meets'] } });
    const s = await searchSlo(searchSettings({ confirmations: 3, maxRate: 100 }), m.probe);
    expect(s.probes.map((p) => p.outcome)).toEqual(['meets', 'misses', 'meets', 'misses', 'meets']);
    expect(s).toMatchObject({ found: 100, atMaxRate: true });
  });

  it('refuses a rate once `confirmations` probes missed, however many met before', async () => {
    const m = capacityModel({ capacity: 1000, script: { 100: ['misses', 'meets', 'misses', 'meets', 'misses'] } });
    const s = await searchSlo(searchSettings({ confirmations: 3, minRate: 100 }), m.probe);
    expect(s.probes.map((p) => p.outcome)).toEqual(['misses', 'meets', 'misses', 'meets', 'misses']);
    expect(s).toMatchObject({ found: null, upperMiss: 100, belowMinRate: true });
  });

  it('stops probing a rate as soon as its verdict is reached', async () => {
    const m = capacityModel({ capacity: 150 });
    const s = await searchSlo(searchSettings({ confirmations: 2, precision: 0.5 }), m.probe);
    // 100 passes twice, 200 misses twice; √(100·200)=141 passes twice; 200/141 = 1.42 ≤ 1.5.
    expect(m.asked).toEqual([100, 100, 200, 200, 141, 141]);
    expect(s).toMatchObject({ found: 141, upperMiss: 200 });
  });
});

describe('a probe that broke', () => {
  it('ends the search with no answer, naming the rate and every reason, and probes nothing after it', async () => {
    const m = capacityModel({ capacity: 1234, script: { 400: [{ broken: [RESTARTED, EARLY] }] } });
    const s = await searchSlo(searchSettings(), m.probe);
    expect(m.asked).toEqual([100, 200, 400]);
    expect(s.probes.at(-1)).toMatchObject({ rate: 400, outcome: 'broken', reasons: [RESTARTED, EARLY] });
    expect(s).toMatchObject({
      found: null,
      upperMiss: null,
      atCeiling: false,
      atMaxRate: false,
      belowMinRate: false,
      broken: `probe at 400 req/s broke: ${RESTARTED}; ${EARLY}`,
    });
  });

  it('ends a verdict half-way: the confirming probe is not run', async () => {
    const m = capacityModel({ capacity: 1234, script: { 200: ['meets', { broken: [RESTARTED] }] } });
    const s = await searchSlo(searchSettings({ confirmations: 2 }), m.probe);
    expect(m.asked).toEqual([100, 100, 200, 200]);
    expect(s).toMatchObject({ found: null, upperMiss: null, broken: `probe at 200 req/s broke: ${RESTARTED}` });
  });

  it('keeps the lowest miss it had and records no miss at the rate that broke during bisection', async () => {
    const m = capacityModel({ capacity: 1234, script: { 1131: [{ broken: [RESTARTED] }] } });
    const s = await searchSlo(searchSettings(), m.probe);
    expect(m.asked).toEqual([100, 200, 400, 800, 1600, 1131]);
    expect(s).toMatchObject({ found: null, upperMiss: 1600, broken: `probe at 1131 req/s broke: ${RESTARTED}` });
  });

  it('at the bound gives no "≥ bound" answer', async () => {
    const m = capacityModel({ capacity: 100_000, script: { 700: [{ broken: [RESTARTED] }] } });
    const s = await searchSlo(searchSettings({ maxRate: 700 }), m.probe);
    expect(s).toMatchObject({ found: null, atMaxRate: false, atCeiling: false, broken: `probe at 700 req/s broke: ${RESTARTED}` });
  });

  it('at the minimum rate gives no "below the minimum" answer', async () => {
    const m = capacityModel({ capacity: 0, script: { 10: [{ broken: [RESTARTED] }] } });
    const s = await searchSlo(searchSettings({ startRate: 10 }), m.probe);
    expect(s).toMatchObject({ found: null, upperMiss: null, belowMinRate: false, broken: `probe at 10 req/s broke: ${RESTARTED}` });
  });

  it('that also was interrupted is reported by what broke, not as the interruption', async () => {
    const ac = new AbortController();
    const m = capacityModel({ capacity: 1234, script: { 200: [{ broken: [RESTARTED] }] }, onProbe: (rate) => rate === 200 && ac.abort() });
    const s = await searchSlo(searchSettings(), m.probe, ac.signal);
    expect(m.asked).toEqual([100, 200]);
    expect(s).toMatchObject({ found: null, belowMinRate: false, broken: `probe at 200 req/s broke: ${RESTARTED}` });
  });
});

describe('an interrupted search', () => {
  it('stops after the probe under way, with no answer and the interruption as its reason', async () => {
    const ac = new AbortController();
    const m = capacityModel({ capacity: 1234, onProbe: (rate) => rate === 400 && ac.abort() });
    const s = await searchSlo(searchSettings(), m.probe, ac.signal);
    expect(m.asked).toEqual([100, 200, 400]);
    expect(s).toMatchObject({ found: null, upperMiss: null, atCeiling: false, atMaxRate: false, belowMinRate: false, broken: 'interrupted before the search ended' });
  });

  it('does not run the confirming probe of a verdict under way', async () => {
    const ac = new AbortController();
    const m = capacityModel({ capacity: 1234, onProbe: (rate) => rate === 200 && ac.abort() });
    const s = await searchSlo(searchSettings({ confirmations: 2 }), m.probe, ac.signal);
    expect(m.asked).toEqual([100, 100, 200]);
    expect(s).toMatchObject({ found: null, upperMiss: null, broken: 'interrupted before the search ended' });
  });

  it('takes the miss of the probe it was interrupted in as no miss', async () => {
    const ac = new AbortController();
    const m = capacityModel({ capacity: 1234, onProbe: (rate) => rate === 1345 && ac.abort() });
    const s = await searchSlo(searchSettings(), m.probe, ac.signal);
    expect(m.asked).toEqual([100, 200, 400, 800, 1600, 1131, 1345]);
    expect(s).toMatchObject({ found: null, upperMiss: 1600, broken: 'interrupted before the search ended' });
  });

  it('at the minimum rate is no "below the minimum" answer', async () => {
    const ac = new AbortController();
    const m = capacityModel({ capacity: 0, onProbe: () => ac.abort() });
    const s = await searchSlo(searchSettings({ startRate: 10 }), m.probe, ac.signal);
    expect(m.asked).toEqual([10]);
    expect(s).toMatchObject({ found: null, upperMiss: null, belowMinRate: false, broken: 'interrupted before the search ended' });
  });

  it('probes nothing when interrupted before it began', async () => {
    const ac = new AbortController();
    ac.abort();
    const m = capacityModel({ capacity: 1234 });
    const s = await searchSlo(searchSettings(), m.probe, ac.signal);
    expect(m.asked).toEqual([]);
    expect(s).toMatchObject({ found: null, upperMiss: null, belowMinRate: false, broken: 'interrupted before the search ended', probes: [] });
  });

  it('that is never interrupted runs to its end with a signal given', async () => {
    const m = capacityModel({ capacity: 30 });
    const s = await searchSlo(searchSettings(), m.probe, new AbortController().signal);
    expect(m.asked).toEqual([100, 50, 25, 35, 30, 32, 31]);
    expect(s).toMatchObject({ found: 30, upperMiss: 31, broken: null });
  });
});

describe('the probe budget', () => {
  it('stops at maxProbes and reports the highest pass so far, with no miss it did not see', async () => {
    const m = capacityModel({ capacity: 1234 });
    const s = await searchSlo(searchSettings({ maxProbes: 3 }), m.probe);
    expect(m.asked).toEqual([100, 200, 400]);
    expect(s).toMatchObject({ found: 400, upperMiss: null, atCeiling: false, atMaxRate: false, belowMinRate: false, broken: null });
  });

  it('stops at maxProbes after a miss, keeping as its lowest miss the last one it could tell from a verdict cut short', async () => {
    const m = capacityModel({ capacity: 30 });
    const s = await searchSlo(searchSettings({ maxProbes: 2 }), m.probe);
    expect(m.asked).toEqual([100, 50]);
    // The verdict at 50 ends with the budget, so it is not taken as a miss: 100 is the lowest miss reported.
    expect(s).toMatchObject({ found: null, upperMiss: 100, belowMinRate: false, broken: null });
  });

  it('stops bisection at maxProbes, a verdict cut short counting as no miss', async () => {
    const m = capacityModel({ capacity: 1234 });
    const s = await searchSlo(searchSettings({ maxProbes: 11, confirmations: 2 }), m.probe);
    // 100…800 pass twice (8 probes), 1600 misses twice (10), √(800·1600)=1131 passes once: out of probes.
    expect(m.asked).toEqual([100, 100, 200, 200, 400, 400, 800, 800, 1600, 1600, 1131]);
    expect(s).toMatchObject({ found: 800, upperMiss: 1600, broken: null });
  });

  it('allows 60 probes when no budget is given', async () => {
    const m = capacityModel({ capacity: 1e9 });
    const s = await searchSlo(searchSettings({ startRate: 1, minRate: 1, confirmations: 2, ceiling: { rate: 1e10, source: 'test' } }), m.probe);
    // Doubling from 1 with two probes a rate: 30 rates, 1 … 2^29, is 60 probes.
    expect(m.asked).toHaveLength(60);
    expect(m.asked.at(-1)).toBe(2 ** 29);
    expect(s).toMatchObject({ found: 2 ** 29, upperMiss: null, broken: null });
  });
});
