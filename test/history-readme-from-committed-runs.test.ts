import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyCommand } from '../src/cli/commands/history-command.js';
import { ExitCode, InputError } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { readHistory } from '../src/history/read-history.js';
import { historyTrends, renderHistory } from '../src/history/render-history.js';
import { RECORD_SCHEMA_VERSION } from '../src/history/record-schema.js';
import { writeHistoryFixtures } from './helpers/history-fixtures.js';

/**
 * test/fixtures/history/results: three committed nights as the nightly leaves them (record.json per merged run, the
 * compare.json against the night before on the second and third; istio-ambient's p99 regresses on the third).
 */
const FIXTURE = fileURLToPath(new URL('fixtures/history/results', import.meta.url));
const fs = new NodeFileSystem();
let root: string;

beforeAll(() => {
  // After a change of the record schema: UPDATE_HISTORY_FIXTURES=1 npx vitest run -u <this file>, then review the diff.
  if (process.env['UPDATE_HISTORY_FIXTURES'] === '1') writeHistoryFixtures(FIXTURE);
  root = mkdtempSync(join(tmpdir(), 'history-test-'));
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function history(resultsDir: string, out: string) {
  const err: string[] = [];
  const stdout: string[] = [];
  const code = await historyCommand({ resultsDir, out, deps: { fs, cwd: root }, io: { out: (t) => void stdout.push(t), err: (t) => void err.push(t) } });
  return { code, out: stdout.join(''), err: err.join('') };
}

describe('bench history', () => {
  it('renders results/README.md from the committed runs (snapshot), newest first', async () => {
    const md = renderHistory(await readHistory(FIXTURE, { fs }));
    await expect(md).toMatchFileSnapshot('fixtures/history/expected-README.md');
    const order = ['2026-11-30T02-17-00Z', '2026-11-29T02-17-00Z', '2026-11-28T02-17-00Z'].map((d) => md.indexOf(`[${d}-default-merged]`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('writes the versions out on the newest run and where they change, "as above" where they are the newer run\'s', async () => {
    const input = await readHistory(FIXTURE, { fs });
    const middle = input.runs.find((r) => r.dir.startsWith('2026-11-29'))!;
    for (const s of middle.record.systems) if (s.versions['linkerd']) s.versions['linkerd'] = 'edge-26.8.2';
    const rows = renderHistory(input)
      .split('\n')
      .filter((l) => l.startsWith('| 2026-11-'))
      .map((l) => l.split(' | ')[5]);
    expect(rows).toEqual([
      'istio-ambient: istio-ambient 1.30.3<br>linkerd: linkerd 1.30.3',
      'istio-ambient: istio-ambient 1.30.3<br>linkerd: linkerd edge-26.8.2',
      'istio-ambient: istio-ambient 1.30.3<br>linkerd: linkerd 1.30.3',
    ]);
    middle.record.systems.forEach((s) => {
      if (s.versions['linkerd']) s.versions['linkerd'] = '1.30.3';
    });
    expect(renderHistory(input).split('\n').filter((l) => l.startsWith('| 2026-11-')).map((l) => l.split(' | ')[5])).toEqual([
      'istio-ambient: istio-ambient 1.30.3<br>linkerd: linkerd 1.30.3',
      'as above',
      'as above',
    ]);
  });

  it("shows each night's headline overheads as that night's own comparisons made them", async () => {
    const input = await readHistory(FIXTURE, { fs });
    const newest = input.runs.find((r) => r.dir.startsWith('2026-11-30'))!;
    const cmp = newest.record.comparisons.find((c) => c.system === 'istio-ambient' && c.reference === 'istio-ambient/unmeshed' && c.step === 'rate-1000')!;
    const trends = historyTrends(input);
    const points = trends.addedP99.find((s) => s.system === 'istio-ambient')!.points;
    expect(points).toHaveLength(3);
    expect(points.at(-1)).toEqual({ date: newest.record.createdAt, value: cmp.deltaP99Us.value, low: cmp.deltaP99Us.ci95[0], high: cmp.deltaP99Us.ci95[1] });
    expect(trends.addedP99.map((s) => s.system)).toEqual(['istio-ambient', 'linkerd']);
    expect(trends.dataPlaneMemory.map((s) => s.points.length)).toEqual([3, 3]);
  });

  it('lists the regressions each night’s comparison found', async () => {
    const md = renderHistory(await readHistory(FIXTURE, { fs }));
    const section = md.slice(md.indexOf("## Regressions found by each night's comparison"));
    expect(section).toContain('### 2026-11-30T02-17-00Z-default-merged vs 2026-11-29T02-17-00Z-default-merged');
    expect(section).toMatch(/^\| istio-ambient \| rate-1000 \| p99 \| 395 µs \| 512 µs \| \+29\.6% \| 0\.008 \|/m);
    expect(section).toContain('### 2026-11-29T02-17-00Z-default-merged vs 2026-11-28T02-17-00Z-default-merged\n\nNo regression.');
  });

  it('writes the README and trend charts, and re-rendering gives the same bytes', async () => {
    const results = join(root, 'results');
    cpSync(FIXTURE, results, { recursive: true });
    const first = await history(results, join(results, 'README.md'));
    expect(first.code).toBe(ExitCode.ok);
    const files = ['README.md', 'charts/history-added-p99.svg', 'charts/history-data-plane-memory.svg'];
    expect(first.out.trim().split('\n')).toEqual(files.map((f) => join(results, f)));
    const bytes = files.map((f) => readFileSync(join(results, f), 'utf8'));
    expect(bytes[1]).toMatch(/^<svg/);
    expect(bytes[1]).toContain('istio-ambient');
    expect(bytes[1]).toContain('linkerd');
    expect(bytes[0]).toContain('![Added p99 at 1000 req/s](charts/history-added-p99.svg)');
    const again = await history(results, join(results, 'README.md'));
    expect(again.code).toBe(ExitCode.ok);
    expect(files.map((f) => readFileSync(join(results, f), 'utf8'))).toEqual(bytes);
  }, 60_000);

  it('removes a trend chart that has nothing left to draw, so the files beside the README are the ones it links', async () => {
    const results = join(root, 'emptied');
    cpSync(FIXTURE, results, { recursive: true });
    expect((await history(results, join(results, 'README.md'))).code).toBe(ExitCode.ok);
    expect(readdirSync(join(results, 'charts')).sort()).toEqual(['history-added-p99.svg', 'history-data-plane-memory.svg']);
    for (const dir of readdirSync(results)) if (dir.startsWith('2026-')) rmSync(join(results, dir), { recursive: true });
    const r = await history(results, join(results, 'README.md'));
    expect(r.out).toBe(`${join(results, 'README.md')}\n`);
    expect(readdirSync(join(results, 'charts'))).toEqual([]);
    expect(readFileSync(join(results, 'README.md'), 'utf8')).toContain('No runs are committed yet.');
  }, 60_000);

  it('names a run it cannot read in the README instead of dropping it silently', async () => {
    const results = join(root, 'with-bad-run');
    cpSync(FIXTURE, results, { recursive: true });
    const bad = join(results, '2026-11-27T02-17-00Z-default-merged');
    cpSync(join(results, '2026-11-28T02-17-00Z-default-merged'), bad, { recursive: true });
    // The fixture's nights are records of version 2, committed before version 3: still read (the snapshot above).
    const text = readFileSync(join(bad, 'record.json'), 'utf8');
    expect(text).toContain('"schemaVersion":2');
    writeFileSync(join(bad, 'record.json'), text.replace('"schemaVersion":2', '"schemaVersion":7'));
    const r = await history(results, join(results, 'README.md'));
    expect(r.code).toBe(ExitCode.ok);
    const line = `2026-11-27T02-17-00Z-default-merged: ${join(bad, 'record.json')}: schemaVersion: unsupported record schema version 7 (this harness reads 2, 3, 4 and ${RECORD_SCHEMA_VERSION})`;
    expect(r.err).toBe(`skipped ${line}\n`);
    expect(readFileSync(join(results, 'README.md'), 'utf8')).toContain(`## Not read\n\nThese run directories could not be read and are not in the tables above:\n\n- ${line}\n`);
  }, 60_000);

  it("the repository's results/README.md is what bench history writes from the committed runs", async () => {
    const results = fileURLToPath(new URL('../results', import.meta.url));
    expect(readFileSync(join(results, 'README.md'), 'utf8')).toBe(renderHistory(await readHistory(results, { fs })));
  });

  it('refuses a --results that is not a directory, writing nothing', async () => {
    const out = join(root, 'nothing', 'README.md');
    const error = await history(join(root, 'missing'), out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`--results: ${join(root, 'missing')} is missing: give the directory of committed runs (e.g. results/)`);
    expect(readdirSync(root)).not.toContain('nothing');
  });
});
