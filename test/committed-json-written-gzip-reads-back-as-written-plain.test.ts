import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compareCommand } from '../src/cli/commands/compare-command.js';
import { mergeCommand } from '../src/cli/commands/merge-command.js';
import type { CliIo } from '../src/cli/io.js';
import { COMPARE_REPORT_FILE_NAME } from '../src/compare/compare-report.js';
import { ExitCode } from '../src/core/errors.js';
import { writeJsonText } from '../src/history/gzip-json-file.js';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { readRun } from '../src/history/read-run.js';
import { PLAIN_RECORD_FILE_NAME, RECORD_FILE_NAME } from '../src/history/record-schema.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { perRunnerRun } from './helpers/per-runner-run-factory.js';

/**
 * A night commits its machine-readable files gzip-compressed (record.json.gz, compare.json.gz; issue 9: at most ~300 KB
 * a night): the JSON in them is the JSON a plain file held, and reads back to the same record and comparison.
 * test/fixtures/history/results holds three nights committed plain, before the change.
 */
const FIXTURE = fileURLToPath(new URL('fixtures/history/results', import.meta.url));
const SECOND = '2026-11-29T02-17-00Z-default-merged';
const THIRD = '2026-11-30T02-17-00Z-default-merged';
const quiet: CliIo = { out: () => {}, err: () => {} };
const plainRecord = (night: string): string => readFileSync(`${FIXTURE}/${night}/record.json`, 'utf8');
const GZIP_MAGIC = [0x1f, 0x8b];

describe('the JSON a night commits, gzip-compressed', () => {
  it('a record written gzip reads back equal to the same record written plain, and holds its JSON text byte for byte', async () => {
    const text = plainRecord(THIRD);
    const fs = new MemoryFileSystem();
    await fs.mkdir('/gz');
    await fs.mkdir('/plain');
    await writeJsonText(`/gz/${RECORD_FILE_NAME}`, text, fs);
    await writeJsonText(`/plain/${PLAIN_RECORD_FILE_NAME}`, text, fs);
    // The name says the form: .gz is written as gzip bytes, .json as the text itself.
    const gz = fs.readBinary(`/gz/${RECORD_FILE_NAME}`)!;
    expect([...gz.subarray(0, 2)]).toEqual(GZIP_MAGIC);
    expect(fs.read(`/gz/${RECORD_FILE_NAME}`)).toBeUndefined();
    expect(fs.read(`/plain/${PLAIN_RECORD_FILE_NAME}`)).toBe(text);
    expect(gunzipSync(gz).toString('utf8')).toBe(text);
    expect(gz.length * 2).toBeLessThan(Buffer.byteLength(text));

    const fromGz = await readRun(`/gz/${RECORD_FILE_NAME}`, { fs });
    const fromPlain = await readRun(`/plain/${PLAIN_RECORD_FILE_NAME}`, { fs });
    expect(fromGz.full).toBeNull();
    expect(fromGz.record).toEqual(fromPlain.record);
    expect(fromGz.record.runId).toBe(THIRD);
    // A run directory holding the gzip record resolves to it.
    expect((await readRun('/gz', { fs })).path).toBe(`/gz/${RECORD_FILE_NAME}`);
  });

  it('gzip -9 of the same text is the same bytes every time (a re-run commits no change)', async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir('/a');
    await writeJsonText('/a/one.json.gz', plainRecord(SECOND), fs);
    await writeJsonText('/a/two.json.gz', plainRecord(SECOND), fs);
    expect(Buffer.from(fs.readBinary('/a/one.json.gz')!).equals(Buffer.from(fs.readBinary('/a/two.json.gz')!))).toBe(true);
  });

  it('bench merge writes the compact record as record.json.gz (no plain record.json), the record of the results.json beside it', async () => {
    const run = perRunnerRun({ mesh: 'linkerd', p50Us: { baseline: 290, unmeshed: 292, mesh: 410 }, hostname: 'fv-az401', cpuModel: 'AMD EPYC 9V74 80-Core Processor', createdAt: '2026-12-01T02:18:00.000Z', seed: 21, strata: 40 });
    const fs = new MemoryFileSystem({ [`/ws/downloaded/linkerd/${run.runId}/results.json`]: `${JSON.stringify(run, null, 2)}\n` });
    const out: string[] = [];
    const code = await mergeCommand({ inputs: [`/ws/downloaded/linkerd/${run.runId}`], outDir: '/ws/merged', deps: { fs, cwd: '/ws' }, io: { out: (t) => void out.push(t), err: () => {} } });
    expect(code).toBe(ExitCode.ok);
    const [jsonPath, recordPath] = out.join('').trim().split('\n');
    expect(recordPath).toMatch(new RegExp(`^/ws/merged/[^/]+/${RECORD_FILE_NAME.replaceAll('.', '\\.')}$`));
    const dir = recordPath!.slice(0, -RECORD_FILE_NAME.length - 1);
    expect(await fs.readdir(dir)).not.toContain(PLAIN_RECORD_FILE_NAME);
    const merged = (await readRun(jsonPath!, { fs })).full!;
    expect(gunzipSync(fs.readBinary(recordPath!)!).toString('utf8')).toBe(serializeRecord(makeRecord(merged)));
  }, 60_000);

  it('bench compare writes --compact-json and --json gzip when the path ends in .gz and as text otherwise: the same JSON', async () => {
    const fs = new MemoryFileSystem({
      [`/results/${SECOND}/record.json`]: plainRecord(SECOND),
      [`/results/${THIRD}/record.json`]: plainRecord(THIRD),
    });
    await fs.mkdir('/out');
    const compare = (flags: { compactJson: string; json: string }) =>
      compareCommand({ paths: [`/results/${SECOND}`, `/results/${THIRD}`], flags, deps: { fs, cwd: '/' }, io: quiet });
    const codeGz = await compare({ compactJson: `/out/${COMPARE_REPORT_FILE_NAME}`, json: '/out/full.json.gz' });
    const codePlain = await compare({ compactJson: '/out/compare.json', json: '/out/full.json' });
    expect(codeGz).toBe(codePlain);
    for (const [gz, plain] of [[`/out/${COMPARE_REPORT_FILE_NAME}`, '/out/compare.json'], ['/out/full.json.gz', '/out/full.json']] as const) {
      const text = fs.read(plain)!;
      expect(JSON.parse(text)).toMatchObject({ kind: 'mesh-bench/compare' });
      expect(gunzipSync(fs.readBinary(gz)!).toString('utf8'), gz).toBe(text);
    }
  });
});
