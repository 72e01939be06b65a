import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { syntheticRun } from './helpers/compare-run-factory.js';

const P50 = [1000, 1010, 990, 1005, 995];
let dir = '';

async function compare(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { out: (t: string) => void (stdout += t), err: (t: string) => void (stderr += t) };
  const code = await main(['compare', ...argv], { io, cwd: dir, env: {}, signal: new AbortController().signal });
  return { code, stdout, stderr };
}

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

const run = (runId: string, shift: number, o: { rate?: number; scenarioName?: string } = {}) =>
  syntheticRun({ runId, createdAt: '2026-11-02T02:00:00.000Z', systems: { linkerd: { r1000: { p50s: P50.map((v) => v + shift) } } }, ...o });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'compare-refusals-'));
  write('old/results.json', run('old', 0));
  write('new/results.json', run('new', 0));
  write('rate.json', run('rate', 0, { rate: 2000 }));
  write('smoke.json', run('smoke', 0, { scenarioName: 'smoke' }));
  write('v2.json', { ...run('v2', 0), schemaVersion: 2 });
  write('empty/README.md', '# nothing here');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench compare refuses bad input with one line and writes nothing', () => {
  const out = () => join(dir, 'out');
  const rows: [string, () => string[], RegExp][] = [
    [
      'a step measured at another rate',
      () => [join(dir, 'old'), join(dir, 'rate.json')],
      /^ERROR: .*rate\.json: scenario\.steps\[0\]\.rate: 2000 differs from 1000 in .*old: not the same scenario, refusing to compare\n$/,
    ],
    ['another scenario', () => [join(dir, 'old'), join(dir, 'smoke.json')], /^ERROR: .*smoke\.json: scenario\.name: "smoke" differs from "nightly" in .*old: not the same scenario/],
    ['another schema version', () => [join(dir, 'old'), join(dir, 'v2.json')], /^ERROR: .*v2\.json: schemaVersion: unsupported schema version 2 \(this harness reads 1\)\n$/],
    ['a missing file', () => [join(dir, 'old'), join(dir, 'nope.json')], /^ERROR: .*nope\.json: cannot read file \(ENOENT\)\n$/],
    ['a directory without a run', () => [join(dir, 'old'), join(dir, 'empty')], /^ERROR: .*empty: a directory without results\.json, record\.json\.gz or record\.json/],
    ['--systems with two runs', () => [join(dir, 'old'), join(dir, 'new'), '--systems', 'a,b'], /^ERROR: --systems: compares two systems of ONE run: give one results file, not two\n$/],
    ['one run without --systems', () => [join(dir, 'old')], /^ERROR: <new>: missing: give <old> and <new> results, or one results file with --systems a,b\n$/],
    ['--systems naming a system the run lacks', () => [join(dir, 'old'), '--systems', 'linkerd,cilium'], /^ERROR: --systems: cilium is not a system of .*old \(it has: linkerd\)\n$/],
    ['--systems with one id', () => [join(dir, 'old'), '--systems', 'linkerd'], /^ERROR: --systems: give two system ids, old first/],
    ['--alpha above 1', () => [join(dir, 'old'), join(dir, 'new'), '--alpha', '2'], /^ERROR: --alpha: invalid fraction 2: expected a fraction from 0 to 1/],
    ['--latency-min without a unit', () => [join(dir, 'old'), join(dir, 'new'), '--latency-min', '100'], /^ERROR: --latency-min: invalid duration "100": give a unit, e\.g\. "0\.1ms" or "100us"\n$/],
    ['--history that is missing', () => [join(dir, 'old'), join(dir, 'new'), '--history', join(dir, 'results')], /^ERROR: --history: .*results is missing: give the directory of committed runs/],
    ['--json naming a directory', () => [join(dir, 'old'), join(dir, 'new'), '--json', join(dir, 'empty')], /^ERROR: --json: .*empty is not a file\n$/],
    ['--json naming a file inside a file', () => [join(dir, 'old'), join(dir, 'new'), '--json', join(dir, 'smoke.json', 'c.json')], /^ERROR: --json: .*smoke\.json is a file, not a directory\n$/],
    ['--compact-json naming the --out file', () => [join(dir, 'old'), join(dir, 'new'), '--compact-json', join(dir, 'out', 'c.md')], /^ERROR: --compact-json: must not be the same file as --out\n$/],
    ['--compact-out naming a directory', () => [join(dir, 'old'), join(dir, 'new'), '--compact-out', join(dir, 'empty')], /^ERROR: --compact-out: .*empty is not a file\n$/],
  ];
  for (const [what, argv, line] of rows) {
    it(`${what}: exit 2`, async () => {
      // Every row also asks for the markdown in out/ (the --json row for its JSON elsewhere): none may appear.
      const r = await compare([...argv(), ...(argv().includes('--json') ? [] : ['--out', join(out(), 'c.md')])]);
      expect(r.stderr).toMatch(line);
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    });
  }

  it('wrote nothing for any of them', () => {
    mkdirSync(out(), { recursive: true });
    expect(readdirSync(out())).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['empty', 'new', 'old', 'out', 'rate.json', 'smoke.json', 'v2.json']);
  });

  it('a compact record compares like the results.json it was made from', async () => {
    const fromResults = await compare([join(dir, 'old'), join(dir, 'new'), '--json', join(dir, 'a.json')]);
    write('old-record/record.json', serializeRecord(makeRecord(run('old', 0))));
    const fromRecord = await compare([join(dir, 'old-record'), join(dir, 'new'), '--json', join(dir, 'b.json')]);
    expect([fromResults.code, fromRecord.code]).toEqual([0, 0]);
    expect(fromRecord.stdout).toBe(fromResults.stdout);
    expect(fromResults.stdout).toContain('**Outcome: no regression.**');
  });
});
