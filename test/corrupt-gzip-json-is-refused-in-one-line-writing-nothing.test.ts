import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/core/errors.js';
import { readJsonText } from '../src/history/gzip-json-file.js';
import { bench } from './helpers/cli.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';

/**
 * A `.gz` file that is not gzip (a plain file renamed, a file cut short by a failed push) is bad input like any
 * other: the command exits 2 with one line naming the file, and writes nothing. `bench history` lists such a night
 * among the runs it could not read, with the same reason, as it does every unreadable night.
 */
const FIXTURE = fileURLToPath(new URL('fixtures/history/results', import.meta.url));
const SECOND = '2026-11-29T02-17-00Z-default-merged';
const THIRD = '2026-11-30T02-17-00Z-default-merged';
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'corrupt-gz-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of a fixture night as the nightly commits it now (gzip), with `corrupt` replaced by `bytes`. */
function night(name: string, as: string, corrupt?: { file: 'record.json.gz' | 'compare.json.gz'; bytes: Buffer }): string {
  const dir = join(root, as);
  cpSync(join(FIXTURE, name), dir, { recursive: true });
  for (const plain of ['record.json', 'compare.json']) {
    if (!existsSync(join(dir, plain))) continue;
    writeFileSync(join(dir, `${plain}.gz`), gzipSync(readFileSync(join(dir, plain)), { level: 9 }));
    rmSync(join(dir, plain));
  }
  if (corrupt) writeFileSync(join(dir, corrupt.file), corrupt.bytes);
  return dir;
}

const recordGz = (): Buffer => gzipSync(readFileSync(join(FIXTURE, THIRD, 'record.json')), { level: 9 });
const NOT_GZIP = Buffer.from(readFileSync(join(FIXTURE, THIRD, 'record.json')));
const CUT_SHORT = (): Buffer => recordGz().subarray(0, 4000);
const ONE_LINE = (file: string, why: string): string => `ERROR: ${file}: not a valid gzip file (${why}): a .gz file must be gzip-compressed JSON\n`;

describe('a corrupt .gz', () => {
  it('bench report refuses a record.json.gz that is plain JSON under a .gz name: exit 2, one line naming it, no report.md or charts written', async () => {
    const dir = night(THIRD, 'plain-named-gz', { file: 'record.json.gz', bytes: NOT_GZIP });
    const before = readdirSync(dir).sort();
    const r = await bench(['report', join(dir, 'record.json.gz')]);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.stderr).toBe(ONE_LINE(join(dir, 'record.json.gz'), 'incorrect header check'));
    expect(r.stdout).toBe('');
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('bench report refuses a record.json.gz cut short, and a run directory resolving to it, the same way', async () => {
    const dir = night(THIRD, 'cut-short', { file: 'record.json.gz', bytes: CUT_SHORT() });
    for (const arg of [join(dir, 'record.json.gz'), dir]) {
      const r = await bench(['report', arg]);
      expect(r.code, arg).toBe(ExitCode.invalidInput);
      expect(r.stderr, arg).toBe(ONE_LINE(join(dir, 'record.json.gz'), 'unexpected end of file'));
    }
    expect(readdirSync(dir).sort()).toEqual(['compare.json.gz', 'record.json.gz']);
  });

  it('bench report refuses a corrupt compare.json.gz beside a good record, writing no report.md', async () => {
    const dir = night(THIRD, 'bad-compare', { file: 'compare.json.gz', bytes: Buffer.from('not gzip at all') });
    const r = await bench(['report', join(dir, 'record.json.gz')]);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.stderr).toBe(ONE_LINE(join(dir, 'compare.json.gz'), 'incorrect header check'));
    expect(readdirSync(dir).sort()).toEqual(['compare.json.gz', 'record.json.gz']);
  });

  it('bench compare refuses a corrupt record.json.gz before writing any of its outputs', async () => {
    const old = night(SECOND, 'compare-old');
    const bad = night(THIRD, 'compare-new', { file: 'record.json.gz', bytes: CUT_SHORT() });
    const out = join(root, 'compare-out');
    const r = await bench(['compare', old, bad, '--json', join(out, 'full.json'), '--compact-json', join(out, 'compare.json.gz'), '--out', join(out, 'compare.md')]);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.stderr).toBe(ONE_LINE(join(bad, 'record.json.gz'), 'unexpected end of file'));
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('bench history names the night it cannot read, with the reason, and reads the others', async () => {
    const results = join(root, 'history');
    cpSync(FIXTURE, results, { recursive: true });
    writeFileSync(join(results, THIRD, 'record.json.gz'), CUT_SHORT());
    rmSync(join(results, THIRD, 'record.json'));
    const out = join(root, 'history-out', 'README.md');
    const r = await bench(['history', '--results', results, '--out', out]);
    expect(r.code).toBe(ExitCode.ok);
    const reason = `${THIRD}: ${join(results, THIRD, 'record.json.gz')}: not a valid gzip file (unexpected end of file): a .gz file must be gzip-compressed JSON`;
    expect(r.stderr).toBe(`skipped ${reason}\n`);
    expect(readFileSync(out, 'utf8')).toContain(reason);
    expect(readFileSync(out, 'utf8')).toContain(SECOND);
  });

  it('an empty .gz, or one that cannot be read, is one line naming the file', async () => {
    const fs = new MemoryFileSystem({ '/n/empty.json.gz': new Uint8Array(0) });
    await expect(readJsonText('/n/empty.json.gz', fs)).rejects.toThrow(/^\/n\/empty\.json\.gz: not a valid gzip file \(unexpected end of file\): a \.gz file must be gzip-compressed JSON$/);
    await expect(readJsonText('/n/missing.json.gz', fs)).rejects.toThrow(/^\/n\/missing\.json\.gz: cannot read file \(ENOENT\)$/);
  });
});
