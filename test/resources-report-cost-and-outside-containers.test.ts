import { describe, expect, it } from 'vitest';
import { aggregateResources } from '../src/analysis/aggregate-step.js';
import { bootstrapDeltaInterval } from '../src/analysis/bootstrap.js';
import { deriveSeed } from '../src/analysis/random.js';
import { aggregateDataPlanePerThousandRps, aggregateOutsideContainers, aggregatePerThousandRps } from '../src/analysis/resource-cost.js';
import { runResultSchema, type RunResult } from '../src/core/result-schema.js';
import type { NodeScope, ResourceSummary } from '../src/core/resource-schema.js';
import { parseResourceMetrics } from '../src/metrics/kubelet-resource.js';
import { baselineClassifier, composeClassifiers } from '../src/metrics/roles.js';
import { summarizeResources } from '../src/metrics/summarize-resources.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { kubeletResourceText, type SyntheticContainer } from './helpers/kubelet-text.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const MiB = 1024 * 1024;
const NS = 'mesh-bench';
const T0 = 1_780_000_000_000;
const classify = composeClassifiers(baselineClassifier(NS), (c) => (c.container === 'ztunnel' ? 'node-agent' : undefined));

/**
 * Two nodes over 30 s, steady: on each a server (0.2 cores, 40 MiB) and, with `ztunnel`, a ztunnel (0.05 cores,
 * 12 MiB); each node's own series use `nodeCores` and 1000 MiB.
 */
function summary(o: { nodeCores: number; ztunnel: boolean; scope: NodeScope }): ResourceSummary {
  const scrapes = [0, 1, 2, 3].flatMap((i) =>
    ['w1', 'w2'].map((node) => {
      const containers: SyntheticContainer[] = [{ namespace: NS, pod: `server-${node}`, container: 'server', cpuSeconds: 2 * i, memoryBytes: 40 * MiB }];
      if (o.ztunnel) containers.push({ namespace: 'istio-system', pod: `ztunnel-${node}`, container: 'ztunnel', cpuSeconds: 0.5 * i, memoryBytes: 12 * MiB });
      return parseResourceMetrics(kubeletResourceText(T0 + i * 10_000, { cpuSeconds: 10 * o.nodeCores * i, memoryBytes: 1000 * MiB }, containers), node, T0 + i * 10_000 + 50);
    }),
  );
  return summarizeResources(scrapes, classify, { nodeScopes: { w1: o.scope, w2: o.scope } });
}

/** The two-system fixture with kubelet data on every repetition of both steps, aggregated as the pipeline does. */
function withResources(scope: NodeScope, o: { newFields: boolean; varyByRepetition?: boolean }): RunResult {
  const r = loadTwoSystemFixture();
  for (const sys of r.systems) {
    for (const step of sys.steps) {
      if (step.repetitions.length === 0) continue;
      const ambient = sys.id === 'istio-ambient';
      for (const rep of step.repetitions) {
        const extra = o.varyByRepetition ? 0.1 * rep.repetition * (ambient ? 2 : 1) : 0;
        rep.resources = summary({ nodeCores: (ambient ? 0.6 : 0.45) + extra, ztunnel: ambient, scope });
      }
      const valid = step.repetitions.filter((rep) => rep.status === 'valid');
      step.aggregate.resources = aggregateResources(valid);
      if (o.newFields) {
        step.aggregate.perThousandRps = aggregatePerThousandRps(valid, { seed: r.scenario.seed });
        step.aggregate.dataPlanePerThousandRps = aggregateDataPlanePerThousandRps(valid, { seed: r.scenario.seed });
        step.aggregate.outsideContainers = aggregateOutsideContainers(valid, { seed: r.scenario.seed });
        continue;
      }
      // As a result written before these fields: none of them, on the aggregate or on the nodes.
      for (const n of step.repetitions.flatMap((rep) => rep.resources?.nodes ?? [])) {
        delete n.scope;
        delete n.outsideContainers;
      }
    }
  }
  return runResultSchema.parse(JSON.parse(JSON.stringify(r)));
}

/** From `heading` to the next level-2 heading. */
function sectionOf(report: string, heading: string): string {
  const start = report.indexOf(`${heading}\n`);
  if (start < 0) throw new Error(`no "${heading}" in the report`);
  const end = report.indexOf('\n## ', start + heading.length);
  return end < 0 ? report.slice(start) : report.slice(start, end);
}

describe('report: cost per 1000 req/s and CPU outside containers', () => {
  it('still reads and renders a result written before these figures existed, without their sections', () => {
    const report = renderMarkdown(withResources('machine', { newFields: false }));
    expect(report).toContain('## Resources (kubelet /metrics/resource)');
    expect(report).not.toContain('## Cost per 1000 req/s');
    expect(report).not.toContain('## Outside containers');
  });

  it('prints vCPU and MiB per 1000 req/s per role, with intervals and the load they were measured at', () => {
    const report = renderMarkdown(withResources('machine', { newFields: true }));
    const section = sectionOf(report, '## Cost per 1000 req/s');
    expect(section).toContain('### rate-1k\n\n| system | at (throughput) | data plane (sum) | node agents | workload |');
    expect(section).toContain('### conn-4');
    // Two servers at 0.2 cores and 40 MiB, two ztunnels at 0.05 cores and 12 MiB, at 1000 req/s.
    const ztunnels = '0.10 [0.10–0.10] vCPU, 24.0 [24.0–24.0] MiB';
    // Its data plane is the ztunnels alone: the sum column names them instead of repeating their figures.
    expect(section).toContain(`| istio-ambient | 1000 req/s [1000–1000] | = node agents | ${ztunnels} | 0.40 [0.40–0.40] vCPU, 80.0 [80.0–80.0] MiB |`);
    expect(section).toContain('| baseline | 1000 req/s [1000–1000] | – | – | 0.40 [0.40–0.40] vCPU, 80.0 [80.0–80.0] MiB |');
  });

  it('prints what the nodes spend outside containers, per 1000 req/s and against the reference system', () => {
    const report = renderMarkdown(withResources('machine', { newFields: true }));
    const section = sectionOf(report, '## Outside containers');
    // baseline: 2 × (0.45 − 0.2) = 0.5 cores; istio-ambient: 2 × (0.6 − 0.25) = 0.7; memory 2 × (1000 − 40[−12]) MiB.
    expect(section).toContain('| baseline | 2 | 0.50 [0.50–0.50] vCPU, 1920.0 [1920.0–1920.0] MiB | 0.90 [0.90–0.90] vCPU, 2000.0 [2000.0–2000.0] MiB | 0.50 [0.50–0.50] vCPU, 1920.0 [1920.0–1920.0] MiB | – |');
    expect(section).toContain('| istio-ambient | 2 | 0.70 [0.70–0.70] vCPU, 1896.0 [1896.0–1896.0] MiB | 1.20 [1.20–1.20] vCPU, 2000.0 [2000.0–2000.0] MiB | 0.70 [0.70–0.70] vCPU, 1896.0 [1896.0–1896.0] MiB | +0.20 [+0.20, +0.20] |');
    expect(section).toContain('| istio-ambient | w1 | 0.35 [0.35–0.35] vCPU, 948.0 [948.0–948.0] MiB | 0.60 [0.60–0.60] vCPU, 1000.0 [1000.0–1000.0] MiB |');
  });

  it('gives the difference from the reference as the seeded bootstrap of both systems\' per-repetition values', () => {
    const r = withResources('machine', { newFields: true, varyByRepetition: true });
    const at = (id: string) => r.systems.find((x) => x.id === id)!.steps.find((st) => st.name === 'rate-1k')!.aggregate.outsideContainers!;
    const ref = at('baseline');
    const sys = at('istio-ambient');
    if (!ref.measured || !sys.measured) throw new Error('expected measured figures');
    // Per repetition 2 × 0.1 × rep more on each of 2 nodes: baseline 0.7, 0.9, 1.1; istio-ambient (reps 1 and 3) 1.1, 1.9.
    expect(ref.cpuPerThousandRpsByRepetition.map((v) => Number(v.toFixed(9)))).toEqual([0.7, 0.9, 1.1]);
    expect(sys.cpuPerThousandRpsByRepetition.map((v) => Number(v.toFixed(9)))).toEqual([1.1, 1.9]);
    const d = bootstrapDeltaInterval(ref.cpuPerThousandRpsByRepetition, sys.cpuPerThousandRpsByRepetition, {
      seed: deriveSeed(r.scenario.seed, 'outsideContainers:delta:rate-1k:istio-ambient'),
    });
    expect(d.value).toBeCloseTo(0.6, 9);
    expect(d.ci95[1]).toBeGreaterThan(d.ci95[0]);
    const signed = (x: number): string => (x.toFixed(2) === '0.00' ? '0.00' : `+${x.toFixed(2)}`);
    const cell = `${signed(d.value)} [${signed(d.ci95[0])}, ${signed(d.ci95[1])}]`;
    expect(sectionOf(renderMarkdown(r), '## Outside containers')).toMatch(new RegExp(`^\\| istio-ambient \\| 2 \\|.*\\| ${cell.replace(/[[\]+.]/g, '\\$&')} \\|$`, 'm'));
  });

  it('says on kind why nothing outside containers is measured, and prints no number for it', () => {
    const report = renderMarkdown(withResources('kind-node', { newFields: true }));
    const section = sectionOf(report, '## Outside containers');
    expect(section).toMatch(/^baseline, istio-ambient: not measured on kind: each kind node is a container sharing one host kernel/m);
    expect(section).not.toContain('vCPU');
    // The cost per role does not depend on the nodes: it is there on kind too.
    expect(report).toContain('## Cost per 1000 req/s');
  });
});
