import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCommand } from '../src/cli/commands/compare-command.js';
import { reportCommand } from '../src/cli/commands/report-command.js';
import type { CliIo } from '../src/cli/io.js';
import { NIGHT_COMPARISON_HEADING } from '../src/compare/night-comparison-section.js';
import { ExitCode } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { readHistory } from '../src/history/read-history.js';
import { renderHistory } from '../src/history/render-history.js';

/**
 * Nights committed before the nightly gzip-compressed its JSON keep their plain record.json and compare.json
 * (test/fixtures/history/results holds three such nights). Every reader takes both: `bench report` renders an older
 * night as before, `bench compare` compares an older night with a new one, and `bench history` reads a results
 * directory holding both kinds, each night's figures the same whichever way it is stored.
 */
const FIXTURE = fileURLToPath(new URL('fixtures/history/results', import.meta.url));
const FIRST = '2026-11-28T02-17-00Z-default-merged';
const SECOND = '2026-11-29T02-17-00Z-default-merged';
const THIRD = '2026-11-30T02-17-00Z-default-merged';
const fs = new NodeFileSystem();
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'older-nights-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the fixtures' nights under `dir`, the ones named in `gzip` converted to what the nightly commits now. */
function resultsDir(dir: string, gzip: readonly string[]): string {
  const results = join(root, dir);
  cpSync(FIXTURE, results, { recursive: true });
  for (const night of gzip) {
    for (const name of ['record.json', 'compare.json']) {
      const plain = join(results, night, name);
      let text: Buffer;
      try {
        text = readFileSync(plain);
      } catch {
        continue;
      }
      writeFileSync(`${plain}.gz`, gzipSync(text, { level: 9 }));
      rmSync(plain);
    }
  }
  return results;
}

function bufferIo(): { io: CliIo; out: string[] } {
  const out: string[] = [];
  return { io: { out: (t) => void out.push(t), err: () => {} }, out };
}

/** Every file under a directory, its bytes as base64, by relative path. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) Object.assign(out, tree(join(dir, e.name), `${prefix}${e.name}/`));
    else out[`${prefix}${e.name}`] = readFileSync(join(dir, e.name)).toString('base64');
  }
  return out;
}

describe('an older night, committed as plain record.json and compare.json', () => {
  it('bench report renders it with its comparison, and writes beside record.json.gz the same report.md and charts as beside record.json', async () => {
    const plain = resultsDir('plain', []);
    const gz = resultsDir('gz', [THIRD]);
    for (const [dir, file] of [[join(plain, THIRD), 'record.json'], [join(gz, THIRD), 'record.json.gz']] as const) {
      const b = bufferIo();
      expect(await reportCommand({ path: join(dir, file), flags: {}, deps: { fs }, io: b.io })).toBe(ExitCode.ok);
      expect(b.out.join('')).toBe(`${join(dir, 'report.md')}\n`);
    }
    const report = readFileSync(join(plain, THIRD, 'report.md'), 'utf8');
    expect(report).toContain(`\n${NIGHT_COMPARISON_HEADING}\n`);
    const written = (dir: string) => Object.fromEntries(Object.entries(tree(dir)).filter(([path]) => path === 'report.md' || path.startsWith('charts/')));
    expect(Object.keys(written(join(gz, THIRD)))).toContain('report.md');
    expect(Object.keys(written(join(gz, THIRD))).some((p) => p.startsWith('charts/'))).toBe(true);
    expect(written(join(gz, THIRD))).toEqual(written(join(plain, THIRD)));
  }, 120_000);

  it('bench compare compares an older plain night with a gzip one as with two plain ones, and takes either as --history', async () => {
    const plain = resultsDir('compare-plain', []);
    const mixed = resultsDir('compare-mixed', [THIRD]);
    const run = async (results: string, out: string) => {
      const b = bufferIo();
      const code = await compareCommand({ paths: [join(results, SECOND), join(results, THIRD)], flags: { history: results, json: join(root, out) }, deps: { fs, cwd: root }, io: b.io });
      return { code, json: JSON.parse(readFileSync(join(root, out), 'utf8')) as { outcome: string; rows: unknown[]; history: { runs: number; skipped: string[] } } };
    };
    const fromPlain = await run(plain, 'plain.json');
    const fromMixed = await run(mixed, 'mixed.json');
    // The same verdicts, the same exit code, and the history read whole: nothing skipped for being plain or gzip.
    expect(fromMixed.code).toBe(fromPlain.code);
    expect(fromMixed.json.history.runs).toBe(3);
    expect(fromMixed.json.history.skipped).toEqual([]);
    expect(fromMixed.json).toEqual(fromPlain.json);
    expect(fromPlain.json.rows.length).toBeGreaterThan(0);
  }, 60_000);

  it('bench history reads a results directory holding older plain nights and a gzip one as if all were plain', async () => {
    const plain = await readHistory(resultsDir('history-plain', []), { fs });
    const mixed = await readHistory(resultsDir('history-mixed', [SECOND, THIRD]), { fs });
    expect(mixed.skipped).toEqual([]);
    expect(mixed.runs.map((r) => r.dir)).toEqual([FIRST, SECOND, THIRD]);
    expect(mixed.runs.map((r) => r.compare === null)).toEqual([true, false, false]);
    expect(renderHistory(mixed)).toBe(renderHistory(plain));
  });
});
