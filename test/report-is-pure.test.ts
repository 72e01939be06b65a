import { afterEach, describe, expect, it, vi } from 'vitest';
import { runResultSchema } from '../src/core/result-schema.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { readRunResult, writeRunResult } from '../src/report/result-file.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

describe('renderMarkdown is a pure function of the result', () => {
  const fixture = loadTwoSystemFixture();

  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('renders the same bytes twice', () => {
    expect(renderMarkdown(fixture)).toBe(renderMarkdown(fixture));
  });

  it('renders the same bytes after a JSON round trip', () => {
    const roundTripped = runResultSchema.parse(JSON.parse(JSON.stringify(fixture)));
    expect(renderMarkdown(roundTripped)).toBe(renderMarkdown(fixture));
  });

  it('does not read the clock or draw random numbers', () => {
    const before = renderMarkdown(fixture);
    vi.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('renderMarkdown read the clock');
    });
    vi.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('renderMarkdown drew a random number');
    });
    expect(renderMarkdown(fixture)).toBe(before);
  });

  it('does not depend on the date, time zone or locale it runs under', () => {
    const before = renderMarkdown(fixture);
    vi.useFakeTimers({ now: new Date('1999-12-31T23:59:59Z') });
    vi.stubEnv('TZ', 'Pacific/Kiritimati');
    vi.stubEnv('LANG', 'de_DE.UTF-8');
    vi.stubEnv('LC_ALL', 'de_DE.UTF-8');
    expect(renderMarkdown(fixture)).toBe(before);
  });

  it('does not change its input', () => {
    const copy = structuredClone(fixture);
    renderMarkdown(fixture);
    expect(fixture).toEqual(copy);
  });

  it('reproduces the written report.md from results.json alone (what `bench report` does)', async () => {
    const fs = new MemoryFileSystem();
    const { jsonPath, reportPath } = await writeRunResult('/results/run', fixture, { fs });
    const reread = await readRunResult(jsonPath, { fs });
    expect(renderMarkdown(reread)).toBe(fs.read(reportPath));
  });
});
