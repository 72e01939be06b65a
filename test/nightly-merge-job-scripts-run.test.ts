import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../src/core/errors.js';
import { mergeJob, type WorkflowStep } from './helpers/nightly-workflow.js';

/**
 * The merge job's shell steps, run as GitHub runs them (`bash -e -o pipefail`), in a scratch directory shaped like the
 * job's workspace, with `node` replaced by a recorder: it logs each `bench` command and answers it as the real one
 * would (merge writes a run directory, compare exits with the code the test chose). What is tested is the workflow's
 * own logic: what gets merged on a partial night, which night is "previous", what a regression does to the run.
 */
const FAKE_NODE = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$FAKE_LOG"
cmd=$2
case "$cmd" in
  merge)
    out=''
    while (($#)); do if [[ $1 == --out ]]; then out=$2; fi; shift; done
    # Like bench merge: a run directory under --out, named by the merged run's id.
    mkdir -p "$out/20261201T031500Z-default/charts"
    echo '{"full": true}' > "$out/20261201T031500Z-default/results.json"
    echo '{"kind": "mesh-bench/record"}' | gzip -9 > "$out/20261201T031500Z-default/record.json.gz"
    echo '# report' > "$out/20261201T031500Z-default/report.md"
    echo '<svg/>' > "$out/20261201T031500Z-default/charts/latency.svg"
    ;;
  compare)
    exit "\${FAKE_COMPARE_EXIT:-0}"
    ;;
  report)
    echo '## verdicts'
    ;;
  *)
    # A fake refuses what it was not set up to answer.
    echo "fake node: no answer for $*" >&2
    exit 127
    ;;
esac
`;

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function workspace(): { root: string; log: string; output: string; summary: string } {
  const root = mkdtempSync(join(tmpdir(), 'nightly-merge-'));
  dirs.push(root);
  mkdirSync(join(root, 'bin-fake'));
  writeFileSync(join(root, 'bin-fake', 'node'), FAKE_NODE);
  chmodSync(join(root, 'bin-fake', 'node'), 0o755);
  for (const f of ['log', 'output', 'summary']) writeFileSync(join(root, f), '');
  return { root, log: join(root, 'log'), output: join(root, 'output'), summary: join(root, 'summary') };
}

const step = (id: string): WorkflowStep => mergeJob.steps.find((s) => s.id === id || s.name === id)!;

function runStep(ws: ReturnType<typeof workspace>, s: WorkflowStep, env: Record<string, string> = {}): { code: number | null; stdout: string } {
  writeFileSync(ws.output, '');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', s.run!], {
    cwd: ws.root,
    encoding: 'utf8',
    env: {
      PATH: `${join(ws.root, 'bin-fake')}:${process.env.PATH ?? ''}`,
      FAKE_LOG: ws.log,
      GITHUB_OUTPUT: ws.output,
      GITHUB_STEP_SUMMARY: ws.summary,
      GITHUB_RUN_ID: '4242',
      ...mergeJob.env,
      ...env,
    },
  });
  return { code: r.status, stdout: r.stdout + r.stderr };
}

const outputs = (ws: ReturnType<typeof workspace>): Record<string, string> =>
  Object.fromEntries(readFileSync(ws.output, 'utf8').split('\n').filter(Boolean).map((l) => l.split('=', 2) as [string, string]));
const commands = (ws: ReturnType<typeof workspace>): string[] => readFileSync(ws.log, 'utf8').split('\n').filter(Boolean);
const today = (): string => execFileSync('date', ['-u', '+%Y-%m-%d'], { encoding: 'utf8' }).trim();

function artefact(ws: ReturnType<typeof workspace>, system: string, withResults: boolean): void {
  const dir = join(ws.root, 'downloaded', `nightly-results-${system}`);
  mkdirSync(join(dir, 'calibration'), { recursive: true });
  writeFileSync(join(dir, 'calibration', 'calibration.json'), '{}');
  if (withResults) {
    mkdirSync(join(dir, `20261201T021700Z-default`), { recursive: true });
    writeFileSync(join(dir, '20261201T021700Z-default', 'results.json'), '{}');
  }
}

const MERGED = 'merged/20261201T031500Z-default/results.json';

describe('nightly merge job, its scripts run', () => {
  it('merges the systems that wrote results (a partial night) and commits the night without the full results.json', () => {
    const ws = workspace();
    artefact(ws, 'cilium', true);
    artefact(ws, 'istio', false); // failed before writing results: only its calibration
    artefact(ws, 'linkerd', true);
    const day = today();
    const r = runStep(ws, step('merge'));
    expect(r.code, r.stdout).toBe(0);
    expect(commands(ws)).toEqual([
      'bin/bench.js merge downloaded/nightly-results-cilium/20261201T021700Z-default/results.json downloaded/nightly-results-linkerd/20261201T021700Z-default/results.json --out merged',
    ]);
    expect(outputs(ws)).toEqual({ run_dir: `results/${day}`, merged: 'merged/20261201T031500Z-default/results.json' });
    expect(readdirSync(join(ws.root, 'results', day)).sort()).toEqual(['charts', 'record.json.gz', 'report.md']);
    expect(readdirSync(join(ws.root, 'results', day, 'charts'))).toEqual(['latency.svg']);
    expect(existsSync(join(ws.root, 'merged', '20261201T031500Z-default', 'results.json'))).toBe(true);
  });

  it('a second night on the same day gets its own directory', () => {
    const ws = workspace();
    artefact(ws, 'cilium', true);
    mkdirSync(join(ws.root, 'results', today()), { recursive: true });
    expect(runStep(ws, step('merge')).code).toBe(0);
    expect(outputs(ws).run_dir).toBe(`results/${today()}-4242`);
  });

  it('fails with an annotation, merging nothing, when no system wrote results', () => {
    const ws = workspace();
    artefact(ws, 'cilium', false);
    const r = runStep(ws, step('merge'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error title=No results::no system job wrote results/m);
    expect(commands(ws)).toEqual([]);
    expect(existsSync(join(ws.root, 'results'))).toBe(false);
  });

  function nights(ws: ReturnType<typeof workspace>, names: string[]): void {
    for (const n of names) mkdirSync(join(ws.root, 'results', n), { recursive: true });
  }

  it('compares with the newest earlier night, ignoring directories that are not nights', () => {
    const ws = workspace();
    nights(ws, ['2026-11-29', '2026-11-30', '20261121T054900Z-default', 'calibration', '2026-12-01']);
    const r = runStep(ws, step('compare'), { RUN_DIR: 'results/2026-12-01', MERGED });
    expect(r.code, r.stdout).toBe(0);
    expect(commands(ws)).toEqual([
      'bin/bench.js compare results/2026-11-30 merged/20261201T031500Z-default/results.json --history results/ ' +
        '--compact-out merged/20261201T031500Z-default/compare.md --compact-json results/2026-12-01/compare.json.gz ' +
        '--out merged/20261201T031500Z-default/compare-full.md --json merged/20261201T031500Z-default/compare-full.json',
    ]);
    expect(outputs(ws)).toEqual({});
  });

  it('the day after a second night on one day, compares with that second night (the newest), not the first', () => {
    const ws = workspace();
    nights(ws, ['2026-11-30', '2026-12-01', '2026-12-01-4242', '2026-12-02']);
    const r = runStep(ws, step('compare'), { RUN_DIR: 'results/2026-12-02', MERGED });
    expect(r.code, r.stdout).toBe(0);
    const compares = commands(ws).filter((c) => c.startsWith('bin/bench.js compare '));
    expect(compares).toHaveLength(1);
    expect(compares[0]).toMatch(/^bin\/bench\.js compare results\/2026-12-01-4242 merged\//);
  });

  it(`records a regression (bench compare exit ${ExitCode.regression}) for the last step, without failing this one`, () => {
    const ws = workspace();
    nights(ws, ['2026-11-30', '2026-12-01']);
    const r = runStep(ws, step('compare'), { RUN_DIR: 'results/2026-12-01', MERGED, FAKE_COMPARE_EXIT: String(ExitCode.regression) });
    expect(r.code).toBe(0);
    expect(outputs(ws)).toEqual({ regression: 'true', previous: 'results/2026-11-30' });
    const mark = mergeJob.steps.at(-1)!;
    const marked = runStep(ws, mark, { RUN_DIR: 'results/2026-12-01', PREVIOUS: 'results/2026-11-30' });
    expect(marked.code).toBe(1);
    expect(marked.stdout).toBe('::error title=Regression::bench compare found a regression against results/2026-11-30: see the section Compared with the previous night in results/2026-12-01/report.md, and the job summary\n');
  });

  it('fails the step on any other compare failure (bad input: exit 2)', () => {
    const ws = workspace();
    nights(ws, ['2026-11-30', '2026-12-01']);
    const r = runStep(ws, step('compare'), { RUN_DIR: 'results/2026-12-01', MERGED, FAKE_COMPARE_EXIT: String(ExitCode.invalidInput) });
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(outputs(ws)).toEqual({});
  });

  it('on the first night, says there is nothing to compare with instead of comparing, beside the merged results (not committed)', () => {
    const ws = workspace();
    nights(ws, ['2026-12-01']);
    mkdirSync(join(ws.root, 'merged', '20261201T031500Z-default'), { recursive: true });
    const r = runStep(ws, step('compare'), { RUN_DIR: 'results/2026-12-01', MERGED });
    expect(r.code).toBe(0);
    expect(commands(ws)).toEqual([]);
    expect(readFileSync(join(ws.root, 'merged', '20261201T031500Z-default', 'compare.md'), 'utf8')).toBe('No earlier night in results/ to compare with.\n');
    expect(readdirSync(join(ws.root, 'results', '2026-12-01'))).toEqual([]);
  });

  it('writes the verdict table and the comparison (from the artefact, not the night\'s directory) to the job summary', () => {
    const ws = workspace();
    nights(ws, ['2026-12-01']);
    mkdirSync(join(ws.root, 'merged', '20261201T031500Z-default'), { recursive: true });
    writeFileSync(join(ws.root, 'merged', '20261201T031500Z-default', 'compare.md'), 'no regression\n');
    const summary = mergeJob.steps.find((s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? ''))!;
    expect(runStep(ws, summary, { RUN_DIR: 'results/2026-12-01', MERGED }).code).toBe(0);
    expect(commands(ws)).toEqual(['bin/bench.js report --summary merged/20261201T031500Z-default/results.json --report-link results/2026-12-01/report.md']);
    expect(readFileSync(ws.summary, 'utf8')).toBe('## verdicts\n\n## Compared with the previous night\nno regression\n');
  });
});
