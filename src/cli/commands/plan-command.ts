import type { Deps } from '../../core/deps.js';
import { loadScenario } from '../../scenario/load-scenario.js';
import { ClusterPlatform, type ClusterPlatformOptions } from '../../platform/cluster-platform.js';
import { renderPlan } from '../../platform/render-plan.js';
import { kubectlBase, systemPlan } from '../../platform/cluster-plan.js';
import { validateSystems } from '../../pipeline/run-benchmark.js';
import { ExitCode, type ExitCodeValue } from '../../core/errors.js';
import type { CliIo } from '../io.js';

/**
 * `bench plan`: every command and manifest `bench run` would execute for these systems, in order, executing nothing.
 * It is built from the same operations the run executes (src/platform/cluster-plan.ts).
 */
export async function planCommand(p: {
  systems: string[];
  scenarioPath: string;
  options: ClusterPlatformOptions;
  deps: Pick<Deps, 'fs'>;
  availableCores: number;
  io: CliIo;
}): Promise<ExitCodeValue> {
  const scenario = await loadScenario(p.scenarioPath, { fs: p.deps.fs, availableCores: p.availableCores });
  const platform = new ClusterPlatform(p.options);
  validateSystems(p.systems, platform);
  const header = [
    `# mesh-bench plan: ${p.systems.join(', ')} on ${p.options.target}, scenario ${scenario.name} (${scenario.source})`,
    `# ${scenario.repetitions} repetitions × ${scenario.steps.length} steps; run-private files under ${p.options.workRoot}`,
    `# image ${p.options.image}; kind node image ${p.options.versions.kind.nodeImage}`,
  ].join('\n');
  const sections = p.systems.flatMap((id) => {
    const input = platform.planInput(id, scenario);
    return systemPlan(input).map((s) => ({ ...s, title: `${id}: ${s.title}`, kubectl: kubectlBase(input) }));
  });
  p.io.out(renderPlan(header, sections));
  return ExitCode.ok;
}
