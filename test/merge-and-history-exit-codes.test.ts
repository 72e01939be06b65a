import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { ExitCode } from '../src/core/errors.js';
import type { ResolvedScenario } from '../src/core/scenario-types.js';
import { nightlyScenario, perRunnerRun } from './helpers/per-runner-run-factory.js';

const scenario: ResolvedScenario = { ...nightlyScenario, steps: [nightlyScenario.steps[2]!] };
let root: string;
let files: string[];

async function bench(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { io: { out: (t) => void out.push(t), err: (t) => void err.push(t) }, cwd: root, env: {}, signal: new AbortController().signal });
  return { code, out: out.join(''), err: err.join('') };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'merge-cli-'));
  files = (['istio', 'linkerd'] as const).map((mesh, i) => {
    const run = perRunnerRun({ mesh, p50Us: { baseline: 300, unmeshed: 303, mesh: 380 }, hostname: `h${i}`, cpuModel: 'AMD EPYC 7763 64-Core Processor', createdAt: `2026-11-30T02:1${i}:00.000Z`, seed: i, strata: 30, resources: false, scenario });
    if (mesh === 'linkerd') run.scenario.errorBudget = 0.01;
    const dir = join(root, mesh, run.runId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'results.json'), JSON.stringify(run));
    return join(dir, 'results.json');
  });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bench merge and bench history on the command line', () => {
  it('bench merge of runs of different scenarios exits 2 with one ERROR line naming both files and the field, writing nothing', async () => {
    const r = await bench(['merge', ...files, '--out', 'merged']);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.err).toBe(`ERROR: ${files[0]}, ${files[1]}: scenario.errorBudget: the runs measured different scenarios (0.001 vs 0.01): merge runs of one scenario only\n`);
    expect(r.out).toBe('');
    expect(readdirSync(root)).not.toContain('merged');
  });

  it('bench merge of a single run writes its run directory and exits 0', async () => {
    const r = await bench(['merge', files[0]!, '--out', 'merged-one']);
    expect(r.code).toBe(ExitCode.ok);
    const dir = readdirSync(join(root, 'merged-one'));
    expect(dir).toEqual(['2026-11-30T02-10-00Z-default-merged']);
    expect(readdirSync(join(root, 'merged-one', dir[0]!)).filter((f) => !f.startsWith('charts')).sort()).toEqual(['record.json.gz', 'report.md', 'results.json']);
  }, 60_000);

  it('bench history with a --results that does not exist exits 2, writing nothing', async () => {
    const r = await bench(['history', '--results', 'nowhere', '--out', 'out/README.md']);
    expect(r.code).toBe(ExitCode.invalidInput);
    expect(r.err).toBe('ERROR: --results: nowhere is missing: give the directory of committed runs (e.g. results/)\n');
    expect(readdirSync(root)).not.toContain('out');
  });
});
