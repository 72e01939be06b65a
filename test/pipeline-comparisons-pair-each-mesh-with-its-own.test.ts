import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { FakePipelinePlatform, pipelineRun, scenarioText } from './helpers/pipeline-fake-platform.js';

/**
 * Which pairs a run compares (src/pipeline/run-benchmark.ts comparisons): every system against the reference
 * (cross-cluster), each mesh against its own unmeshed namespace (within-cluster) — never against another system's —
 * and, without a reference, the meshes with each other, each pair once in run order.
 */
const pairs = (r: RunResult): string[] => [...new Set(r.comparisons.map((c) => `${c.system} vs ${c.reference} (${c.scope})`))];
const variants = (id: string): string[] => (id === 'baseline' || id === 'istio-canary-1' ? [id] : [`${id}/unmeshed`, id]);

describe('the pairs a run compares', () => {
  it('with the baseline: every system against it, and a mesh against its own unmeshed namespace only', async () => {
    // `istio-canary-1` is `istio` plus nine characters, as long as `/unmeshed`: it is not istio's unmeshed namespace.
    const platform = new FakePipelinePlatform({ systems: ['baseline', 'istio', 'istio-canary-1'], variants });
    const p = pipelineRun(platform, scenarioText({ repetitions: 3 }));
    const outcome = await p.run(['baseline', 'istio', 'istio-canary-1']);
    expect(pairs(outcome.result)).toEqual([
      'istio/unmeshed vs baseline (cross-cluster)',
      'istio vs baseline (cross-cluster)',
      'istio-canary-1 vs baseline (cross-cluster)',
      'istio vs istio/unmeshed (within-cluster)',
    ]);
  });

  it('without the baseline: the meshes with each other once, in run order, and each with its unmeshed namespace', async () => {
    const platform = new FakePipelinePlatform({ systems: ['istio', 'linkerd', 'istio-canary-1'], variants });
    const p = pipelineRun(platform, scenarioText({ repetitions: 3 }));
    const outcome = await p.run(['istio', 'linkerd', 'istio-canary-1']);
    expect(pairs(outcome.result)).toEqual([
      'istio vs istio/unmeshed (within-cluster)',
      'linkerd vs linkerd/unmeshed (within-cluster)',
      'linkerd vs istio (cross-cluster)',
      'istio-canary-1 vs istio (cross-cluster)',
      'istio-canary-1 vs linkerd (cross-cluster)',
    ]);
  });
});
