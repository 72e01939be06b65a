import { runLoad } from '../../load/engine.js';
import { renderLoadRun } from '../../report/render-load-run.js';
import { resolveLoadFlags, type LoadFlags } from '../load-flags.js';
import type { CliIo } from '../io.js';
import { ExitCode, type ExitCodeValue } from '../../core/errors.js';

export interface LoadCommandInput {
  url: string;
  flags: LoadFlags & { json?: boolean };
  availableCores: number;
  io: CliIo;
  signal?: AbortSignal;
}

/**
 * `bench load <url>`: the engine on its own against any HTTP URL. `--json` prints the step in the results schema
 * (LoadRun); otherwise a table. Exit 0 when the step is valid, 1 when it was judged invalid (reasons printed).
 */
export async function loadCommand(input: LoadCommandInput): Promise<ExitCodeValue> {
  const { step, errorBudget, thresholds, seed } = resolveLoadFlags(input.flags, input.availableCores);
  const run = await runLoad({
    url: input.url,
    step,
    errorBudget,
    thresholds,
    seed,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  input.io.out(input.flags.json ? `${JSON.stringify(run, null, 2)}\n` : renderLoadRun(run));
  if (input.signal?.aborted) return ExitCode.interrupted;
  return run.status === 'valid' ? ExitCode.ok : ExitCode.failure;
}
