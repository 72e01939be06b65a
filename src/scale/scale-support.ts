import { InputError } from '../core/errors.js';
import type { ResolvedScenario } from '../core/scenario-types.js';

/**
 * `bench run` does not measure a `scale:` section yet (the measuring path — scale the server Deployment, wait ready,
 * sample each window — is not built; src/scale/README.md says what is). A run that silently skipped the section would
 * publish a scenario it did not measure, so it is refused before anything is created (exit 2), in one line.
 */
export function refuseUnmeasuredScale(scenario: ResolvedScenario): void {
  if (scenario.scale === undefined) return;
  throw InputError.single(
    scenario.source,
    'scale',
    'is not measured by this version of bench run yet (the model, claims and report are ready, the measuring path is not: src/scale/README.md); remove the section to run the scenario’s steps',
  );
}
