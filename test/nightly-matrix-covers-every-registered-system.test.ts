import { describe, expect, it } from 'vitest';
import { MESH_ADAPTERS } from '../src/mesh/registry.js';
import { nightly, nightlyText, pkg, stepIndex, stepMatching, systemJob } from './helpers/nightly-workflow.js';

/** The nightly's matrix (issue 9, build 1): one job per registered system, each with a baseline on its own runner. */
describe('nightly workflow: one job per system', () => {
  it('the matrix lists every registered system, in the registry’s order, and nothing else', () => {
    expect(systemJob.strategy?.matrix?.system).toEqual(MESH_ADAPTERS.map((a) => a.id));
    expect(Object.keys(systemJob.strategy?.matrix ?? {})).toEqual(['system']);
    expect(MESH_ADAPTERS.length).toBeGreaterThanOrEqual(9);
  });

  it('runs each on a fresh ubuntu-24.04 runner, and one failing system does not cancel the others', () => {
    expect(systemJob['runs-on']).toBe('ubuntu-24.04');
    expect(systemJob.strategy?.['fail-fast']).toBe(false);
    expect(systemJob.env?.SYSTEM).toBe('${{ matrix.system }}');
  });

  it('measures the system with a baseline cluster on the same runner, and the baseline alone in its own job', () => {
    expect(systemJob.env?.MESH).toBe("${{ matrix.system == 'baseline' && 'baseline' || format('baseline,{0}', matrix.system) }}");
    const run = stepMatching(systemJob, /bench\.js run /);
    expect(run?.run).toBe(`node ${pkg.bin.bench} run --target kind --mesh "$MESH" --scenario scenarios/default.yaml --out "$OUT_DIR"`);
    expect(stepMatching(systemJob, /bench\.js doctor /)?.run).toBe(`node ${pkg.bin.bench} doctor --mesh "$MESH"`);
    // Its own directory, not results/ (which holds committed nights), uploaded whole as the job's artefact.
    expect(systemJob.env?.OUT_DIR).toBe('nightly-results');
  });

  it('runs on a schedule and by hand only: no pull_request trigger of any kind, and no secrets', () => {
    expect(Object.keys(nightly.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const schedule = nightly.on.schedule as { cron: string }[];
    expect(schedule).toHaveLength(1);
    expect(schedule[0]!.cron.split(' ')).toHaveLength(5);
    expect(nightlyText).not.toMatch(/pull_request/);
    expect(nightlyText).not.toMatch(/secrets\./);
  });

  it('sets up Node 22, installs with npm ci, installs the pinned tools and raises inotify limits before doctor, calibrate and the run', () => {
    expect(stepMatching(systemJob, /^actions\/setup-node@/)?.with?.['node-version']).toBe('22');
    const npmCi = systemJob.steps.findIndex((s) => s.run?.trim() === 'npm ci');
    const install = stepIndex(systemJob, /\.github\/scripts\/install-tools\.sh/);
    const sysctl = stepIndex(systemJob, /sysctl fs\.inotify\.max_user_watches=524288/);
    expect(systemJob.steps[sysctl]?.run).toContain('sudo sysctl fs.inotify.max_user_instances=512');
    const doctor = stepIndex(systemJob, /bench\.js doctor /);
    const calibrate = stepIndex(systemJob, /bench\.js calibrate /);
    const run = stepIndex(systemJob, /bench\.js run /);
    expect(Math.min(npmCi, install, sysctl, doctor, calibrate, run)).toBeGreaterThanOrEqual(0);
    expect(npmCi).toBeLessThan(install);
    expect(Math.max(install, sysctl)).toBeLessThan(doctor);
    expect(doctor).toBeLessThan(calibrate);
    expect(calibrate).toBeLessThan(run);
    // A missed calibration target is recorded, not fatal; its files travel in the job's artefact.
    expect(systemJob.steps[calibrate]?.['continue-on-error']).toBe(true);
    expect(systemJob.steps[calibrate]?.run).toBe(`node ${pkg.bin.bench} calibrate --out "$OUT_DIR/calibration"`);
  });

  it('after the run, always writes the job summary and uploads its results, named by system', () => {
    const run = stepIndex(systemJob, /bench\.js run /);
    const after = systemJob.steps.slice(run + 1);
    expect(after.length).toBeGreaterThanOrEqual(2);
    for (const s of after) expect(s.if, s.name).toBe('always()');
    const summary = after.find((s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? ''));
    expect(summary?.run).toMatch(/node bin\/bench\.js report --summary "\$\{runs\[0\]\}"/);
    // GitHub refuses a step summary over 1 MiB: it is cut below that.
    expect(summary?.run).toMatch(/head -c 1000000 >> "\$GITHUB_STEP_SUMMARY"/);
    const upload = after.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    // Re-running a failed system job replaces its artefact, so the merge job reads the newest.
    expect(upload?.with).toMatchObject({ name: 'nightly-results-${{ matrix.system }}', path: `${systemJob.env?.OUT_DIR}/`, overwrite: true });
  });

  it('pins every action by full commit SHA, the tag named beside it; the same SHAs as the e2e workflow for the same actions', () => {
    const uses = Object.values(nightly.jobs).flatMap((j) => j.steps.filter((s) => s.uses).map((s) => s.uses!));
    expect(uses.length).toBeGreaterThanOrEqual(7);
    for (const u of uses) expect(u).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
    // One SHA per action across the file, each with its tag in a comment (checked against the action's repository).
    const shas = new Map<string, Set<string>>();
    for (const u of uses) {
      const [action, sha] = u.split('@') as [string, string];
      shas.set(action, (shas.get(action) ?? new Set()).add(sha));
    }
    for (const [action, set] of shas) expect(set.size, action).toBe(1);
    expect(nightlyText).toContain('actions/download-artifact@3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1');
  });

  it('runs the CLI from the checkout, the file package.json names as its bin', () => {
    const benchLines = Object.values(nightly.jobs)
      .flatMap((j) => j.steps)
      .flatMap((s) => (s.run ?? '').split('\n'))
      .filter((l) => /\bbench\.js\b|\bnpx bench\b/.test(l));
    expect(benchLines.length).toBeGreaterThanOrEqual(8);
    expect(pkg.bin.bench).toBe('bin/bench.js');
    for (const l of benchLines) expect(l, l).toMatch(/(^|[\s(])node bin\/bench\.js /);
  });
});
