import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand, type ReportFlags } from '../src/cli/commands/report-command.js';
import { compactCompareReport, serializeCompactCompareReport } from '../src/compare/compact-report.js';
import { compareReportSchema } from '../src/compare/compare-report.js';
import { NIGHT_COMPARISON_HEADING } from '../src/compare/night-comparison-section.js';
import { ExitCode, InputError } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';

/**
 * Issue 9, build 9: "the nightly compares with the previous night, puts the comparison in the report". The night's
 * directory keeps the comparison beside its record (compare.json, the nightly's compare step); `bench report` on the
 * record renders it as the report's last section, so the committed report.md is a pure function of the committed files.
 * test/fixtures/history/results: three nights; the third's compare.json (against the second) has istio-ambient's p99
 * regressing.
 */
const FIXTURE = fileURLToPath(new URL('fixtures/history/results', import.meta.url));
const THIRD = '2026-11-30T02-17-00Z-default-merged';
const SECOND = '2026-11-29T02-17-00Z-default-merged';
const FIRST = '2026-11-28T02-17-00Z-default-merged';
const fs = new NodeFileSystem();
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'report-night-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function night(name: string, as = name): string {
  const dir = join(root, as);
  cpSync(join(FIXTURE, name), dir, { recursive: true });
  return dir;
}

async function report(path: string, flags: ReportFlags = { stdout: true }): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await reportCommand({ path, flags, deps: { fs }, io: { out: (t) => void out.push(t), err: () => undefined } });
  return { code, out: out.join('') };
}

describe('bench report of a night with its comparison beside the record', () => {
  it('ends with the comparison with the previous night: its outcome, both runs and the regression, under one # title', async () => {
    const dir = night(THIRD);
    const { code, out } = await report(join(dir, 'record.json'));
    expect(code).toBe(ExitCode.ok);
    const at = out.indexOf(`\n${NIGHT_COMPARISON_HEADING}\n`);
    expect(at).toBeGreaterThan(0);
    const section = out.slice(at + 1);
    // Nothing of the report follows it, and it brings no second top-level title.
    expect(section.split('\n').filter((l) => /^## /.test(l))).toEqual([NIGHT_COMPARISON_HEADING]);
    expect(out.split('\n').filter((l) => /^# /.test(l))).toHaveLength(1);
    expect(section).toContain(SECOND);
    expect(section).toContain(THIRD);
    expect(section).toMatch(/regression/i);
    expect(section).toContain('istio-ambient');
  });

  it('has no comparison section on a night without compare.json (the first night)', async () => {
    const { out } = await report(join(night(FIRST), 'record.json'));
    expect(out).not.toContain(NIGHT_COMPARISON_HEADING);
    expect(out.length).toBeGreaterThan(1000);
  });

  it('renders the same section from the compact form the nightly stores as from the full report', async () => {
    const full = await report(join(night(THIRD, 'full'), 'record.json'));
    const compactDir = night(THIRD, 'compact');
    const stored = compareReportSchema.parse(JSON.parse(readFileSync(join(compactDir, 'compare.json'), 'utf8')));
    writeFileSync(join(compactDir, 'compare.json'), serializeCompactCompareReport(compactCompareReport(stored)));
    const compact = await report(join(compactDir, 'record.json'));
    expect(compact.out).toBe(full.out);
  });

  it('writes report.md with the section, and re-rendering the directory gives the same bytes', async () => {
    const dir = night(THIRD, 'rewrite');
    expect((await report(join(dir, 'record.json'), {})).code).toBe(ExitCode.ok);
    const first = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(first).toContain(NIGHT_COMPARISON_HEADING);
    await report(join(dir, 'record.json'), {});
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe(first);
  });

  it('refuses a compare.json that is not a compare report in one line naming the file and field', async () => {
    const dir = night(THIRD, 'bad-kind');
    writeFileSync(join(dir, 'compare.json'), JSON.stringify({ kind: 'something-else' }));
    const error = await report(join(dir, 'record.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(String((error as Error).message)).toMatch(/compare\.json: kind: not a bench compare report/);
  });

  it('refuses a compact compare.json with a bad field, naming it', async () => {
    const dir = night(THIRD, 'bad-field');
    const stored = compareReportSchema.parse(JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')));
    const compact = JSON.parse(serializeCompactCompareReport(compactCompareReport(stored))) as Record<string, unknown>;
    writeFileSync(join(dir, 'compare.json'), JSON.stringify({ ...compact, regressions: -1 }));
    const error = await report(join(dir, 'record.json')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(String((error as Error).message)).toMatch(/compare\.json: regressions: /);
  });
});
