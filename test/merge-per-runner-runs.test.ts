import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeCommand } from '../src/cli/commands/merge-command.js';
import { ExitCode, InputError } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import type { RunResult } from '../src/core/result-schema.js';
import { readRun } from '../src/history/read-run.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { perRunnerRun } from './helpers/per-runner-run-factory.js';

const fs = new NodeFileSystem();
let root: string;
let runs: RunResult[];
let files: string[];

function bufferIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

/** Writes a run as its runner's job leaves it: `<root>/<job>/results/<runId>/results.json`. */
function writeRun(job: string, run: RunResult): string {
  const dir = join(root, job, 'results', run.runId);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'results.json');
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
  return file;
}

async function merge(inputs: string[], out: string) {
  const b = bufferIo();
  const code = await mergeCommand({ inputs, outDir: out, deps: { fs, cwd: root }, io: b.io });
  return { code, out: b.out.join(''), err: b.err.join('') };
}

async function refusal(inputs: string[], out: string): Promise<string> {
  const error = await merge(inputs, out).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).exitCode).toBe(ExitCode.invalidInput);
  return (error as Error).message;
}

const meshes = [
  { mesh: 'istio-ambient', cpu: 'AMD EPYC 7763 64-Core Processor', p50: { baseline: 300, unmeshed: 306, mesh: 352 } },
  { mesh: 'linkerd', cpu: 'AMD EPYC 9V74 80-Core Processor', p50: { baseline: 280, unmeshed: 284, mesh: 415 } },
  { mesh: 'cilium', cpu: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', p50: { baseline: 320, unmeshed: 322, mesh: 331 } },
];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'merge-test-'));
  runs = meshes.map((m, i) =>
    perRunnerRun({ mesh: m.mesh, p50Us: m.p50, hostname: `fv-az${500 + i}`, cpuModel: m.cpu, createdAt: `2026-11-30T02:1${i}:00.000Z`, seed: 7 + i, strata: 150 }),
  );
  files = runs.map((run, i) => writeRun(meshes[i]!.mesh, run));
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bench merge: three per-runner runs into one', () => {
  let merged: RunResult;
  let report: string;
  let dir: string;

  beforeAll(async () => {
    const r = await merge(files, join(root, 'merged'));
    expect(r.code).toBe(ExitCode.ok);
    const [jsonPath, recordPath, reportPath] = r.out.trim().split('\n');
    dir = join(root, 'merged', readdirSync(join(root, 'merged'))[0]!);
    expect(jsonPath).toBe(join(dir, 'results.json'));
    // The compact record the nightly commits, gzip-compressed (src/history/gzip-json-file.ts).
    expect(recordPath).toBe(join(dir, 'record.json.gz'));
    expect(reportPath).toBe(join(dir, 'report.md'));
    merged = (await readRun(jsonPath!, { fs })).full!;
    report = readFileSync(reportPath!, 'utf8');
  }, 120_000);

  it('puts every system side by side, each source baseline once, named after the runner it came from', () => {
    expect(merged.systems.map((s) => s.id)).toEqual([
      'baseline@cilium', 'cilium', 'cilium/unmeshed',
      'baseline@istio-ambient', 'istio-ambient', 'istio-ambient/unmeshed',
      'baseline@linkerd', 'linkerd', 'linkerd/unmeshed',
    ]);
    expect(merged.mergedFrom?.map((m) => m.systems['baseline'])).toEqual(['baseline@cilium', 'baseline@istio-ambient', 'baseline@linkerd']);
  });

  it('copies every overhead from the run that measured it: the same numbers, against the same-runner baseline and unmeshed namespace', () => {
    for (const [i, run] of runs.entries()) {
      const mesh = meshes[i]!.mesh;
      const renamed = run.comparisons.map((c) => ({ ...c, reference: c.reference === 'baseline' ? `baseline@${mesh}` : c.reference }));
      const ids = new Set([mesh, `${mesh}/unmeshed`, `baseline@${mesh}`]);
      const inMerged = merged.comparisons.filter((c) => ids.has(c.system));
      expect(renamed.length).toBeGreaterThan(0);
      expect(inMerged).toEqual(renamed);
      // And the reader sees the same figures: every comparison row (a table row, not the chart's alt text) of the source's own report, reference renamed.
      const rows = renderMarkdown(run).split('\n').filter((l) => l.startsWith('|') && l.includes(`${mesh} − baseline`));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(report).toContain(row.replace(`${mesh} − baseline`, `${mesh} − baseline@${mesh}`));
    }
    // Nothing compares numbers from two runners.
    for (const c of merged.comparisons) {
      const runner = (id: string) => merged.systems.find((s) => s.id === id)?.runner?.run;
      expect(runner(c.reference)).toBe(runner(c.system));
    }
  });

  it("records each system's runner fingerprint and shows it beside the system", () => {
    for (const [i, m] of meshes.entries()) {
      const sys = merged.systems.find((s) => s.id === m.mesh)!;
      expect(sys.runner).toEqual({ run: runs[i]!.runId, hostname: `fv-az${500 + i}`, cpuModel: m.cpu, cores: 4, kernel: '6.11.0-1018-azure', calibration: null });
      expect(report).toMatch(new RegExp(`^\\| ${m.mesh} +\\| fv-az${500 + i} +\\| ${m.cpu.replace(/[()@.]/g, '\\$&')} +\\| +4 \\| 6\\.11\\.0-1018-azure +\\| not calibrated`, 'm'));
    }
  });

  it('writes the compact record beside it, which reads back to the same record', async () => {
    const fromRecord = await readRun(join(dir, 'record.json.gz'), { fs });
    const fromFull = await readRun(join(dir, 'results.json'), { fs });
    expect(fromRecord.full).toBeNull();
    expect(JSON.parse(JSON.stringify(fromRecord.record))).toEqual(JSON.parse(JSON.stringify(fromFull.record)));
  });

  it('is deterministic: the same runs in another order give the same bytes', async () => {
    const again = await merge([...files].reverse(), join(root, 'merged-again'));
    expect(again.code).toBe(ExitCode.ok);
    const dir2 = join(root, 'merged-again', readdirSync(join(root, 'merged-again'))[0]!);
    expect(dir2.slice(-30)).toBe(dir.slice(-30));
    for (const f of ['results.json', 'record.json.gz', 'report.md']) {
      expect(readFileSync(join(dir2, f)).toString('base64'), f).toBe(readFileSync(join(dir, f)).toString('base64'));
    }
  }, 120_000);
});

describe('bench merge refuses, writing nothing', () => {
  it('runs of different scenarios, naming both files and the field that differs', async () => {
    const other = structuredClone(runs[1]!);
    other.scenario.steps[2]!.rate = 1500;
    const file = writeRun('other-scenario', other);
    const out = join(root, 'refused-scenario');
    const message = await refusal([files[0]!, file], out);
    expect(message).toBe(
      `${files[0]}, ${file}: scenario.steps[2].rate: the runs measured different scenarios (1000 vs 1500): merge runs of one scenario only`,
    );
    expect(readdirSync(root)).not.toContain('refused-scenario');
  });

  it('runs of different schema versions, naming both files', async () => {
    const file = join(root, 'v2.json');
    writeFileSync(file, JSON.stringify({ ...runs[1], schemaVersion: 2 }));
    const message = await refusal([files[0]!, file], join(root, 'refused-version'));
    expect(message).toBe(`${files[0]}, ${file}: schemaVersion: the runs have different results schema versions (1 vs 2): merge runs of one version`);
    expect(readdirSync(root)).not.toContain('refused-version');
  });

  it('a system measured in two runs', async () => {
    const twice = structuredClone(runs[0]!);
    twice.runId = `${twice.runId}-again`;
    const file = writeRun('twice', twice);
    const message = await refusal([files[0]!, file], join(root, 'refused-twice'));
    expect(message).toMatch(/: systems: both measured istio-ambient: merge runs of different systems, one per runner$/);
    expect(readdirSync(root)).not.toContain('refused-twice');
  });
});

describe('bench merge reads each runner’s calibration', () => {
  it('uses the calibration.json bench calibrate left beside the run on that runner, and ignores another machine’s', async () => {
    const runDir = join(files[0]!, '..');
    const calibration = (hostname: string) => JSON.stringify({
      kind: 'mesh-bench/calibration',
      schemaVersion: 1,
      environment: { hostname },
      verdict: { maxRate: 4000, workers: 2, reason: '8000 req/s missed: send lag p99 1800 µs (≤ 1000 µs)' },
    });
    mkdirSync(join(runDir, '..', 'calibration'), { recursive: true });
    writeFileSync(join(runDir, '..', 'calibration', 'calibration.json'), calibration('fv-az500'));
    mkdirSync(join(files[1]!, '..', '..', 'calibration'), { recursive: true });
    writeFileSync(join(files[1]!, '..', '..', 'calibration', 'calibration.json'), calibration('someone-else'));
    try {
      const r = await merge(files.slice(0, 2), join(root, 'calibrated'));
      expect(r.code).toBe(ExitCode.ok);
      const merged = (await readRun(r.out.split('\n')[0]!, { fs })).full!;
      expect(merged.systems.find((s) => s.id === 'istio-ambient')?.runner?.calibration).toEqual({
        maxRate: 4000,
        workers: 2,
        reason: '8000 req/s missed: send lag p99 1800 µs (≤ 1000 µs)',
      });
      expect(merged.systems.find((s) => s.id === 'linkerd')?.runner?.calibration).toBeNull();
      expect(r.err).toContain('measured on someone-else, not on fv-az501');
      expect(readFileSync(r.out.split('\n')[2]!, 'utf8')).toMatch(/^\| istio-ambient .*\| accurate up to 4000 req\/s \|/m);
    } finally {
      rmSync(join(runDir, '..', 'calibration'), { recursive: true, force: true });
      rmSync(join(files[1]!, '..', '..', 'calibration'), { recursive: true, force: true });
    }
  }, 120_000);
});
