import { afterEach, describe, expect, it, vi } from 'vitest';
import { compareRuns, serializeCompareReport, type CompareInput } from '../src/compare/compare-runs.js';
import { compareReportSchema } from '../src/compare/compare-report.js';
import { DEFAULT_GATE } from '../src/compare/gate-flags.js';
import { renderCompareMarkdown } from '../src/compare/render-compare-markdown.js';
import { compactCompareReport, compactCompareReportSchema, serializeCompactCompareReport } from '../src/compare/compact-report.js';
import { renderCompactMarkdown } from '../src/compare/render-compact-markdown.js';
import { syntheticRecord } from './helpers/compare-run-factory.js';

const P50 = [1000, 1010, 990, 1005, 995];
const MEMORY = [100e6, 101e6, 99e6, 100.5e6, 99.5e6];
const CPU = [0.2, 0.201, 0.199, 0.2005, 0.1995];

/** Three nights of history, then old and new: linkerd +250 µs and +20% sidecar memory, istio unchanged but noisy. */
function night(day: number, linkerdShift: number, memoryFactor: number) {
  return syntheticRecord({
    runId: `2026-11-0${day}T02-00-00Z-nightly`,
    createdAt: `2026-11-0${day}T02:00:00.000Z`,
    systems: {
      istio: { r1000: { p50s: [900, 1300, 1000, 1150, 1050].map((v) => v + day * 7) } },
      linkerd: {
        r1000: {
          p50s: P50.map((v) => v + linkerdShift),
          resources: { role: 'sidecar-proxy', memoryBytes: MEMORY.map((m) => m * memoryFactor), cpuCores: CPU },
        },
      },
    },
  });
}

const input: CompareInput = {
  mode: 'runs',
  oldLabel: 'old',
  newLabel: 'new',
  oldRun: night(4, 0, 1),
  newRun: night(5, 250, 1.2),
  history: { runs: [night(1, 10, 1), night(2, -10, 1.01), night(3, 5, 0.99), night(4, 0, 1)], skipped: ['broken/results.json: not valid JSON'] },
  gate: DEFAULT_GATE,
};

describe('bench compare output is a pure function of its inputs', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('computes the same report twice, without the clock, Math.random, time zone or locale', () => {
    const first = JSON.stringify(compareRuns(input));
    vi.useFakeTimers({ now: new Date('1999-12-31T23:59:59Z') });
    vi.stubEnv('TZ', 'Pacific/Kiritimati');
    vi.stubEnv('LC_ALL', 'de_DE.UTF-8');
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('compare read the clock');
    });
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('compare drew a random number');
    });
    expect(JSON.stringify(compareRuns(input))).toBe(first);
  });

  it('renders the same markdown from the JSON it wrote (what --json keeps is enough to re-render)', () => {
    const report = compareRuns(input);
    const written = serializeCompareReport(report);
    const reread = compareReportSchema.parse(JSON.parse(written));
    expect(reread).toEqual(report);
    expect(renderCompareMarkdown(reread)).toBe(renderCompareMarkdown(report));
  });

  it('the golden comparison: linkerd p50/p99/p99.9 and sidecar memory regress, istio is not significant', async () => {
    const report = compareRuns(input);
    expect(report.regressions).toBe(4);
    expect(report.rows.filter((r) => r.newSystem === 'istio').every((r) => r.verdict === 'not-significant')).toBe(true);
    await expect(serializeCompareReport(report)).toMatchFileSnapshot('fixtures/compare/golden.json');
    await expect(renderCompareMarkdown(report)).toMatchFileSnapshot('fixtures/compare/golden.md');
  });

  it('the golden compact comparison (what a night commits): the same outcome and regressions, its markdown from its JSON', async () => {
    const compact = compactCompareReport(compareRuns(input));
    expect(compact.regressions).toBe(4);
    expect(compact.rows.map((r) => `${r.newSystem} ${r.metric} ${r.verdict}`)).toEqual([
      'linkerd p50 regression',
      'linkerd p99 regression',
      'linkerd p999 regression',
      'linkerd memory:sidecar-proxy regression',
    ]);
    const written = serializeCompactCompareReport(compact);
    expect(compactCompareReportSchema.parse(JSON.parse(written))).toEqual(compact);
    await expect(written).toMatchFileSnapshot('fixtures/compare/golden-compact.json');
    await expect(renderCompactMarkdown(compact)).toMatchFileSnapshot('fixtures/compare/golden-compact.md');
  });
});
