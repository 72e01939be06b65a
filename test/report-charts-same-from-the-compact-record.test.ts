import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { readRun } from '../src/history/read-run.js';
import { recordReportView } from '../src/history/record-view.js';
import { renderChartFiles } from '../src/report/charts/report-charts.js';
import { mergedNight, nightlyRunnerRuns } from './helpers/nightly-merge-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'record-charts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('charts redrawn from a compact record', () => {
  it('are the bytes drawn from the full results.json: every chart, the spectrum read from re-binned histograms included', async () => {
    const merged = mergedNight(nightlyRunnerRuns({ strata: 200, meshes: ['istio', 'linkerd'] }));
    const file = join(root, 'record.json');
    writeFileSync(file, serializeRecord(makeRecord(merged)));
    const read = await readRun(file, { fs: new NodeFileSystem() });
    expect(read.full).toBeNull();
    const fromFull = await renderChartFiles(merged);
    const fromRecord = await renderChartFiles(recordReportView(read.record));
    // The kinds a nightly draws are all there, so none is compared vacuously.
    for (const kind of ['spectrum', 'added-latency', 'latency-vs-load', 'memory']) {
      expect(fromFull.some((c) => c.path.includes(kind))).toBe(true);
    }
    expect(fromRecord.map((c) => c.path)).toEqual(fromFull.map((c) => c.path));
    for (const [i, chart] of fromFull.entries()) expect(fromRecord[i]!.svg, chart.path).toBe(chart.svg);
  }, 120_000);
});
