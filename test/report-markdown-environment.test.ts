import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { section } from './helpers/markdown-sections.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

describe('report: environment', () => {
  it('marks uncommitted changes, says one core in the singular, and leaves out empty tool and version tables', () => {
    const r = loadTwoSystemFixture();
    r.environment = { ...r.environment, harnessDirty: true, tools: {}, cores: 1 };
    for (const s of r.systems) s.versions = {};
    expect(section(renderMarkdown(r), '## Environment').split('\n')).toEqual([
      '',
      '- CPU: AMD EPYC 7763 64-Core Processor, 1 core',
      '- memory: 15.6 GiB',
      '- OS: linux x64, kernel 6.8.0-1017-azure',
      '- host: bench-01',
      '- Node.js: v20.19.5',
      '- harness: mesh-bench 0.1.0, commit 280c901d6b4f0a3e5c7d9e1f2a4b6c8d0e1f3a5b (with uncommitted changes)',
      '',
    ]);
  });

  it('says when the harness is not a git checkout', () => {
    const r = loadTwoSystemFixture();
    r.environment = { ...r.environment, harnessCommit: null, harnessDirty: true };
    expect(section(renderMarkdown(r), '## Environment').split('\n')[6]).toBe('- harness: mesh-bench 0.1.0, commit not a git checkout');
  });

  it('sorts the versions by code unit (capitals first), whatever the locale, with a dash where a system reports none', () => {
    const r = loadTwoSystemFixture();
    r.systems[2]!.versions = { b: '2', B: '1', a: '0' };
    const lines = section(renderMarkdown(r), '## Environment').split('\n');
    expect(lines.slice(-10)).toEqual([
      '| component | baseline | istio-ambient | istio |',
      '|---|---|---|---|',
      '| B | – | – | 1 |',
      '| a | – | – | 0 |',
      '| b | – | – | 2 |',
      '| istio | – | 1.28.0 | – |',
      '| kind | v0.30.0 | v0.30.0 | – |',
      '| kubernetes | v1.34.0 | v1.34.0 | – |',
      '| ztunnel | – | 1.28.0 | – |',
      '',
    ]);
  });
});
