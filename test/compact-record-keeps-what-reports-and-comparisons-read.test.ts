import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../src/analysis/histogram.js';
import { comparisons } from '../src/pipeline/run-benchmark.js';
import { usableRepetitions } from '../src/analysis/repetitions.js';
import { InputError } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import type { RunResult } from '../src/core/result-schema.js';
import { DENSE_HISTOGRAM_ENCODING, denseFromHdr, hdrFromDense } from '../src/history/dense-histogram.js';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { readRun } from '../src/history/read-run.js';
import type { RunRecord } from '../src/history/record-schema.js';
import { roundFigures, roundToOdd } from '../src/history/round-figures.js';
import { readRunResult } from '../src/report/result-file.js';
import { writeUnder } from './helpers/history-fixtures.js';
import { invalidateRepetition, perRunnerRun } from './helpers/per-runner-run-factory.js';

const fs = new NodeFileSystem();
let root: string;
let run: RunResult;
let record: RunRecord;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'record-test-'));
  run = perRunnerRun({ mesh: 'istio', p50Us: { baseline: 300, unmeshed: 304, mesh: 390 }, hostname: 'fv-az1', cpuModel: 'AMD EPYC 7763 64-Core Processor', createdAt: '2026-11-30T02:17:00.000Z', seed: 3, strata: 300 });
  // One invalid repetition, as the pipeline marks a repetition measured while the target changed.
  invalidateRepetition(run, { system: 1, step: 2, repetition: 3 }, 'target not intact: pod mesh-bench/server-1 was replaced during the step');
  run.comparisons = comparisons(run);
  record = makeRecord(run);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (name: string, text: string): string => writeUnder(root, name, text);

/** Whether a string of a record's table is a merged histogram in the dense encoding (it decodes to HdrHistogram's). */
function denseHistogram(s: string): boolean {
  try {
    return hdrFromDense(s).startsWith('HIST');
  } catch {
    return false;
  }
}

async function refusal(file: string): Promise<string> {
  const error = await readRun(file, { fs }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return (error as Error).message;
}

describe('the compact record', () => {
  it('keeps every per-repetition number the statistics use: status, reasons, basis percentiles, throughput, memory and CPU per role', () => {
    run.systems.forEach((sys, si) =>
      sys.steps.forEach((step, ti) => {
        const cols = record.systems[si]!.steps[ti]!.repetitions;
        const basis = step.aggregate.latencyBasis;
        expect(cols.repetition).toEqual(step.repetitions.map((r) => r.repetition));
        expect(cols.status).toEqual(step.repetitions.map((r) => r.status));
        expect(cols.invalidReasons).toEqual(step.repetitions.map((r) => r.invalidReasons));
        // Figures are kept to 7 significant digits (round-figures.ts), integers as they are.
        expect(cols.throughput).toEqual(step.repetitions.map((r) => roundToOdd(r.throughput)));
        cols.throughput.forEach((t, i) => expect(Math.abs(t - step.repetitions[i]!.throughput)).toBeLessThanOrEqual(step.repetitions[i]!.throughput * 1e-6));
        for (const key of ['p50Us', 'p99Us', 'p999Us'] as const) {
          expect(cols[key]).toEqual(step.repetitions.map((r) => r.latency[basis]!.summary[key]));
        }
        for (const [role, series] of Object.entries(cols.resources!.roles)) {
          const full = step.repetitions.map((r) => r.resources!.roles[role as 'workload']);
          // To the KiB and the microcore (what a 10% gate cannot tell apart), stored as whole KiB and microcores.
          expect(series.memoryMeanBytes).toEqual(full.map((x) => Math.round(x.memoryMeanBytes / 1024) * 1024));
          full.forEach((x, i) => expect(series.cpuMeanCores[i]).toBeCloseTo(x.cpuMeanCores, 6));
        }
        // Roles nobody had are left out; the ones present are exactly those with containers.
        expect(Object.keys(cols.resources!.roles).sort()).toEqual(
          Object.entries(step.repetitions[0]!.resources!.roles).filter(([, r]) => r.containers > 0).map(([k]) => k).sort(),
        );
        expect(cols.invalidReasons.flat().length).toBe(usableRepetitions(step.repetitions, basis).length === step.repetitions.length ? 0 : 1);
      }),
    );
    expect(record.systems[1]!.steps[2]!.repetitions.status[3]).toBe('invalid');
  });

  it('keeps aggregates and comparisons to 7 significant digits, and the merged histogram with the same count within 1% per percentile', () => {
    expect(record.comparisons).toEqual(roundFigures(run.comparisons));
    run.systems.forEach((sys, si) =>
      sys.steps.forEach((step, ti) => {
        const kept = record.systems[si]!.steps[ti]!.aggregate;
        const { mergedHistogram: a, ...restFull } = step.aggregate;
        const { mergedHistogram: b, ...restKept } = kept;
        // The cost per 1000 req/s's undivided `raw` figures, and that cost for the `other` role, are left out: nothing
        // reads them from a record.
        const expected = roundFigures(structuredClone(restFull));
        for (const cost of Object.values(expected.perThousandRps ?? {})) delete (cost as { raw?: unknown }).raw;
        if (expected.perThousandRps) delete expected.perThousandRps.other;
        expect(kept.perThousandRps?.other).toBeUndefined();
        if (expected.dataPlanePerThousandRps) delete (expected.dataPlanePerThousandRps as { raw?: unknown }).raw;
        expect(Object.keys(kept.perThousandRps ?? {}).length).toBeGreaterThan(0);
        expect(restKept).toEqual(expected);
        const full = decodeHistogram(a!);
        const compact = decodeHistogram(b!);
        expect(compact.totalCount).toBe(full.totalCount);
        for (const q of [50, 90, 99, 99.9, 99.99]) {
          expect(Math.abs(compact.getValueAtPercentile(q) - full.getValueAtPercentile(q))).toBeLessThanOrEqual(full.getValueAtPercentile(q) * 0.01);
        }
        expect(b!.data.length).toBeLessThan(a!.data.length);
      }),
    );
  });

  it('reads back: a results.json and its record.json give the same record', async () => {
    const full = write('run/results.json', `${JSON.stringify(run, null, 2)}\n`);
    const compact = write('run-record/record.json', serializeRecord(record));
    const fromFull = await readRun(full, { fs });
    const fromRecord = await readRun(join(root, 'run-record'), { fs });
    expect(fromFull.full).not.toBeNull();
    expect(fromRecord.full).toBeNull();
    expect(fromRecord.path).toBe(compact);
    expect(fromRecord.record).toEqual(JSON.parse(JSON.stringify(fromFull.record)));
  });

  it('stores each merged histogram in the shorter of the dense encoding (record schema 4) and HdrHistogram\'s, the dense one reading back to the very same string', () => {
    const text = serializeRecord(record);
    const stored = (JSON.parse(text) as { strings: Array<string | number[]> }).strings.filter((e): e is string => typeof e === 'string');
    const histograms = record.systems.flatMap((s) => s.steps.flatMap((st) => (st.aggregate.mergedHistogram ? [st.aggregate.mergedHistogram.data] : [])));
    expect(histograms.length).toBeGreaterThan(0);
    expect(stored).toContain(DENSE_HISTOGRAM_ENCODING);
    let denser = 0;
    for (const h of histograms) {
      const dense = denseFromHdr(h);
      expect(dense).not.toBeNull();
      expect(hdrFromDense(dense!)).toBe(h);
      const shorter = dense!.length < h.length;
      if (shorter) denser++;
      expect(stored).toContain(shorter ? dense : h);
      expect(stored).not.toContain(shorter ? h : dense);
    }
    expect(denser).toBeGreaterThan(histograms.length / 2);
  });

  it('reads a record of schema 3 (histograms in HdrHistogram\'s encoding, as committed before) as the same record', async () => {
    // Written as schema 4 (every comparison's figures and every role stored), with the histograms of a 3.
    const stored = JSON.parse(serializeRecord(record, 4)) as { schemaVersion: number; strings: Array<string | number[]> };
    const v3 = {
      ...stored,
      schemaVersion: 3,
      strings: stored.strings.map((e) => (typeof e !== 'string' ? e : e === DENSE_HISTOGRAM_ENCODING ? 'hdr-compressed-base64' : denseHistogram(e) ? hdrFromDense(e) : e)),
    };
    expect(JSON.stringify(v3)).not.toContain(DENSE_HISTOGRAM_ENCODING);
    const file = write('v3/record.json', JSON.stringify(v3));
    expect((await readRun(file, { fs })).record).toEqual(JSON.parse(JSON.stringify(record)));
  });

  it('reads a record of schema 4 (every comparison\'s figures and every role stored, as committed before) as the same record', async () => {
    const text = serializeRecord(record, 4);
    expect(JSON.parse(text).schemaVersion).toBe(4);
    expect(text.length).toBeGreaterThan(serializeRecord(record).length);
    const file = write('v4/record.json', text);
    expect((await readRun(file, { fs })).record).toEqual(JSON.parse(JSON.stringify(record)));
  });

  it('is refused with one line naming the file and the field when it is of another version or contradicts itself', async () => {
    const text = serializeRecord(record);
    const v6 = write('v6/record.json', text.replace('"schemaVersion":5', '"schemaVersion":6'));
    expect(await refusal(v6)).toBe(`${v6}: schemaVersion: unsupported record schema version 6 (this harness reads 2, 3, 4 and 5)`);

    // A merged histogram stored densely (record schema 4, dense-histogram.ts) that does not decode is named.
    const stored = JSON.parse(text) as { strings: Array<string | number[]> };
    const dense = stored.strings.findIndex((e) => typeof e === 'string' && denseHistogram(e));
    expect(dense).toBeGreaterThanOrEqual(0);
    const broken = write('broken-histogram/record.json', JSON.stringify({ ...stored, strings: stored.strings.map((e, i) => (i === dense ? 'AAAA' : e)) }));
    expect(await refusal(broken)).toMatch(new RegExp(`^${broken}: systems\\[\\d+\\]\\.steps\\[\\d+\\]\\.aggregate\\.mergedHistogram: does not decode as a dense histogram \\(.+\\)$`));

    // A phrase of the string table stored as its words' indices (pack-record.ts) must name words, not another phrase.
    const table = JSON.parse(text) as { strings: Array<string | number[]> };
    const phrase = table.strings.findIndex((e) => Array.isArray(e));
    expect(phrase).toBeGreaterThanOrEqual(0);
    const misnamed = write('misnamed/record.json', JSON.stringify({ ...JSON.parse(text), strings: table.strings.map((e, i) => (i === phrase ? [phrase] : e)) }));
    expect(await refusal(misnamed)).toBe(`${misnamed}: strings: strings[${phrase}] names entry ${phrase}, which is not a stored word (${table.strings.length} entries)`);

    const data = structuredClone(record);
    data.systems[0]!.steps[1]!.repetitions.p99Us.pop();
    const short = write('short/record.json', serializeRecord(data));
    expect(await refusal(short)).toBe(`${short}: systems[0].steps[1].repetitions.p99Us: has 4 entries for 5 repetitions`);

    // On disk a step is a template and its numbers (pack-record.ts): one number too few is named, not unpacked wrong.
    const packed = JSON.parse(text) as { systems: Array<{ steps: Array<{ t: number; n: number[] }> }> };
    const cut = packed.systems[0]!.steps[1]!;
    cut.n.pop();
    const truncated = write('truncated/record.json', JSON.stringify(packed));
    expect(await refusal(truncated)).toBe(`${truncated}: systems[0].steps[1]: has ${cut.n.length} numbers, but template ${cut.t} has more places for numbers`);

    const other = write('other.json', JSON.stringify({ kind: 'mesh-bench/calibration' }));
    expect(await refusal(other)).toBe(
      `${other}: kind: not a mesh-bench run result or record (kind is "mesh-bench/calibration", expected "mesh-bench/run" or "mesh-bench/record")`,
    );
  });

  it('is not a results file: reading it as one says so in one line', async () => {
    const file = write('report-of-record/record.json', serializeRecord(record));
    const error = await readRunResult(file, { fs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(
      `${file}: kind: is a compact record, not a full results.json (the workflow's artefact has it)`,
    );
  });

  it('leaves out per-repetition histograms, which a results.json must have', async () => {
    expect(serializeRecord(record)).not.toContain('"histogram"');
    const stripped = JSON.parse(JSON.stringify(run)) as { systems: Array<{ steps: Array<{ repetitions: Array<{ latency: { sent: Record<string, unknown> } }> }> }> };
    delete stripped.systems[0]!.steps[0]!.repetitions[0]!.latency.sent['histogram'];
    const file = write('stripped/results.json', JSON.stringify(stripped));
    const error = await readRunResult(file, { fs }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`${file}: systems[0].steps[0].repetitions[0].latency.sent.histogram: missing (expected object)`);
  });
});
