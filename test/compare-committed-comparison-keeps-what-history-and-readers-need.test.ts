import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareCommand } from '../src/cli/commands/compare-command.js';
import { compactCompareReport, compactCompareReportSchema, serializeCompactCompareReport, tableEntries } from '../src/compare/compact-report.js';
import { COMPARE_REPORT_FILE_NAME, compareReportSchema, type CompareReport } from '../src/compare/compare-report.js';
import { renderCompactMarkdown } from '../src/compare/render-compact-markdown.js';
import { ExitCode } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { gzipText } from '../src/history/gzip-json-file.js';
import { serializeRecord } from '../src/history/make-record.js';
import { readHistory } from '../src/history/read-history.js';
import { renderHistory } from '../src/history/render-history.js';
import { RECORD_FILE_NAME } from '../src/history/record-schema.js';
import { syntheticRecord } from './helpers/compare-run-factory.js';

/**
 * Five committed nights: istio unchanged but noisy; on the fifth, linkerd's latency +250 µs and its sidecar's memory
 * +20% (CPU unchanged). The nightly's compare step runs on them, writing the compact pair into the night's directory
 * and the full pair elsewhere (the artefact).
 */
const P50 = [1000, 1010, 990, 1005, 995];
const MEMORY = [100e6, 101e6, 99e6, 100.5e6, 99.5e6];
const CPU = [0.2, 0.201, 0.199, 0.2005, 0.1995];

function night(day: number, linkerdShift: number, memoryFactor: number) {
  return syntheticRecord({
    runId: `2026-11-0${day}T02-00-00Z-nightly`,
    createdAt: `2026-11-0${day}T02:00:00.000Z`,
    systems: {
      istio: { r1000: { p50s: [900, 1300, 1000, 1150, 1050].map((v) => v + day * 7) } },
      linkerd: {
        r1000: { p50s: P50.map((v) => v + linkerdShift), resources: { role: 'sidecar-proxy', memoryBytes: MEMORY.map((m) => m * memoryFactor), cpuCores: CPU } },
      },
    },
  });
}

const fs = new NodeFileSystem();
let root = '';
let results = '';
const NEW = '2026-11-05T02-00-00Z-nightly';
let code: number;
let full: CompareReport;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'compare-committed-'));
  results = join(root, 'results');
  const nights = [night(1, 10, 1), night(2, -10, 1.01), night(3, 5, 0.99), night(4, 0, 1), night(5, 250, 1.2)];
  for (const n of nights) {
    mkdirSync(join(results, n.runId), { recursive: true });
    // As the nightly commits them: gzip-compressed (src/history/gzip-json-file.ts).
    writeFileSync(join(results, n.runId, RECORD_FILE_NAME), gzipText(serializeRecord(n)));
  }
  const io = { out: () => undefined, err: () => undefined };
  code = await compareCommand({
    paths: [join(results, '2026-11-04T02-00-00Z-nightly'), join(results, NEW)],
    flags: {
      history: results,
      compactJson: join(results, NEW, COMPARE_REPORT_FILE_NAME),
      compactOut: join(results, NEW, 'compare.md'),
      json: join(root, 'artefact', 'compare-full.json'),
      out: join(root, 'artefact', 'compare-full.md'),
    },
    deps: { fs, cwd: root },
    io,
  });
  full = compareReportSchema.parse(JSON.parse(readFileSync(join(root, 'artefact', 'compare-full.json'), 'utf8')));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A file of the night's directory as text: the committed JSON is gzip-compressed (zcat's view of it). */
const committed = (name: string): string => (name.endsWith('.gz') ? gunzipSync(readFileSync(join(results, NEW, name))).toString('utf8') : readFileSync(join(results, NEW, name), 'utf8'));

describe('the comparison a night commits (--compact-json, --compact-out)', () => {
  it('is the compact form of the full report written to --json beside it, and the gate exits as on the full one', () => {
    expect(code).toBe(ExitCode.regression);
    expect(full.regressions).toBe(4);
    expect(committed(COMPARE_REPORT_FILE_NAME)).toBe(serializeCompactCompareReport(compactCompareReport(full)));
  });

  it('bench history reads it and writes the same README as from the full report', async () => {
    const fromCompact = renderHistory(await readHistory(results, { fs }));
    expect(fromCompact).toContain(`### ${NEW} vs 2026-11-04T02-00-00Z-nightly`);
    expect(fromCompact).toContain(`**4** (vs 2026-11-04T02-00-00Z-nightly)`);
    for (const metric of ['p50', 'p99', 'p999', 'memory:sidecar-proxy']) expect(fromCompact).toMatch(new RegExp(`\\| linkerd \\| r1000 \\| ${metric} \\|`));
    const compact = committed(COMPARE_REPORT_FILE_NAME);
    try {
      writeFileSync(join(results, NEW, COMPARE_REPORT_FILE_NAME), gzipText(readFileSync(join(root, 'artefact', 'compare-full.json'), 'utf8')));
      expect(renderHistory(await readHistory(results, { fs }))).toBe(fromCompact);
    } finally {
      writeFileSync(join(results, NEW, COMPARE_REPORT_FILE_NAME), gzipText(compact));
    }
  });

  it('keeps every regression, improvement and change within the noise floor with its exact figures, floor, reason and what it covers', () => {
    const compact = compactCompareReportSchema.parse(JSON.parse(committed(COMPARE_REPORT_FILE_NAME)));
    const stated = full.rows.filter((r) => r.verdict === 'regression' || r.verdict === 'improvement' || r.verdict === 'within-noise-floor');
    expect(stated.length).toBeGreaterThan(0);
    expect(compact.rows).toHaveLength(stated.length);
    expect(stated).toMatchObject(compact.rows);
    for (const row of compact.rows) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['old', 'new', 'change', 'changeFraction', 'pValue', 'noiseFloor', 'reason', 'covers']));
    }
  });

  it('lists every latency and throughput row, and memory and CPU only when significant, with rounded figures; counts every row', () => {
    const compact = compactCompareReportSchema.parse(JSON.parse(committed(COMPARE_REPORT_FILE_NAME)));
    const entries = tableEntries(compact);
    const listed = full.rows.filter((r) => r.kind === 'latency' || r.kind === 'throughput' || !['not-significant', 'not-judged'].includes(r.verdict));
    // Istio's latency and throughput, linkerd's and its sidecar memory (significant); the CPU row is not significant.
    expect(entries.map((e) => `${e.pair.newSystem} ${e.metric.id}`)).toEqual(listed.map((r) => `${r.newSystem} ${r.metric}`));
    expect(entries.some((e) => e.metric.id === 'memory:sidecar-proxy')).toBe(true);
    expect(entries.some((e) => e.metric.kind === 'cpu')).toBe(false);
    expect(compact.counts.cpu['not-significant']).toBe(1);
    const counted = Object.values(compact.counts).flatMap((byVerdict) => Object.values(byVerdict));
    expect(counted.reduce((a, b) => a + b, 0)).toBe(full.rows.length);
    entries.forEach((e, i) => {
      const row = listed[i]!;
      const round = (x: number | null): number | null => (x === null ? null : row.unit === 'us' ? Math.round(x) : Number(x.toPrecision(4)));
      expect([e.verdict, e.step, e.covers, e.pair.sameMachine]).toEqual([row.verdict, row.step, row.covers, row.sameMachine]);
      expect([e.oldMedian, e.change, e.minimumDetectable]).toEqual([round(row.old.median), round(row.change?.value ?? null), round(row.minimumDetectable)]);
      expect(e.pValue).toBe(row.pValue === null ? null : Number(row.pValue.toPrecision(4)));
      if (row.unit === 'us') expect([e.oldMedian, e.change].every((x) => x === null || Number.isInteger(x))).toBe(true);
    });
    // Repeated strings are stored once, in the table's header: its rows are numbers only.
    expect(JSON.stringify(compact.table.rows)).not.toContain('"');
    expect(compact.table.steps).toEqual(['r1000']);
    expect(new Set(compact.table.covers).size).toBe(compact.table.covers.length);
  });

  it('its markdown is a pure function of the committed JSON, says what it leaves out, and answers first', () => {
    const md = committed('compare.md');
    expect(renderCompactMarkdown(compactCompareReportSchema.parse(JSON.parse(committed(COMPARE_REPORT_FILE_NAME))))).toBe(md);
    expect(md).toMatch(/^# Comparison of two runs\n\n\*\*Outcome: 4 regressions\*\* \(exit code 5\)\./);
    expect(md.indexOf('## Regressions')).toBeLessThan(md.indexOf('## Latency and throughput'));
    expect(md).toContain('- linkerd r1000 memory sidecar-proxy: +');
    expect(md).toContain('and 1 of 2 memory and CPU rows (those with a significant change');
    expect(md).toContain('full report (`bench compare --json`');
  });

  it('a compact file whose table points past its lists is refused, naming the field', () => {
    const data = JSON.parse(committed(COMPARE_REPORT_FILE_NAME));
    data.table.rows[0][1] = 99;
    const parsed = compactCompareReportSchema.safeParse(data);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['table', 'rows', 0, 1]);
    expect(parsed.error?.issues[0]?.message).toBe('index 99 is out of range (1 entries)');
  });
});
