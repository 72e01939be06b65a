import { afterEach, describe, expect, it, vi } from 'vitest';
import { runResultSchema, type RunResult } from '../src/core/result-schema.js';
import { renderJobSummary } from '../src/report/render-job-summary.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderSummary } from '../src/report/render-summary.js';
import { renderVerdicts } from '../src/report/render-verdicts.js';
import { runWithBaseline, runWithoutBaseline } from './helpers/verdict-run-factory.js';

const renderers: ReadonlyArray<[string, (r: RunResult) => string]> = [
  ['the verdict', (r) => renderVerdicts(r)],
  ['the job summary', (r) => renderJobSummary(r, { report: 'r/report.md' })],
  ['the end-of-run summary', (r) => renderSummary(r, { json: 'r/results.json', report: 'r/report.md' })],
  ['the report', (r) => renderMarkdown(r)],
];
const runs: ReadonlyArray<[string, RunResult]> = [
  ['with a baseline', runWithBaseline()],
  ['without a baseline', runWithoutBaseline()],
];

describe.each(runs)('rendering a run %s', (_name, run) => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it.each(renderers)('%s gives the same bytes twice and after a JSON round trip', (_what, render) => {
    const first = render(run);
    expect(render(run)).toBe(first);
    expect(render(runResultSchema.parse(JSON.parse(JSON.stringify(run))))).toBe(first);
  });

  it.each(renderers)('%s reads no clock, draws no random number and ignores time zone and locale', (_what, render) => {
    const before = render(run);
    // A fake clock set far from now catches `new Date()` (which does not go through Date.now).
    vi.useFakeTimers({ now: Date.UTC(1999, 0, 2, 3, 4, 5), toFake: ['Date'] });
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('read the clock');
    });
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('drew a random number');
    });
    vi.stubEnv('TZ', 'Pacific/Kiritimati');
    vi.stubEnv('LC_ALL', 'de_DE.UTF-8');
    // The ICU locale is fixed at start-up, so LC_ALL alone proves nothing: locale-dependent formatting must not be used.
    for (const proto of [Number.prototype, Date.prototype] as object[]) {
      vi.spyOn(proto as { toLocaleString: () => string }, 'toLocaleString').mockImplementation(() => {
        throw new Error('formatted by locale');
      });
    }
    vi.spyOn(Intl, 'NumberFormat').mockImplementation(() => {
      throw new Error('formatted by locale');
    });
    vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(() => {
      throw new Error('formatted by locale');
    });
    expect(render(run)).toBe(before);
  });

  it.each(renderers)('%s leaves its input unchanged', (_what, render) => {
    const copy = structuredClone(run);
    render(run);
    expect(run).toEqual(copy);
  });
});
