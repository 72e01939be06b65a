import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MESH_ADAPTERS } from '../src/mesh/registry.js';

/** Structure of .github/workflows/e2e.yml: the real-cluster check of every registered system (issue 8, build 3). */
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'timeout-minutes'?: number;
}
interface Job {
  name?: string;
  'runs-on': string;
  'timeout-minutes'?: number;
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const read = (name: string) => readFileSync(new URL(`../.github/workflows/${name}`, import.meta.url), 'utf8');
const text = read('e2e.yml');
const workflow = parse(text) as Workflow;
const nightly = parse(read('nightly.yml')) as Workflow;
const job = Object.values(workflow.jobs)[0]!;
const steps = job.steps;
const nightlySteps = Object.values(nightly.jobs)[0]!.steps;
const step = (pattern: RegExp): Step | undefined => steps.find((s) => pattern.test(s.run ?? s.uses ?? ''));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };

describe('e2e workflow', () => {
  it('the matrix lists every registered system, in the registry’s order, and nothing else', () => {
    expect(job.strategy?.matrix?.system).toEqual(MESH_ADAPTERS.map((a) => a.id));
    expect(MESH_ADAPTERS.length).toBeGreaterThanOrEqual(9);
  });

  it('one failing system does not cancel the others', () => {
    expect(job.strategy?.['fail-fast']).toBe(false);
    expect(Object.keys(workflow.jobs)).toHaveLength(1);
  });

  it('runs by hand and on pull requests touching the mesh, platform and kube code, clusters/, the Dockerfile or workflows', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'workflow_dispatch']);
    const pr = workflow.on.pull_request as { paths: string[] };
    expect(pr.paths.sort()).toEqual(['.github/workflows/**', 'Dockerfile', 'clusters/**', 'src/kube/**', 'src/mesh/**', 'src/platform/**']);
    // pull_request_target would run a fork's code with the base repository's token.
    expect(text).not.toMatch(/pull_request_target|schedule:/);
  });

  it('has a read-only token, no secrets, and does not leave the token in the checkout', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(text).not.toMatch(/secrets\./);
    expect(step(/^actions\/checkout@/)?.with?.['persist-credentials']).toBe(false);
  });

  it('runs each system on ubuntu-24.04 through `bench run --scenario scenarios/smoke.yaml --mesh <system>`', () => {
    expect(job['runs-on']).toBe('ubuntu-24.04');
    expect(job.env?.SYSTEM).toBe('${{ matrix.system }}');
    const run = step(/ run --scenario /);
    expect(run?.run).toBe(`node ${pkg.bin.bench} run --scenario scenarios/smoke.yaml --mesh "$SYSTEM" --out "$OUT_DIR"`);
    expect(pkg.bin.bench).toBe('bin/bench.js');
  });

  it('installs the tools at their pins exactly as the nightly does, and raises the inotify limits, before doctor and the run', () => {
    const same = (pattern: RegExp) => {
      const mine = step(pattern);
      const theirs = nightlySteps.find((s) => pattern.test(s.run ?? ''));
      expect(mine?.run, String(pattern)).toBeDefined();
      expect(mine?.run).toBe(theirs?.run);
      return steps.indexOf(mine!);
    };
    const install = same(/install-tools\.sh/);
    const sysctl = same(/sysctl fs\.inotify/);
    const npmCi = steps.findIndex((s) => s.run?.trim() === 'npm ci');
    const doctor = steps.indexOf(step(/bench\.js doctor --mesh "\$SYSTEM"/)!);
    const run = steps.indexOf(step(/ run --scenario /)!);
    expect(Math.min(npmCi, install, sysctl, doctor)).toBeGreaterThanOrEqual(0);
    expect(npmCi).toBeLessThan(install);
    expect(Math.max(install, sysctl)).toBeLessThan(doctor);
    expect(doctor).toBeLessThan(run);
    expect(step(/^actions\/setup-node@/)?.with?.['node-version']).toBe('22');
  });

  it('pins every action by full commit SHA, the same SHAs as the nightly', () => {
    const uses = steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses.length).toBeGreaterThanOrEqual(4);
    const pinned = new Set(nightlySteps.filter((s) => s.uses).map((s) => s.uses!));
    for (const u of uses) {
      expect(u).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
      expect(pinned.has(u), u).toBe(true);
    }
  });

  it('gives every step its own timeout, all of them together within the job’s', () => {
    expect(steps.filter((s) => s['timeout-minutes'] === undefined).map((s) => s.name)).toEqual([]);
    const total = steps.reduce((sum, s) => sum + s['timeout-minutes']!, 0);
    expect(job['timeout-minutes']).toBeDefined();
    expect(total).toBeLessThanOrEqual(job['timeout-minutes']!);
    expect(job['timeout-minutes']!).toBeLessThanOrEqual(120);
  });

  it('after the run, always writes a summary and uploads the results and the diagnostics, named by system', () => {
    const run = steps.indexOf(step(/ run --scenario /)!);
    const after = steps.slice(run + 1);
    expect(after.length).toBeGreaterThanOrEqual(3);
    for (const s of after) expect(s.if, s.name).toBe('always()');

    const summary = after.find((s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? ''));
    expect(summary?.run).toContain('report.md');

    const uploads = after.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(uploads.map((u) => u.with?.path)).toEqual([`${job.env?.OUT_DIR}/`, `${job.env?.OUT_DIR}/*/diagnostics/`]);
    for (const u of uploads) expect(String(u.with?.name)).toMatch(/^e2e-[a-z]+-\$\{\{ matrix\.system \}\}-\$\{\{ github\.run_id \}\}-\$\{\{ github\.run_attempt \}\}$/);
    // Results go to their own directory, not results/ (which holds committed runs the artefact must not repeat).
    expect(job.env?.OUT_DIR).toBe('e2e-results');
  });
});
