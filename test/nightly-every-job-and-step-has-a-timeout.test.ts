import { describe, expect, it } from 'vitest';
import { nightly, stepMatching, systemJob } from './helpers/nightly-workflow.js';

/** Limits (issue 9): every job and every step has its own, so an overrun is stopped where it happens. */
describe('nightly workflow: timeouts', () => {
  it.each(Object.entries(nightly.jobs))('job %s has its own limit, and every one of its steps too', (_id, job) => {
    expect(job['timeout-minutes']).toBeDefined();
    expect(job.steps.filter((s) => s['timeout-minutes'] === undefined).map((s) => s.name)).toEqual([]);
  });

  it.each(Object.entries(nightly.jobs))('job %s: its steps at their limits together still fit in the job’s, so later steps always get to run', (_id, job) => {
    const total = job.steps.reduce((sum, s) => sum + s['timeout-minutes']!, 0);
    expect(total).toBeLessThanOrEqual(job['timeout-minutes']!);
  });

  it('no job comes near GitHub’s 6 h job limit; the benchmark step allows its estimate with room and is the longest', () => {
    for (const job of Object.values(nightly.jobs)) expect(job['timeout-minutes']!).toBeLessThanOrEqual(120);
    const run = stepMatching(systemJob, /bench\.js run /)!;
    // `bench plan --estimate` puts the slowest run at under 50 min (test/plan-estimate-nightly-jobs-fit-an-hour.test.ts).
    expect(run['timeout-minutes']!).toBeGreaterThanOrEqual(60);
    for (const s of systemJob.steps) if (s !== run) expect(s['timeout-minutes']!, s.name).toBeLessThan(run['timeout-minutes']!);
  });
});
