import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import type { RunResult } from '../src/core/result-schema.js';
import { DERIVED_COMPARISON_FIELDS } from '../src/history/derived-comparisons.js';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { unpack, storedStrings, type PackedItem } from '../src/history/pack-record.js';
import { readRun } from '../src/history/read-run.js';
import type { RunRecord } from '../src/history/record-schema.js';
import { comparisons } from '../src/pipeline/run-benchmark.js';
import { writeUnder } from './helpers/history-fixtures.js';
import { invalidateRepetition, perRunnerRun } from './helpers/per-runner-run-factory.js';

const fs = new NodeFileSystem();
let root: string;
let run: RunResult;
let record: RunRecord;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'record-derived-'));
  run = perRunnerRun({ mesh: 'istio', p50Us: { baseline: 300, unmeshed: 304, mesh: 390 }, hostname: 'fv-az1', cpuModel: 'AMD EPYC 7763 64-Core Processor', createdAt: '2026-11-30T02:17:00.000Z', seed: 5, strata: 300 });
  // An invalid repetition on each side of a comparison: the recomputed tests must leave it out as the pipeline did.
  for (const i of [0, 2]) invalidateRepetition(run, { system: i, step: 1, repetition: i }, 'achieved rate 960/1000 req/s (96.0%)');
  run.comparisons = comparisons(run);
  record = makeRecord(run);
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (name: string, text: string): string => writeUnder(root, name, text);

/** The comparisons as record.json stores them, unpacked (pack-record.ts) but not restored. */
function storedComparisons(text: string): Array<Record<string, unknown>> {
  const data = JSON.parse(text) as { strings: Array<string | number[]>; templates: unknown[]; comparisons: PackedItem[] };
  const strings = storedStrings(data.strings);
  return data.comparisons.map((c) => unpack(c, data.templates, strings) as Record<string, unknown>);
}

describe('a compact record of schema 5', () => {
  it('leaves out the comparisons\' shifts, intervals and p-values, which its columns give again, and reads back the same comparisons', async () => {
    expect(record.comparisons.length).toBeGreaterThan(4);
    const text = serializeRecord(record);
    expect(JSON.parse(text).schemaVersion).toBe(5);
    const stored = storedComparisons(text);
    for (const c of stored) for (const field of DERIVED_COMPARISON_FIELDS) expect(c, `${c['system']} vs ${c['reference']} at ${c['step']}`).not.toHaveProperty(field);
    const file = write('derived/record.json', text);
    const read = (await readRun(file, { fs })).record;
    expect(read.comparisons).toEqual(JSON.parse(JSON.stringify(record.comparisons)));
    // The figures a reader sees are the ones the pipeline computed from every repetition (rounded as the record rounds).
    const istio = read.comparisons.find((c) => c.system === 'istio' && c.reference === 'istio/unmeshed' && c.step === run.systems[2]!.steps[1]!.name)!;
    const valid = (id: string): number => run.systems.find((x) => x.id === id)!.steps[1]!.repetitions.filter((r) => r.status === 'valid').length;
    expect(istio.repetitions).toEqual({ reference: valid('istio/unmeshed'), system: valid('istio') });
    expect(istio.repetitions.reference + istio.repetitions.system).toBe(9);
    expect(istio.p50!.shift.value).toBeGreaterThan(50);
  });

  it('keeps a comparison\'s figures stored when its columns would not give them back (a p-value seeded before a merge renamed the reference)', async () => {
    const changed = structuredClone(record);
    const target = changed.comparisons[0]!;
    target.p99!.pValue = 0.0123457;
    target.pValueP99 = 0.0123457;
    const text = serializeRecord(changed);
    const stored = storedComparisons(text);
    expect(stored[0]).toHaveProperty('p99');
    expect(stored[0]).toHaveProperty('p50');
    for (const c of stored.slice(1)) expect(c).not.toHaveProperty('p99');
    const read = (await readRun(write('kept/record.json', text), { fs })).record;
    expect(read.comparisons).toEqual(JSON.parse(JSON.stringify(changed.comparisons)));
    expect(read.comparisons[0]!.p99!.pValue).toBe(0.0123457);
  });

  it('leaves out of each step\'s resources the roles no container had, and reads them back as all zeros', async () => {
    const text = serializeRecord(record);
    const data = JSON.parse(text) as { strings: Array<string | number[]>; templates: unknown[]; systems: Array<{ system: PackedItem; steps: PackedItem[] }> };
    const strings = storedStrings(data.strings);
    const baseline = record.systems.findIndex((s) => s.id === 'baseline');
    const idle = Object.entries(record.systems[baseline]!.steps[0]!.aggregate.resources!).filter(([, r]) => r.containers === 0).map(([role]) => role);
    expect(idle).toContain('sidecar-proxy');
    const stored = unpack(data.systems[baseline]!.steps[0]!, data.templates, strings) as { aggregate: { resources: Record<string, unknown> } };
    for (const role of idle) expect(stored.aggregate.resources).not.toHaveProperty(role);
    expect(stored.aggregate.resources).toHaveProperty('workload');
    const read = (await readRun(write('idle/record.json', text), { fs })).record;
    expect(read.systems[baseline]!.steps[0]!.aggregate.resources!['sidecar-proxy']).toEqual({ memoryMeanBytes: 0, memoryMaxBytes: 0, cpuMeanCores: 0, cpuMaxCores: 0, samples: 0, containers: 0 });
    expect(read.systems).toEqual(JSON.parse(JSON.stringify(record.systems)));
  });

  it('is refused in one line naming the field when a comparison whose figures it left out names a system it does not hold', async () => {
    const text = serializeRecord(record);
    const data = JSON.parse(text) as { strings: Array<string | number[]>; templates: unknown[]; systems: Array<{ system: PackedItem }> };
    const strings = storedStrings(data.strings);
    const reference = record.comparisons[0]!.reference;
    const index = data.systems.findIndex((s) => (unpack(s.system, data.templates, strings) as { id: string }).id === reference);
    expect(index).toBeGreaterThanOrEqual(0);
    const parsed = { ...data, systems: data.systems.filter((_, i) => i !== index) };
    const file = write('missing/record.json', JSON.stringify(parsed));
    const error = await readRun(file, { fs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(new RegExp(`^${file}: comparisons\\[\\d+\\]\\.reference: names no system with a step "[^"]+" whose repetitions give this comparison's figures$`));
  });
});
