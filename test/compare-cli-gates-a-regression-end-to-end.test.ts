import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReportSchema } from '../src/compare/compare-report.js';
import { compactCompareReportSchema } from '../src/compare/compact-report.js';
import { renderCompactMarkdown } from '../src/compare/render-compact-markdown.js';
import { bench } from './helpers/cli.js';
import { syntheticRun } from './helpers/compare-run-factory.js';

const P50 = [1000, 1010, 990, 1005, 995];
let dir = '';

function writeRun(name: string, runId: string, shift: number): string {
  const run = syntheticRun({ runId, createdAt: '2026-11-02T02:00:00.000Z', systems: { linkerd: { r1000: { p50s: P50.map((v) => v + shift) } } } });
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'results.json'), JSON.stringify(run));
  return join(dir, name);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'compare-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench compare through the built binary, as CI runs it', () => {
  it('exits 5 on a +300 µs regression, writes the markdown and the JSON, prints their paths', async () => {
    const oldRun = writeRun('old', 'night-1', 0);
    const newRun = writeRun('new', 'night-2', 300);
    const md = join(dir, 'out', 'compare.md');
    const json = join(dir, 'out', 'compare.json');
    const r = await bench(['compare', oldRun, newRun, '--out', md, '--json', json]);
    expect(r.stderr).toBe('compare: 3 regressions (exit 5)\n');
    expect(r.code).toBe(5);
    expect(r.stdout).toBe(`${md}\n${json}\n`);
    const report = compareReportSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(report.rows.find((row) => row.metric === 'p50')).toMatchObject({ verdict: 'regression', change: { value: 300 } });
    expect(readFileSync(md, 'utf8')).toContain('- linkerd r1000 p50: +300 µs [');
  });

  it('as the nightly calls it: the compact pair into the night, the full pair elsewhere, every path printed', async () => {
    const night = join(dir, 'results', 'night-2');
    const artefact = join(dir, 'merged');
    const files = {
      compactOut: join(night, 'compare.md'),
      compactJson: join(night, 'compare.json'),
      out: join(artefact, 'compare-full.md'),
      json: join(artefact, 'compare-full.json'),
    };
    const r = await bench([
      'compare', writeRun('c', 'night-1', 0), writeRun('d', 'night-2', 300),
      '--compact-out', files.compactOut, '--compact-json', files.compactJson, '--out', files.out, '--json', files.json,
    ]);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe(`${files.out}\n${files.json}\n${files.compactJson}\n${files.compactOut}\n`);
    const full = compareReportSchema.parse(JSON.parse(readFileSync(files.json, 'utf8')));
    const compact = compactCompareReportSchema.parse(JSON.parse(readFileSync(files.compactJson, 'utf8')));
    expect(compact.regressions).toBe(full.regressions);
    expect(compact.rows.map((row) => row.metric)).toEqual(['p50', 'p99', 'p999']);
    expect(readFileSync(files.compactOut, 'utf8')).toBe(renderCompactMarkdown(compact));
    expect(readFileSync(files.out, 'utf8')).toContain('## Latency and throughput');
  });

  it('exits 0 on identical runs and prints the markdown to stdout', async () => {
    const r = await bench(['compare', writeRun('a', 'night-1', 0), writeRun('b', 'night-2', 0)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Comparison of two runs\n\n\*\*Outcome: no regression\.\*\*\n/);
    expect(r.stderr).toBe('compare: no regression\n');
  });
});
