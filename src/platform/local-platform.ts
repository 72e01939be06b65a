import type { ResolvedScenario } from '../core/scenario-types.js';
import { CommandError } from '../core/errors.js';
import { runLoad } from '../load/engine.js';
import { startLocalChain, type LocalChain, type LocalChainCrash } from '../workload/local-servers.js';
import type { Measurement, Platform, PreparedSystem } from './platform.js';
import { withIntegrity } from './target-integrity.js';

/** After a step, how long a hop's exit may take to be reported before the repetition is called intact. */
const EXIT_NOTICE_MS = 100;
/** Lines of a crashed hop's stderr kept in the failure. */
const STDERR_LINES = 20;

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
      measure: async (_variant, step, o) => {
        const before = chain.crashed();
        if (before) throw crashError(before, 'between steps');
        // A hop that exits mid-step ends the step at once (the system fails within a second, not after the window).
        const controller = new AbortController();
        const forward = (): void => controller.abort(o.signal.reason);
        o.signal.addEventListener('abort', forward, { once: true });
        if (o.signal.aborted) forward();
        void chain.crash.then((e) => controller.abort(new Error(`${e.hop} exited`)));
        try {
          const run = await runLoad({ url, step, errorBudget: o.errorBudget, thresholds: o.thresholds, seed: o.seed, signal: controller.signal });
          const crash = chain.crashed() ?? (await crashNoticed(chain, EXIT_NOTICE_MS));
          if (!crash) return { run, resources: null };
          return {
            run: withIntegrity(run, [`workload process ${crash.hop} (pid ${crash.pid}) exited during the step (${exitOf(crash)})`]),
            resources: null,
            targetFailure: crashError(crash, 'during the step'),
          } satisfies Measurement;
        } finally {
          o.signal.removeEventListener('abort', forward);
        }
      },
      versions: () => ({ node: process.version }),
      meshComponents: () => [],
      teardown: () => chain.stop(),
    };
  }
}

/** Waits up to `ms` for an exit the OS has already delivered but the event loop has not yet reported. */
async function crashNoticed(chain: LocalChain, ms: number): Promise<LocalChainCrash | null> {
  let timer: NodeJS.Timeout | undefined;
  const crash = await Promise.race([
    chain.crash,
    new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    }),
  ]);
  clearTimeout(timer);
  return crash;
}

function exitOf(crash: LocalChainCrash): string {
  return crash.signal ? `signal ${crash.signal}` : `exit code ${String(crash.exitCode)}`;
}

/** The system's failure: the hop's command line, its exit code or signal, and the last lines of its stderr. */
function crashError(crash: LocalChainCrash, when: string): CommandError {
  const tail = crash.stderr.split('\n').slice(-STDERR_LINES).join('\n');
  return new CommandError(crash.argv, crash.exitCode, tail, `workload process ${crash.hop} (pid ${crash.pid}) exited ${when}, ${exitOf(crash)}`);
}
