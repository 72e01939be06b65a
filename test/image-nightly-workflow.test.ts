import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const WORKFLOW = fileURLToPath(new URL('../.github/workflows/nightly.yml', import.meta.url));

interface Step {
  name?: string;
  'timeout-minutes'?: number;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[]; env?: Record<string, string>; 'timeout-minutes'?: number }>;
}

const text = readFileSync(WORKFLOW, 'utf8');
const workflow = parse(text) as Workflow;
const job = Object.values(workflow.jobs)[0]!;
const steps = job.steps;
const stepIndex = (pattern: RegExp): number => steps.findIndex((s) => pattern.test(s.run ?? s.uses ?? ''));

describe('nightly workflow', () => {
  it('runs on a schedule and by hand only: no pull_request trigger of any kind', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const schedule = workflow.on.schedule as { cron: string }[];
    expect(schedule).toHaveLength(1);
    expect(schedule[0]!.cron.split(' ')).toHaveLength(5);
    expect(text).not.toMatch(/pull_request/);
  });

  it('uses no secrets: only its own token, with write access to contents for the results commit', () => {
    expect(text).not.toMatch(/secrets\./);
    expect(workflow.permissions).toEqual({ contents: 'write' });
  });

  it('runs one job on ubuntu-latest', () => {
    expect(Object.keys(workflow.jobs)).toHaveLength(1);
    expect(job['runs-on']).toBe('ubuntu-latest');
  });

  it('pins every action by full commit SHA', () => {
    const uses = steps.filter((s) => s.uses).map((s) => s.uses!);
    expect(uses.length).toBeGreaterThanOrEqual(3);
    for (const u of uses) expect(u).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
  });

  it('sets up Node 22 and installs with npm ci', () => {
    const node = steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(node?.with?.['node-version']).toBe('22');
    expect(steps.some((s) => s.run?.trim() === 'npm ci')).toBe(true);
  });

  it('installs the pinned tools and raises the inotify limits before the benchmark', () => {
    const install = stepIndex(/\.github\/scripts\/install-tools\.sh/);
    const sysctl = steps.findIndex((s) => /sysctl fs\.inotify\.max_user_watches=524288/.test(s.run ?? ''));
    expect(steps[sysctl]?.run).toContain('sudo sysctl fs.inotify.max_user_instances=512');
    const doctor = stepIndex(/bench\.js doctor --mesh "\$SYSTEMS"/);
    const calibrate = stepIndex(/bench\.js calibrate/);
    const run = stepIndex(/bench\.js run --target kind --mesh "\$SYSTEMS" --scenario scenarios\/default\.yaml/);
    expect(Math.min(install, sysctl, doctor, calibrate, run)).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(doctor);
    expect(sysctl).toBeLessThan(doctor);
    expect(doctor).toBeLessThan(calibrate);
    expect(calibrate).toBeLessThan(run);
    expect(job.env?.SYSTEMS).toBe('baseline,cilium,istio,istio-ambient,linkerd');
  });

  it('runs the CLI from the checkout, the file package.json names as its bin', () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { bin: Record<string, string> };
    const benchSteps = steps.filter((s) => /\bbench\b/.test(s.run ?? '') && !/install-tools/.test(s.run ?? ''));
    expect(benchSteps).toHaveLength(3);
    for (const s of benchSteps) expect(s.run!.startsWith(`node ${pkg.bin.bench} `), s.run).toBe(true);
  });

  it('uploads results/ and commits them even when the run failed', () => {
    const run = stepIndex(/bench\.js run /);
    const upload = steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const commit = steps.findIndex((s) => /git commit/.test(s.run ?? ''));
    expect(upload).toBeGreaterThan(run);
    expect(commit).toBeGreaterThan(run);
    expect(steps[upload]?.if).toBe('always()');
    expect(steps[upload]?.with?.path).toBe('results/');
    expect(steps[commit]?.if).toBe('always()');
    const script = steps[commit]!.run!;
    expect(script).toContain('git add results');
    expect(script).toContain('git config user.name \'github-actions[bot]\'');
    expect(script).toContain('git push');
  });

  it('ends well inside GitHub’s 6 h job limit, and an overrunning benchmark leaves time to upload and commit', () => {
    const jobLimit = job['timeout-minutes'];
    expect(jobLimit).toBeDefined();
    expect(jobLimit!).toBeLessThanOrEqual(340);
    const unlimited = steps.filter((s) => s['timeout-minutes'] === undefined).map((s) => s.name);
    expect(unlimited).toEqual([]);
    // Every step at its own limit still fits in the job's, so no step is ever cut short by the job limit.
    const total = steps.reduce((sum, s) => sum + (s['timeout-minutes'] ?? 0), 0);
    expect(total).toBeLessThanOrEqual(jobLimit!);
    const run = steps[stepIndex(/bench\.js run /)]!;
    expect(run['timeout-minutes']!).toBeGreaterThanOrEqual(180);
    for (const late of steps.slice(steps.indexOf(run) + 1)) expect(late.if, late.name).toBe('always()');
  });
});
