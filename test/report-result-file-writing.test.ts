import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { REPORT_FILE_NAME, RESULT_FILE_NAME, resultDirName, writeRunResult } from '../src/report/result-file.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const fixture = loadTwoSystemFixture();

describe('writeRunResult', () => {
  it('creates the directory, then writes results.json and report.md, each atomically', async () => {
    const fs = new MemoryFileSystem();
    const paths = await writeRunResult('/results/2026-11-21T05-49-00Z-two-systems', fixture, { fs });
    expect(paths).toEqual({
      jsonPath: '/results/2026-11-21T05-49-00Z-two-systems/results.json',
      reportPath: '/results/2026-11-21T05-49-00Z-two-systems/report.md',
    });
    expect(fs.calls).toEqual([
      { op: 'mkdir', path: '/results/2026-11-21T05-49-00Z-two-systems' },
      { op: 'writeFileAtomic', path: '/results/2026-11-21T05-49-00Z-two-systems/results.json' },
      { op: 'writeFileAtomic', path: '/results/2026-11-21T05-49-00Z-two-systems/report.md' },
    ]);
    expect(RESULT_FILE_NAME).toBe('results.json');
    expect(REPORT_FILE_NAME).toBe('report.md');
  });

  it('writes the result as 2-space JSON with a trailing newline', async () => {
    const fs = new MemoryFileSystem();
    const { jsonPath } = await writeRunResult('/out', fixture, { fs });
    const text = fs.read(jsonPath) ?? '';
    expect(text).toBe(`${JSON.stringify(fixture, null, 2)}\n`);
    expect(text.startsWith('{\n  "schemaVersion": 1,\n  "kind": "mesh-bench/run",\n')).toBe(true);
  });

  it('writes the report rendered from the JSON it wrote', async () => {
    const fs = new MemoryFileSystem();
    const { jsonPath, reportPath } = await writeRunResult('/out', fixture, { fs });
    expect(fs.read(reportPath)).toBe(renderMarkdown(JSON.parse(fs.read(jsonPath) ?? '') as RunResult));
  });

  it('refuses an invalid result as a harness bug, writing nothing', async () => {
    const fs = new MemoryFileSystem();
    const broken = structuredClone(fixture);
    const rep = broken.systems[0]?.steps[1]?.repetitions[0];
    if (!rep) throw new Error('fixture changed');
    rep.counts.sent = -1;
    await expect(writeRunResult('/out', broken, { fs })).rejects.toThrow(
      'refusing to write an invalid run result (a harness bug):\nsystems[0].steps[1].repetitions[0].counts.sent: must be >= 0',
    );
    expect(fs.calls).toEqual([]);
    expect(fs.files.size).toBe(0);
  });

  it('passes on a failed write, leaving the complete results.json in place', async () => {
    const fs = new MemoryFileSystem().failOn('writeFileAtomic', '/out/report.md', 'ENOSPC');
    await expect(writeRunResult('/out', fixture, { fs })).rejects.toThrow("ENOSPC: no space left on device, writeFileAtomic '/out/report.md'");
    expect(fs.read('/out/results.json')).toBe(`${JSON.stringify(fixture, null, 2)}\n`);
    expect(fs.read('/out/report.md')).toBeUndefined();
  });

  it('replaces the files of an earlier write of the same run (results are rewritten after every system)', async () => {
    const fs = new MemoryFileSystem();
    const partial = { ...structuredClone(fixture), systems: fixture.systems.slice(0, 1), comparisons: [] };
    await writeRunResult('/out', partial, { fs });
    await writeRunResult('/out', fixture, { fs });
    expect(fs.read('/out/results.json')).toBe(`${JSON.stringify(fixture, null, 2)}\n`);
    expect(fs.read('/out/report.md')).toBe(renderMarkdown(fixture));
  });
});

describe('resultDirName', () => {
  it('is the UTC creation time to the second, then the scenario name', () => {
    expect(resultDirName(new Date('2026-11-21T05:49:00.123Z'), 'smoke')).toBe('2026-11-21T05-49-00Z-smoke');
  });

  it('uses UTC whatever offset the date was given in', () => {
    expect(resultDirName(new Date('2026-11-21T06:49:00+01:00'), 'smoke')).toBe('2026-11-21T05-49-00Z-smoke');
  });

  it('keeps only filesystem-safe characters of the scenario name', () => {
    expect(resultDirName(new Date('2026-01-02T03:04:05Z'), 'multi hop / 2:1 ')).toBe('2026-01-02T03-04-05Z-multi-hop-2-1');
    expect(resultDirName(new Date('2026-01-02T03:04:05Z'), '../..')).toBe('2026-01-02T03-04-05Z');
  });

  it('sorts by creation time', () => {
    const names = ['2026-11-21T05:49:00Z', '2026-02-01T00:00:00Z', '2026-11-21T05:48:59Z', '2025-12-31T23:59:59Z'].map((t) =>
      resultDirName(new Date(t), 'smoke'),
    );
    expect([...names].sort()).toEqual([names[3], names[1], names[2], names[0]]);
  });
});
