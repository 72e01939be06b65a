import { describe, expect, it } from 'vitest';
import type { SloSearch } from '../src/core/slo-schema.js';
import { searchSlo, sloAnswer } from '../src/load/slo-search.js';
import { capacityModel, P99_5MS, searchSettings } from './helpers/slo-capacity-model.js';

/** The one line a report prints for a search (sloAnswer), and the flags that choose it (searchSlo's result). */
const search = (o: Partial<SloSearch>): SloSearch => ({
  objective: P99_5MS,
  ceiling: { rate: 8000, source: 'calibrated' },
  found: 1240,
  upperMiss: 1260,
  atCeiling: false,
  atMaxRate: false,
  belowMinRate: false,
  broken: null,
  probes: [],
  ...o,
});

describe('the answer line of a search', () => {
  it('gives the rate found', () => {
    expect(sloAnswer(search({}))).toBe('1240 req/s');
  });

  it('gives no answer with the reason when the search broke or was interrupted', () => {
    expect(sloAnswer(search({ found: null, broken: 'probe at 400 req/s broke: target not intact' }))).toBe(
      'no answer (probe at 400 req/s broke: target not intact)',
    );
  });

  it('says the system is below the lowest rate probed, naming it', () => {
    expect(sloAnswer(search({ found: null, upperMiss: 10, belowMinRate: true }))).toBe('< 10 req/s (the lowest rate probed missed)');
    expect(sloAnswer(search({ found: null, upperMiss: null, belowMinRate: true }))).toBe('< ? req/s (the lowest rate probed missed)');
  });

  it('gives no answer when nothing was found for no reason it can name', () => {
    expect(sloAnswer(search({ found: null, upperMiss: 100 }))).toBe('no answer');
  });

  it("says a rate at the engine's ceiling is the engine's, not the system's", () => {
    expect(sloAnswer(search({ found: 8000, upperMiss: null, atCeiling: true }))).toBe("≥ 8000 req/s (the engine's ceiling, not the system's)");
  });

  it("says a rate at the scenario's maxRate is a lower bound", () => {
    expect(sloAnswer(search({ found: 700, upperMiss: null, atMaxRate: true }))).toBe("≥ 700 req/s (the scenario's maxRate)");
  });
});

describe('which bound a search stopped at', () => {
  it("is the engine's ceiling, not the maxRate, when the ceiling is the lower", async () => {
    const m = capacityModel({ capacity: 100_000, ceiling: 3000 });
    const s = await searchSlo(searchSettings({ maxRate: 5000, ceiling: { rate: 3000, source: 'calibrated' } }), m.probe);
    expect(s).toMatchObject({ found: 3000, atCeiling: true, atMaxRate: false });
    expect(sloAnswer(s)).toBe("≥ 3000 req/s (the engine's ceiling, not the system's)");
  });

  it('is the ceiling when maxRate equals it', async () => {
    const m = capacityModel({ capacity: 100_000, ceiling: 800 });
    const s = await searchSlo(searchSettings({ maxRate: 800, ceiling: { rate: 800, source: 'scenario' } }), m.probe);
    expect(m.asked).toEqual([100, 200, 400, 800]);
    expect(s).toMatchObject({ found: 800, atCeiling: true, atMaxRate: false });
  });

  it('is neither when the capacity lies below a maxRate', async () => {
    const m = capacityModel({ capacity: 1234 });
    const s = await searchSlo(searchSettings({ maxRate: 5000 }), m.probe);
    expect(s).toMatchObject({ found: 1233, upperMiss: 1246, atCeiling: false, atMaxRate: false });
    expect(sloAnswer(s)).toBe('1233 req/s');
  });

  it('is neither when the capacity lies below the ceiling', async () => {
    const m = capacityModel({ capacity: 1234, ceiling: 3000 });
    const s = await searchSlo(searchSettings({ ceiling: { rate: 3000, source: 'calibrated' } }), m.probe);
    expect(s).toMatchObject({ found: 1233, atCeiling: false, atMaxRate: false });
  });

  it('is neither when even the lowest rate missed', async () => {
    const m = capacityModel({ capacity: 0 });
    const s = await searchSlo(searchSettings({ startRate: 700, minRate: 700, maxRate: 700 }), m.probe);
    expect(s).toMatchObject({ found: null, upperMiss: 700, atCeiling: false, atMaxRate: false, belowMinRate: true });
  });

  it('reports the ceiling and objective it searched under', async () => {
    const m = capacityModel({ capacity: 100 });
    const s = await searchSlo(searchSettings({ startRate: 100, maxRate: 100, ceiling: { rate: 5000, source: 'measured on loopback' } }), m.probe);
    expect(s).toEqual({
      objective: P99_5MS,
      ceiling: { rate: 5000, source: 'measured on loopback' },
      found: 100,
      upperMiss: null,
      atCeiling: false,
      atMaxRate: true,
      belowMinRate: false,
      broken: null,
      probes: [{ rate: 100, outcome: 'meets', achievedRate: 100, errorRate: 0, latencyUs: { p99: 3000 }, reasons: [] }],
    });
  });
});
