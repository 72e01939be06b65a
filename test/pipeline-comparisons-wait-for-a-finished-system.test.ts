import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { FakePipelinePlatform, pipelineRun, runOf, scenarioText } from './helpers/pipeline-fake-platform.js';

/**
 * The results file written after every repetition (src/pipeline/run-benchmark.ts): while a system is being measured
 * the file says the run is interrupted (that is what it is if nothing else is ever written) and holds no comparison
 * of that system, whose repetitions are still coming; once the system is finished, its comparisons are written with
 * it, before the next system starts.
 */
type Seen = { measuring: string; status: string; systems: string[]; compared: string[] };
const pairs = (r: RunResult): string[] => [...new Set(r.comparisons.map((c) => `${c.system} vs ${c.reference}`))];

describe('results written during a run', () => {
  it('compare a system only once it is finished, and say interrupted until the run ends', async () => {
    const seen: Seen[] = [];
    let onDisk = async (): Promise<RunResult | undefined> => undefined;
    const platform = new FakePipelinePlatform({
      systems: ['baseline', 'istio', 'linkerd'],
      measure: async ({ variant, step }) => {
        const r = await onDisk();
        if (r) seen.push({ measuring: variant, status: r.status, systems: r.systems.map((s) => `${s.id} ${s.status}`), compared: pairs(r) });
        return { run: runOf(step), resources: null };
      },
    });
    const p = pipelineRun(platform, scenarioText({ repetitions: 3 }));
    onDisk = () => p.onDisk();
    const outcome = await p.run(['baseline', 'istio', 'linkerd']);
    expect(seen.map((s) => s.measuring)).toEqual(['baseline', 'baseline', 'istio', 'istio', 'istio', 'linkerd', 'linkerd', 'linkerd']);
    expect(seen.map((s) => s.status)).toEqual(Array<string>(8).fill("interrupted"));
    expect(seen[1]!.systems).toEqual(['baseline interrupted']);
    expect(seen[3]!.systems).toEqual(['baseline completed', 'istio interrupted']);
    // While istio is measured, nothing compares it; once finished, it is compared before linkerd starts.
    expect(seen.slice(2, 5).map((s) => s.compared)).toEqual([[], [], []]);
    expect(seen.slice(5).map((s) => s.compared)).toEqual([['istio vs baseline'], ['istio vs baseline'], ['istio vs baseline']]);
    expect(outcome.result.status).toBe('completed');
    expect(pairs(outcome.result)).toEqual(['istio vs baseline', 'linkerd vs baseline']);
    const final = await p.onDisk();
    expect(final!.status).toBe('completed');
    expect(pairs(final!)).toEqual(['istio vs baseline', 'linkerd vs baseline']);
  });

  it('records the command it was given and the run directory as the run id', async () => {
    const p = pipelineRun(new FakePipelinePlatform({ systems: ['baseline'] }), scenarioText({ repetitions: 1 }));
    const outcome = await p.run(['baseline']);
    expect(outcome.result.command).toEqual(['bench', 'run', '--mesh', 'baseline']);
    expect(outcome.result.runId).toBe(basename(outcome.dir));
    expect(outcome.result.runId).toMatch(/^\d{8}T\d{6}Z?-tiny$|^[0-9TZ:-]+-tiny$/);
  });
});
