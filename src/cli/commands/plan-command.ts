import type { Deps } from '../../core/deps.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import { refuseUnmeasurableScale } from '../../scale/scale-support.js';
import { ClusterPlatform, type ClusterPlatformOptions } from '../../platform/cluster-platform.js';
import { renderPlan } from '../../platform/render-plan.js';
import { renderEstimate } from '../../platform/render-estimate.js';
import { estimatePlan } from '../../platform/plan-estimate.js';
import type { Estimates } from '../../platform/estimates.js';
import { installsPlan, kubectlBase } from '../../platform/cluster-plan.js';
import { validateSystems } from '../../pipeline/run-benchmark.js';
import { ExitCode, type ExitCodeValue } from '../../core/errors.js';
import type { CliIo } from '../io.js';

/**
 * `bench plan`: every command and manifest `bench run` would execute for these systems, in order, executing nothing.
 * It is built from the same operations the run executes (src/platform/cluster-plan.ts). With `estimates`
 * (`--estimate`, clusters/estimates.yaml) it prints instead how long each phase of those operations is expected to
 * take, per system, for the run and for the nightly job around it (src/platform/plan-estimate.ts).
 */
export async function planCommand(p: {
  systems: string[];
  scenarioPath: string;
  options: ClusterPlatformOptions;
  deps: Pick<Deps, 'fs'>;
  availableCores: number;
  io: CliIo;
  estimates?: Estimates & { source: string };
}): Promise<ExitCodeValue> {
  const scenario = await loadScenario(p.scenarioPath, { fs: p.deps.fs, availableCores: p.availableCores });
  const platform = new ClusterPlatform(p.options);
  // Where the scale windows cannot be measured, a plan without them would understate the scenario: refused like a run.
  refuseUnmeasurableScale(scenario, p.options.target, platform.scaleUnsupportedReason());
  validateSystems(p.systems, platform);
  if (p.estimates) {
    const estimate = estimatePlan(p.systems.map((id) => platform.planInput(id, scenario)), p.estimates, p.estimates.source);
    const installs = scenario.installs ?? 1;
    const header = [
      `# mesh-bench estimate: ${p.systems.join(', ')} on ${p.options.target}, scenario ${scenario.name} (${scenario.source})`,
      `# ${scenario.repetitions} repetitions × ${scenario.steps.length} ${scenario.steps.length === 1 ? 'step' : 'steps'}${installs > 1 ? ` per install, ${installs} installs` : ''}: measurement exact from the scenario;`,
      `# set-up from ${p.estimates.source}, for ${p.estimates.runner}: ${p.estimates.basis}`,
    ].join('\n');
    p.io.out(renderEstimate(header, estimate));
    return ExitCode.ok;
  }
  const header = [
    `# mesh-bench plan: ${p.systems.join(', ')} on ${p.options.target}, scenario ${scenario.name} (${scenario.source})`,
    `# ${scenario.repetitions} repetitions × ${scenario.steps.length} steps${(scenario.installs ?? 1) > 1 ? ` per install, ${scenario.installs} installs (each planned in full)` : ''}; run-private files under ${p.options.workRoot}`,
    `# image ${p.options.image}; kind node image ${p.options.versions.kind.nodeImage}`,
  ].join('\n');
  const sections = p.systems.flatMap((id) => {
    const input = platform.planInput(id, scenario);
    return installsPlan(input).map((s) => ({ ...s, title: `${id}: ${s.title}`, kubectl: kubectlBase(input) }));
  });
  p.io.out(renderPlan(header, sections));
  return ExitCode.ok;
}
