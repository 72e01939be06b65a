import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** .github/workflows/nightly.yml, parsed: the shapes the nightly tests read. */
export interface WorkflowStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
  'timeout-minutes'?: number;
}
export interface WorkflowJob {
  name?: string;
  'runs-on': string;
  'timeout-minutes'?: number;
  needs?: string | string[];
  if?: string;
  permissions?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> };
  env?: Record<string, string>;
  steps: WorkflowStep[];
}
export interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

export const nightlyText = readFileSync(new URL('../../.github/workflows/nightly.yml', import.meta.url), 'utf8');
export const nightly = parse(nightlyText) as Workflow;

/** The matrix job (one per system) and the merge job, found by shape rather than by name. */
export const systemJob = Object.values(nightly.jobs).find((j) => j.strategy?.matrix !== undefined)!;
export const mergeJobId = Object.keys(nightly.jobs).find((id) => nightly.jobs[id]!.strategy === undefined)!;
export const mergeJob = nightly.jobs[mergeJobId]!;
export const systemJobId = Object.keys(nightly.jobs).find((id) => nightly.jobs[id] === systemJob)!;

export function stepMatching(job: WorkflowJob, pattern: RegExp): WorkflowStep | undefined {
  return job.steps.find((s) => pattern.test(s.run ?? s.uses ?? ''));
}

export function stepIndex(job: WorkflowJob, pattern: RegExp): number {
  return job.steps.findIndex((s) => pattern.test(s.run ?? s.uses ?? ''));
}

export const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
