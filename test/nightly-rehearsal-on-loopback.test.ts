import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/core/errors.js';
import { runResultSchema, type RunResult } from '../src/core/result-schema.js';
import { bench, REPO } from './helpers/cli.js';
import { mergeJob, systemJob, type WorkflowStep } from './helpers/nightly-workflow.js';

/**
 * Two nights of the nightly (.github/workflows/nightly.yml) rehearsed with the real CLI on loopback: three
 * `bench run --target local` jobs (the only system the local target runs is `baseline`, so each job is a `baseline`
 * job), then the merge job's own bash steps, read from the workflow and run as GitHub runs them (`bash -e -o
 * pipefail`) in a workspace shaped like the job's: artefacts under downloaded/nightly-results-<job>/, the committed
 * nights under results/. The first night has nothing to compare with; the second is compared with it. What the
 * workflow's later steps read must be where they look, and what the issue promises of merge, report, compare and
 * history must hold on real measurements.
 */
const root = mkdtempSync(join(tmpdir(), 'nightly-rehearsal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The floor of 5 repetitions, with windows short enough for a test.
const SCENARIO = `name: rehearsal
repetitions: 5
steps:
  - mode: rate
    rate: 200
    duration: 0.3s
    warmup: 0.1s
  - mode: connections
    connections: 4
    duration: 0.3s
    warmup: 0.1s
`;

const byName = (job: { steps: WorkflowStep[] }, name: string): WorkflowStep => {
  const s = job.steps.find((x) => x.name === name);
  if (!s?.run) throw new Error(`nightly.yml has no run step named ${JSON.stringify(name)}`);
  return s;
};

interface StepResult {
  code: number | null;
  output: string;
}

/** One workflow step's script, with the real `node` and the checkout's bin/bench.js (a symlink in `cwd`). */
function runStep(cwd: string, step: WorkflowStep, env: Record<string, string>): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step.run!], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const outputs = (file: string): Record<string, string> =>
  Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
const utcDay = (): string => new Date().toISOString().slice(0, 10);
const readRunFile = (path: string): RunResult => runResultSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
const read = (path: string): string => readFileSync(path, 'utf8');
/** A committed JSON file, gzip-compressed (record.json.gz, compare.json.gz), as `zcat` gives it. */
const zcat = (path: string): string => gunzipSync(readFileSync(path)).toString('utf8');
/** Every file under a directory with its bytes (base64: the committed JSON is gzip), by relative path. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isDirectory()) Object.assign(out, tree(join(dir, e.name), `${prefix}${e.name}/`));
    else out[`${prefix}${e.name}`] = readFileSync(join(dir, e.name)).toString('base64');
  }
  return out;
}

/** A job's checkout: bin/bench.js of this repository, so steps call `node bin/bench.js` as in the workflow. */
function checkout(dir: string): void {
  mkdirSync(dir, { recursive: true });
  symlinkSync(join(REPO, 'bin'), join(dir, 'bin'));
}

/** The merge job's steps up to the commit, for the artefacts now under downloaded/. */
async function mergeNight(ws: string, runId: string): Promise<{ steps: Record<string, StepResult>; out: Record<string, string>; summary: string }> {
  const ghOutput = join(ws, `github-output-${runId}`);
  const summary = join(ws, `step-summary-${runId}`);
  writeFileSync(ghOutput, '');
  writeFileSync(summary, '');
  const env = { ...mergeJob.env, GITHUB_RUN_ID: runId, GITHUB_OUTPUT: ghOutput, GITHUB_STEP_SUMMARY: summary };
  const steps: Record<string, StepResult> = {};
  steps.merge = await runStep(ws, byName(mergeJob, "Merge the systems' runs"), env);
  const merged = outputs(ghOutput);
  const later = { ...env, RUN_DIR: merged.run_dir ?? '', MERGED: merged.merged ?? '' };
  steps.compare = await runStep(ws, byName(mergeJob, 'Compare with the previous night'), later);
  steps.intoReport = await runStep(ws, byName(mergeJob, "Put the comparison in the night's report"), later);
  steps.history = await runStep(ws, byName(mergeJob, 'Regenerate results/README.md'), later);
  steps.summary = await runStep(ws, byName(mergeJob, 'Summary'), later);
  return { steps, out: outputs(ghOutput), summary: read(summary) };
}

function download(ws: string, jobs: string[]): void {
  rmSync(join(ws, 'downloaded'), { recursive: true, force: true });
  rmSync(join(ws, 'merged'), { recursive: true, force: true });
  for (const job of jobs) cpSync(join(root, 'jobs', job, 'nightly-results'), join(ws, 'downloaded', `nightly-results-${job}`), { recursive: true });
}

describe('a nightly rehearsed on loopback with the real CLI', () => {
  it('runs, merges, reports, compares and keeps a history: exit codes, files where the workflow looks, same numbers, same bytes', async () => {
    const scenario = join(root, 'rehearsal.yaml');
    writeFileSync(scenario, SCENARIO);

    // The matrix jobs: `earlier` for the first night, then `a` and `b` at once as on separate runners for the second.
    // The first night must start first: a merged night is dated by its earliest job, and history orders nights by date.
    const jobs = ['earlier', 'a', 'b'];
    const job = (name: string) =>
      bench(['run', '--target', 'local', '--mesh', 'baseline', '--scenario', scenario, '--out', join(root, 'jobs', name, 'nightly-results')]);
    const runs = [await job('earlier'), ...(await Promise.all(['a', 'b'].map(job)))];
    for (const r of runs) expect(r.code, r.stderr).toBe(ExitCode.ok);
    const sourceOf = (job: string): RunResult => {
      const dir = join(root, 'jobs', job, 'nightly-results');
      const [run] = readdirSync(dir);
      return readRunFile(join(dir, run!, 'results.json'));
    };

    // A system job's summary step, on its own results.
    const jobDir = join(root, 'jobs', 'a');
    checkout(jobDir);
    writeFileSync(join(jobDir, 'summary'), '');
    const jobSummary = await runStep(jobDir, byName(systemJob, 'Summary'), {
      ...Object.fromEntries(Object.entries(systemJob.env ?? {}).filter(([k]) => k === 'OUT_DIR' || k === 'NO_COLOR')),
      SYSTEM: 'baseline',
      MESH: 'baseline',
      GITHUB_STEP_SUMMARY: join(jobDir, 'summary'),
    });
    expect(jobSummary.code, jobSummary.output).toBe(0);
    expect(read(join(jobDir, 'summary'))).toMatch(
      new RegExp(`^## nightly: baseline \\(\`bench run --mesh baseline\`\\)\\n## mesh-bench rehearsal: run completed\\n[^]*\\nFull report: \`artefact nightly-results-baseline, ${sourceOf('a').runId}/report\\.md\`\\n$`),
    );

    // The merge job's workspace: a checkout with results/ as committed (nothing yet).
    const ws = join(root, 'ws');
    checkout(ws);
    mkdirSync(join(ws, 'results'));
    writeFileSync(join(ws, 'results', '.gitkeep'), '');
    const day = utcDay();

    // Night 1: one job; nothing earlier to compare with.
    download(ws, ['earlier']);
    const first = await mergeNight(ws, '4242');
    for (const [name, s] of Object.entries(first.steps)) expect(s.code, `${name}: ${s.output}`).toBe(0);
    expect(first.out.run_dir).toBe(`results/${day}`);
    const firstDir = join(ws, first.out.run_dir!);
    // The comparison's markdown goes with the merged results into the artefact (the job summary shows it); not committed.
    expect(read(join(ws, first.out.merged!, '..', 'compare.md'))).toBe('No earlier night in results/ to compare with.\n');
    expect(readdirSync(firstDir)).not.toContain('compare.md');

    // Night 2: two jobs, the same day: its own directory, compared with night 1.
    download(ws, ['a', 'b']);
    const second = await mergeNight(ws, '4243');
    for (const [name, s] of Object.entries(second.steps)) expect(s.code, `${name}: ${s.output}`).toBe(0);
    expect(second.out.run_dir).toBe(`results/${day}-4243`);
    const nightDir = join(ws, second.out.run_dir!);
    const mergedPath = join(ws, second.out.merged!);
    const mergedDir = join(mergedPath, '..');

    // What the commit step adds: the compact record, report, charts and comparison's JSON; never the full results, nor
    // the comparison's markdown (the job summary's, in the artefact).
    const committed = readdirSync(nightDir).sort();
    expect(committed).toEqual(['charts', 'compare.json.gz', 'record.json.gz', 'report.md']);
    expect(readdirSync(join(firstDir)).sort()).not.toContain('results.json');
    const report = read(join(nightDir, 'report.md'));
    const images = [...report.matchAll(/\]\((charts\/[^)]+\.svg)\)/g)].map((m) => m[1]!);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(read(join(nightDir, image))).toMatch(/^<svg /);

    // Merged: each job's system side by side, its numbers and comparisons exactly those of its own run.
    const merged = readRunFile(mergedPath);
    const [a, b] = [sourceOf('a'), sourceOf('b')].sort((x, y) => (x.runId < y.runId ? -1 : 1));
    expect(merged.systems.map((s) => s.id)).toEqual(['baseline', 'baseline#2']);
    expect(merged.mergedFrom?.map((m) => m.runId)).toEqual([a!.runId, b!.runId]);
    for (const [i, source] of [a!, b!].entries()) {
      const { id: _id, runner, ...mergedSystem } = merged.systems[i]!;
      const { id: _sid, ...sourceSystem } = source.systems[0]!;
      expect(mergedSystem).toEqual(sourceSystem);
      expect(runner?.run).toBe(source.runId);
    }
    expect(merged.comparisons).toEqual([...a!.comparisons, ...b!.comparisons]);

    // bench report: the merged results re-render the merged report (the artefact's, without the comparison), and the
    // committed record re-renders the committed report, now ending with the comparison with night 1, and its charts
    // byte for byte.
    const fromResults = await bench(['report', mergedPath, '--stdout']);
    expect(fromResults.code).toBe(ExitCode.ok);
    expect(fromResults.stdout).toBe(read(join(mergedDir, 'report.md')));
    expect(report.startsWith(fromResults.stdout)).toBe(true);
    const section = report.slice(fromResults.stdout.length);
    expect(section).toMatch(/^\n## Compared with the previous night\n\n\*\*Outcome: /);
    expect(section).toMatch(new RegExp(`\\n\\| run \\| [^|]+-merged \\| ${merged.runId} \\|\\n`));
    expect(read(join(firstDir, 'report.md'))).not.toContain('## Compared with the previous night');
    const copy = join(root, 'night-copy');
    cpSync(nightDir, copy, { recursive: true });
    writeFileSync(join(copy, 'report.md'), 'stale');
    rmSync(join(copy, 'charts'), { recursive: true });
    const fromRecord = await bench(['report', join(copy, 'record.json.gz')]);
    expect(fromRecord.code, fromRecord.stderr).toBe(ExitCode.ok);
    expect(tree(copy)).toEqual(tree(nightDir));

    // The job summary: the verdict table from the merged night (the same from its record), then the comparison.
    const summary = await bench(['report', '--summary', join(nightDir, 'record.json.gz'), '--report-link', `${second.out.run_dir}/report.md`]);
    expect(summary.code).toBe(ExitCode.ok);
    expect(second.summary).toBe(`${summary.stdout}\n## Compared with the previous night\n${read(join(mergedDir, 'compare.md'))}`);

    // The night's comparison, as bench history reads it; the step recorded a regression exactly when compare found one.
    const comparison = JSON.parse(zcat(join(nightDir, 'compare.json.gz'))) as { outcome: string; old: { runId: string }; new: { runId: string }; history: unknown };
    expect(comparison.old.runId).toBe((JSON.parse(zcat(join(firstDir, 'record.json.gz'))) as { runId: string }).runId);
    expect(comparison.new.runId).toBe(merged.runId);
    expect(comparison.history).not.toBeNull();
    expect(second.out.regression === 'true').toBe(comparison.outcome === 'regression');

    // bench compare by hand: a night against itself is clean (exit 0); against the earlier night without --history,
    // the exit code says what the JSON says.
    const same = await bench(['compare', nightDir, mergedPath]);
    expect(same.code, same.stderr).toBe(ExitCode.ok);
    expect(same.stdout).toContain('**Outcome: no regression.**');
    const noHistoryJson = join(root, 'no-history.json');
    const plain = await bench(['compare', firstDir, mergedPath, '--json', noHistoryJson]);
    const plainReport = JSON.parse(read(noHistoryJson)) as { outcome: string; history: unknown };
    expect(plain.code).toBe(plainReport.outcome === 'regression' ? ExitCode.regression : ExitCode.ok);
    expect(plainReport.history).toBeNull();

    // bench history: both nights, newest first, the second night's comparison listed; the same bytes when run again.
    const readme = read(join(ws, 'results', 'README.md'));
    const rows = readme.split('\n').filter((l) => l.startsWith(`| ${day}`));
    expect(rows.map((l) => /\[([^\]]+)\]\(/.exec(l)?.[1])).toEqual([`${day}-4243`, day]);
    expect(readme).toContain(`### ${day}-4243 vs ${comparison.old.runId}`);
    const again = await bench(['history', '--results', join(ws, 'results'), '--out', join(root, 'README-again.md')]);
    expect(again.code).toBe(ExitCode.ok);
    expect(read(join(root, 'README-again.md'))).toBe(readme);
  }, 120_000);
});
