import { aggregateWithoutStatistics } from '../../src/analysis/aggregate-step.js';
import type { ContainerRole, RoleResourceSummary } from '../../src/core/resource-schema.js';
import { containerRoles } from '../../src/core/resource-schema.js';
import type { Estimate, MeshComponent } from '../../src/core/result-schema.js';
import type { ReportAggregate, ReportRepetition, ReportRun, ReportStep, ReportSystem } from '../../src/report/report-input.js';
import { loadTwoSystemFixture } from './run-result-factory.js';

/**
 * Small report inputs for the resource, cost and outside-containers renderers: systems and steps built from the
 * two-system fixture's scenario, with only the aggregate fields a test sets.
 */
export const MiB = 1024 * 1024;

/** One role's figures over a step: `containers` of them, their mean and highest working set and mean CPU. */
export function role(containers: number, memoryMeanBytes: number, memoryMaxBytes: number, cpuMeanCores: number): RoleResourceSummary {
  return { containers, memoryMeanBytes, memoryMaxBytes, cpuMeanCores, cpuMaxCores: cpuMeanCores, samples: containers * 3 };
}

/** Every role, as the aggregate holds them: those not given had no container. */
export function roles(given: Partial<Record<ContainerRole, RoleResourceSummary>>): Record<ContainerRole, RoleResourceSummary> {
  return Object.fromEntries(containerRoles.map((r) => [r, given[r] ?? role(0, 0, 0, 0)])) as Record<ContainerRole, RoleResourceSummary>;
}

/** An estimate with its interval. */
export function est(value: number, low = value, high = value): Estimate {
  return { value, ci95: [low, high] };
}

/** A step of the fixture's scenario (`rate-1k` or `conn-4`) with the aggregate fields given. */
export function reportStep(name: string, aggregate: Partial<ReportAggregate>, repetitions: ReportRepetition[] = []): ReportStep {
  const fixture = loadTwoSystemFixture();
  const config = fixture.scenario.steps.find((s) => s.name === name) ?? { ...fixture.scenario.steps[0]!, name };
  return {
    name,
    config,
    repetitions,
    aggregate: { ...aggregateWithoutStatistics('intended', []), validRepetitions: repetitions.length, ...aggregate },
  };
}

/** A repetition whose resource data was scraped on `nodes` nodes (the node count the per-node column divides by). */
export function repetitionOnNodes(repetition: number, nodes: number | null): ReportRepetition {
  return {
    repetition,
    status: 'valid',
    invalidReasons: [],
    warnings: [],
    resources: nodes === null ? null : { nodes: Array.from({ length: nodes }, (_, i) => ({ node: `n${i}` })), pods: [] },
  };
}

export function reportSystem(id: string, steps: ReportStep[], meshComponents: MeshComponent[] = []): ReportSystem {
  const template = loadTwoSystemFixture().systems[0]!;
  return { ...template, id, steps, meshComponents };
}

/** A run of these systems over the fixture's scenario (steps rate-1k at 1000 req/s, then conn-4), seed 42. */
export function reportRun(systems: ReportSystem[], reference: string | null = 'baseline'): ReportRun {
  const fixture = loadTwoSystemFixture();
  return { ...fixture, reference, systems, comparisons: [] };
}
