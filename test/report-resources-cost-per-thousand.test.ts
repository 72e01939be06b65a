import { describe, expect, it } from 'vitest';
import { renderCostPerThousand } from '../src/report/render-resources.js';
import type { ReportAggregate } from '../src/report/report-input.js';
import { MiB, est, reportRun, reportStep, reportSystem } from './helpers/report-resources-run.js';

const INTRO =
  "Each role's mean CPU and working set over the step, summed over its containers, divided by the step's achieved throughput ÷ 1000, per repetition; " +
  "the median over repetitions with its 95% interval. Units as on Istio's performance page (vCPU and memory per 1000 req/s; it writes MB, shown here as MiB). " +
  "A request crosses both the client's and the server's sidecar (and, in ambient, the ztunnel of both nodes), so a role's figure covers every proxy on the path: " +
  "Istio's figures are per proxy. The data plane is sidecars, node agents and waypoints added up within each repetition (`= node agents`: it is that one role, " +
  'whose column has the figures). Memory is not spent per request: it is the working set at the measured load ÷ (load ÷ 1000), comparable with a published ' +
  'figure only at the same load. Raw figures: the table above.';
const CROWDED =
  "With this many systems the tables give vCPU per 1000 req/s only: memory per 1000 req/s is the Resources table's working set ÷ (throughput ÷ 1000), " +
  'the throughput is under Results by step, and both are in record.json.gz (`aggregate.perThousandRps`).';

/** A role's cost: vCPU and MiB per 1000 req/s, each [median, low, high]. */
function cost(cpu: [number, number, number], mib: [number, number, number]) {
  return { cpuCores: est(...cpu), memoryBytes: est(mib[0] * MiB, mib[1] * MiB, mib[2] * MiB), repetitions: 3 };
}
function median(rps: number): ReportAggregate['median'] {
  return { p50Us: est(1), p90Us: est(1), p99Us: est(1), p999Us: est(1), throughput: est(rps, rps - 10, rps + 10) };
}

const ambient = () =>
  reportSystem('ambient', [
    reportStep('rate-1k', {
      median: median(1000),
      perThousandRps: { 'node-agent': cost([0.05, 0.04, 0.06], [12, 11, 13]), workload: cost([0.1, 0.1, 0.1], [40, 40, 40]) },
      dataPlanePerThousandRps: { ...cost([0.05, 0.04, 0.06], [12, 11, 13]), roles: ['node-agent'] },
    }),
  ]);

describe('report: cost per 1000 req/s', () => {
  it('gives each role present in some system a column, the data plane sum, and the throughput it was measured at', () => {
    const sidecar = reportSystem('sidecar', [
      reportStep('rate-1k', {
        median: median(990),
        // Tiny negative figures print without a sign they do not have at that precision.
        perThousandRps: { 'sidecar-proxy': cost([0.3, 0.25, 0.35], [60, 58, 62]), waypoint: cost([-0.0001, -0.0004, 0.0002], [-0.01, -0.04, 0.02]) },
        // Two roles: the sum is printed even where it rounds to the sidecars' figures.
        dataPlanePerThousandRps: { ...cost([0.3001, 0.25, 0.35], [60, 58, 62]), roles: ['sidecar-proxy', 'waypoint'] },
      }),
    ]);
    // One role whose figures differ from the sum's: the sum is printed, not the role's name.
    const lone = reportSystem('lone', [
      reportStep('rate-1k', {
        perThousandRps: { 'sidecar-proxy': cost([0.2, 0.1, 0.3], [60, 58, 62]) },
        dataPlanePerThousandRps: { ...cost([0.21, 0.1, 0.3], [60, 58, 62]), roles: ['sidecar-proxy'] },
      }),
    ]);
    // A step with no role in any system gets no table.
    const baseline = reportSystem('baseline', [
      reportStep('rate-1k', { median: median(1000), perThousandRps: { workload: cost([0.1, -0.05, 0.099], [40, 40, 40]) } }),
      reportStep('conn-4', { perThousandRps: {} }),
    ]);
    expect(renderCostPerThousand(reportRun([baseline, ambient(), sidecar, lone]))).toBe(
      [
        '## Cost per 1000 req/s',
        '',
        INTRO,
        '',
        '### rate-1k',
        '',
        '| system | at (throughput) | data plane (sum) | sidecar proxies | node agents | waypoints | workload |',
        '|---|---|---|---|---|---|---|',
        // 0.1 has two decimals, and so has its interval (−0.05 keeps its sign).
        '| baseline | 1000 req/s [990–1010] | – | – | – | – | 0.10 [-0.05–0.10] vCPU, 40.0 [40.0–40.0] MiB |',
        '| ambient | 1000 req/s [990–1010] | = node agents | – | 0.050 [0.040–0.060] vCPU, 12.0 [11.0–13.0] MiB | – | 0.10 [0.10–0.10] vCPU, 40.0 [40.0–40.0] MiB |',
        '| sidecar | 990 req/s [980–1000] | 0.30 [0.25–0.35] vCPU, 60.0 [58.0–62.0] MiB | 0.30 [0.25–0.35] vCPU, 60.0 [58.0–62.0] MiB | – | 0.000 [0.000–0.000] vCPU, 0.0 [0.0–0.0] MiB | – |',
        '| lone | – | 0.21 [0.10–0.30] vCPU, 60.0 [58.0–62.0] MiB | 0.20 [0.10–0.30] vCPU, 60.0 [58.0–62.0] MiB | – | – | – |',
      ].join('\n'),
    );
  });

  it('has no data plane column when no system has a data plane, and skips systems without the step', () => {
    const baseline = reportSystem('baseline', [reportStep('conn-4', { perThousandRps: { workload: cost([0.25, 0.2, 0.3], [40, 40, 40]) } })]);
    const other = reportSystem('other', [reportStep('rate-1k', { perThousandRps: null })]);
    expect(renderCostPerThousand(reportRun([other, baseline]))?.split('\n').slice(4)).toEqual([
      '### conn-4',
      '',
      '| system | at (throughput) | workload |',
      '|---|---|---|',
      '| baseline | – | 0.25 [0.20–0.30] vCPU, 40.0 [40.0–40.0] MiB |',
    ]);
  });

  it('renders nothing when no step has the figures', () => {
    const run = reportRun([reportSystem('baseline', [reportStep('rate-1k', { perThousandRps: {} }), reportStep('conn-4', {})])]);
    expect(renderCostPerThousand(run)).toBeNull();
  });
});

describe('report: cost per 1000 req/s of a crowded run', () => {
  const crowd = (stepNames: string[]) =>
    Array.from({ length: 11 }, (_, i) =>
      i === 1
        ? ambient()
        : reportSystem(
            i === 0 ? 'baseline' : `mesh-${i}`,
            stepNames.map((name) => reportStep(name, { median: median(1000), perThousandRps: { workload: cost([0.5, 0.4, 0.6], [40, 40, 40]) } })),
          ),
    );

  it('gives vCPU only, at the headline step, and says where memory and the other steps are', () => {
    const ids = ['baseline', ...Array.from({ length: 9 }, (_, i) => `mesh-${i + 2}`)];
    expect(renderCostPerThousand(reportRun(crowd(['conn-4', 'rate-1k'])))).toBe(
      [
        '## Cost per 1000 req/s',
        '',
        INTRO,
        '',
        `${CROWDED} With this many systems the table is the headline step's (rate-1k) alone: every step's figures are in record.json.gz (\`aggregate.perThousandRps\`) and in the run's results.json (the workflow's artefact).`,
        '',
        '### rate-1k',
        '',
        '| system | data plane (sum) (vCPU) | node agents (vCPU) | workload (vCPU) |',
        '|---|---|---|---|',
        '| baseline | – | – | 0.50 [0.40–0.60] |',
        '| ambient | = node agents | 0.050 [0.040–0.060] | 0.10 [0.10–0.10] |',
        ...ids.slice(1).map((id) => `| ${id} | – | – | 0.50 [0.40–0.60] |`),
      ].join('\n'),
    );
  });

  it('says nothing of a headline step when the run has one step', () => {
    const report = renderCostPerThousand(reportRun(crowd(['rate-1k'])))!;
    expect(report.split('\n')[4]).toBe(CROWDED);
    expect(report.split('\n')[6]).toBe('### rate-1k');
  });
});
