import { describe, expect, it } from 'vitest';
import { aggregateResources, aggregateStep } from '../src/analysis/aggregate-step.js';
import type { RepetitionResult } from '../src/core/result-schema.js';
import { containerRoles, type ResourceSummary, type RoleResourceSummary } from '../src/core/resource-schema.js';
import { makeRepetitions } from './helpers/repetition-factory.js';

function role(memoryMeanBytes: number, memoryMaxBytes: number, cpuMeanCores: number, cpuMaxCores: number, samples: number, containers: number): RoleResourceSummary {
  return { memoryMeanBytes, memoryMaxBytes, cpuMeanCores, cpuMaxCores, samples, containers };
}

/** A resource summary whose workload role is `workload` and every other role empty. */
function resources(workload: RoleResourceSummary): ResourceSummary {
  const roles = Object.fromEntries(containerRoles.map((r) => [r, role(0, 0, 0, 0, 0, 0)])) as ResourceSummary['roles'];
  roles.workload = workload;
  return { roles, pods: [], nodes: [], containers: [], scrapes: 1, scrapeErrors: 0, samples: 0, distinctTimestamps: 0, window: null, notes: [] };
}

function withResources(reps: RepetitionResult[], summaries: (ResourceSummary | null)[]): RepetitionResult[] {
  return reps.map((r, i) => ({ ...r, resources: summaries[i] ?? null }));
}

describe('resources aggregated over repetitions', () => {
  const three = withResources(makeRepetitions([{}, {}, {}]), [
    resources(role(100, 150, 0.2, 0.5, 10, 1)),
    resources(role(300, 900, 0.4, 0.6, 12, 2)),
    resources(role(200, 250, 0.3, 1.5, 11, 1)),
  ]);

  it('takes the median of the means, the highest maximum, the sum of samples and the most containers', () => {
    const out = aggregateResources(three);
    expect(out?.workload).toEqual({
      memoryMeanBytes: 200,
      memoryMaxBytes: 900,
      cpuMeanCores: 0.3,
      cpuMaxCores: 1.5,
      samples: 33,
      containers: 2,
    });
    expect(Object.keys(out ?? {}).sort()).toEqual([...containerRoles].sort());
  });

  it('skips repetitions without resource data and is null when none has any', () => {
    const mixed = withResources(makeRepetitions([{}, {}]), [null, resources(role(100, 150, 0.2, 0.5, 10, 1))]);
    expect(aggregateResources(mixed)?.workload.samples).toBe(10);
    expect(aggregateResources(makeRepetitions([{}, {}]))).toBeNull();
  });

  it('lands in the step aggregate from valid repetitions only', () => {
    const reps = withResources(makeRepetitions([{}, {}, { status: 'invalid' }]), [
      resources(role(100, 150, 0.25, 0.5, 10, 1)),
      resources(role(300, 400, 0.5, 0.75, 12, 1)),
      resources(role(5000, 9000, 3, 4, 99, 7)),
    ]);
    const a = aggregateStep(reps, { seed: 1, maxCv: 0.05 });
    expect(a.resources?.workload).toEqual(role(200, 400, 0.375, 0.75, 22, 1));
  });
});
