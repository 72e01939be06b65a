import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { mergedNight, nightlyRunnerRuns } from './helpers/nightly-merge-fixture.js';

describe('the compact record of a nightly', () => {
  it('stores nine systems × the default scenario (8 runners: mesh, unmeshed, baseline) in at most 300 KB of git objects', () => {
    const merged = mergedNight(nightlyRunnerRuns({ strata: 2000 }));
    expect(merged.systems).toHaveLength(24);
    expect(merged.systems.every((s) => s.steps.length === 6 && s.steps.every((st) => st.repetitions.length === 5))).toBe(true);
    const full = JSON.stringify(merged, null, 2);
    const record = serializeRecord(makeRecord(merged));
    // Git stores every file zlib-deflated ("blob <size>\0<content>"): what the repository grows by each night.
    const stored = deflateSync(`blob ${Buffer.byteLength(record)}\0${record}`).length;
    console.log(`results.json ${full.length} bytes; record.json ${record.length} bytes, ${stored} bytes as a git object`);
    expect(stored).toBeLessThanOrEqual(300_000);
    // Per-repetition histograms and per-container samples stay in the artefact: the record is a small fraction of it.
    expect(record.length * 10).toBeLessThan(full.length);
  }, 120_000);
});
