import { InputError } from '../core/errors.js';
import type { ResolvedScenario } from '../core/scenario-types.js';

/**
 * A `scale:` section on a target that cannot measure it (the local target runs no cluster; an existing cluster's
 * workers cannot be planned: src/platform/scale-plan.ts) is refused before anything is created (exit 2), in one line
 * naming the scenario file and field: a run that silently skipped the section would publish a scenario it did not
 * measure. `reason` is the platform's (null: it can).
 */
export function refuseUnmeasurableScale(scenario: ResolvedScenario, target: string, reason: string | null): void {
  if (scenario.scale === undefined || reason === null) return;
  throw InputError.single(scenario.source, 'scale', `${reason} (--target ${target}); remove the section to run the scenario’s steps there`);
}

/** The local target's reason: it runs the workload as processes, with no kubelet to sample and no pods to spread. */
export const LOCAL_SCALE_REASON = 'needs a cluster target (--target kind): the local target runs the servers as processes, with no pods to spread over nodes and no kubelet to sample';
