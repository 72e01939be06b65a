import type { ResolvedScenario } from '../core/scenario-types.js';
import { runLoad } from '../load/engine.js';
import { startLocalChain } from '../workload/local-servers.js';
import type { Platform, PreparedSystem } from './platform.js';

/**
 * `--target local`: the workload server chain as child processes on 127.0.0.1, the engine in this process. No mesh
 * can run here, so only `baseline`: it measures the harness itself (engine + server on this machine), which is what
 * `bench calibrate` and the loopback tests need.
 */
export class LocalPlatform implements Platform {
  readonly target = 'local' as const;

  supports(systemId: string): boolean {
    return systemId === 'baseline';
  }

  unsupportedReason(systemId: string): string {
    return `${systemId} cannot run with --target local (no mesh runs on loopback); use --target kind or --target existing, or --mesh baseline`;
  }

  async prepare(_systemId: string, scenario: ResolvedScenario, signal: AbortSignal): Promise<PreparedSystem> {
    const w = scenario.workload;
    const chain = await startLocalChain({
      hops: w.hops,
      responseBytes: w.responseBytes,
      serviceDelayUs: w.serviceDelayUs,
      signal,
    });
    const url = new URL(w.path, chain.url).toString();
    return {
      variants: ['baseline'],
      measure: async (_variant, step, o) => ({
        run: await runLoad({ url, step, errorBudget: o.errorBudget, thresholds: o.thresholds, seed: o.seed, signal: o.signal }),
        resources: null,
      }),
      versions: () => ({ node: process.version }),
      meshComponents: () => [],
      teardown: () => chain.stop(),
    };
  }
}
