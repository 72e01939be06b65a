import { describe, expect, it } from 'vitest';
import { renderResources } from '../src/report/render-resources.js';
import { MiB, est, reportRun, reportStep, reportSystem, repetitionOnNodes, role, roles } from './helpers/report-resources-run.js';

const INTRO =
  'Memory is the working set; CPU the rate of the usage counter between kubelet refreshes (every 10–15 s). ';
const TAIL = "Mesh components run at their upstream default requests and limits (no overrides); the workload's are identical for every system.";
const HEADER =
  '| system | sidecar proxies | node agents | waypoints | control plane | workload | load client | data plane per meshed pod | node agents per node |\n|---|---|---|---|---|---|---|---|---|';

describe('report: the resources table by role', () => {
  it('gives each role its mean working set, highest maximum and CPU (millicores below one core), and the data plane per pod and per node', () => {
    const baseline = reportSystem('baseline', [
      reportStep('rate-1k', { resources: roles({ workload: role(2, 40 * MiB, 50 * MiB, 0.25), 'load-client': role(1, 512, 1024, 1.5) }) }),
      reportStep('conn-4', { resources: null }),
    ]);
    // Its steps in the other order: each system's row is read from the step of the table's name.
    const istio = reportSystem('istio', [
      reportStep('conn-4', { resources: roles({ workload: role(2, 41 * MiB, 52 * MiB, 1) }) }),
      reportStep(
        'rate-1k',
        {
          resources: roles({
            'sidecar-proxy': role(2, 60 * MiB, 70 * MiB, 0.1234),
            'node-agent': role(3, 30 * MiB, 33 * MiB, 0.9995),
            waypoint: role(1, 2048, 4096, 0.0004),
            'control-plane': role(1, 3 * 1024 * MiB, 4 * 1024 * MiB, 0.999),
            workload: role(2, 40 * MiB, 50 * MiB, 0.25),
          }),
        },
        // The first repetition has no resource data: the node count is the first repetition's that has some.
        [repetitionOnNodes(1, null), repetitionOnNodes(2, 3)],
      ),
    ]);
    expect(renderResources(reportRun([baseline, istio]))).toBe(
      [
        '## Resources (kubelet /metrics/resource)',
        '',
        `${INTRO}Each cell: median over repetitions of the mean, then the highest maximum. ${TAIL}`,
        '',
        '### rate-1k',
        '',
        HEADER,
        '| baseline | – | – | – | – | 40.0 MiB (max 50.0 MiB), 250 m | 512 B (max 1.0 KiB), 1.50 cores | – | – |',
        // Sidecars: 60 MiB over 2 pods; node agents: 30 MiB over the 3 nodes of repetition 2.
        '| istio | 60.0 MiB (max 70.0 MiB), 123 m | 30.0 MiB (max 33.0 MiB), 1000 m | 2.0 KiB (max 4.0 KiB), 0 m | 3.0 GiB (max 4.0 GiB), 999 m | 40.0 MiB (max 50.0 MiB), 250 m | – | 30.0 MiB | 10.0 MiB |',
        '',
        '### conn-4',
        '',
        HEADER,
        '| istio | – | – | – | – | 41.0 MiB (max 52.0 MiB), 1.00 cores | – | – | – |',
      ].join('\n'),
    );
  });

  it('leaves the per-node figure out when no repetition says how many nodes there were', () => {
    const agents = roles({ 'node-agent': role(2, 20 * MiB, 30 * MiB, 0.2) });
    const sys = reportSystem('cilium', [reportStep('rate-1k', { resources: agents }, [repetitionOnNodes(1, null), repetitionOnNodes(2, null)])]);
    const report = renderResources(reportRun([sys]));
    expect(report?.split('\n').at(-1)).toBe('| cilium | – | 20.0 MiB (max 30.0 MiB), 200 m | – | – | – | – | – | – |');
  });

  it('renders nothing for a run without resource data (the local target)', () => {
    const run = reportRun([reportSystem('baseline', [reportStep('rate-1k', { resources: null }), reportStep('conn-4', {})])]);
    expect(renderResources(run)).toBeNull();
  });

  it('is followed by the cost per 1000 req/s section, one blank line apart', () => {
    const cost = { workload: { cpuCores: est(0.25), memoryBytes: est(40 * MiB), repetitions: 3 } };
    const sys = reportSystem('baseline', [reportStep('rate-1k', { resources: roles({ workload: role(1, 1024, 2048, 0.5) }), perThousandRps: cost })]);
    const report = renderResources(reportRun([sys]))!;
    expect(report).toContain('| baseline | – | – | – | – | 1.0 KiB (max 2.0 KiB), 500 m | – | – | – |\n\n## Cost per 1000 req/s\n\n');
    expect(report.startsWith('## Resources (kubelet /metrics/resource)\n\n')).toBe(true);
    expect(report).not.toContain('## Outside containers');
  });
});

describe('report: the resources table of a crowded run', () => {
  const res = roles({ 'sidecar-proxy': role(2, 60 * MiB, 70 * MiB, 0.1), workload: role(2, 40 * MiB, 50 * MiB, 0.25) });
  const crowd = (stepNames: string[]) =>
    Array.from({ length: 11 }, (_, i) => reportSystem(i === 0 ? 'baseline' : `mesh-${i}`, stepNames.map((name) => reportStep(name, { resources: res }))));
  const row = (id: string) => `| ${id} | 60.0 MiB, 100 m | – | – | – | 40.0 MiB, 250 m | – | 30.0 MiB | – |`;
  const ids = ['baseline', ...Array.from({ length: 10 }, (_, i) => `mesh-${i + 1}`)];

  it('gives the headline step alone, medians without maxima, and says where the rest is', () => {
    expect(renderResources(reportRun(crowd(['conn-4', 'rate-1k'])))).toBe(
      [
        '## Resources (kubelet /metrics/resource)',
        '',
        `${INTRO}Each cell: median over repetitions of the mean (with this many systems the highest maximum is left to record.json.gz, \`aggregate.resources\`). ` +
          "With this many systems the table is the headline step's (rate-1k) alone: every step's figures are in record.json.gz (`aggregate.resources`) and in the run's results.json (the workflow's artefact). " +
          TAIL,
        '',
        '### rate-1k',
        '',
        HEADER,
        ...ids.map(row),
      ].join('\n'),
    );
  });

  it('says nothing of a headline step when the run has a single step', () => {
    const report = renderResources(reportRun(crowd(['conn-4'])))!;
    expect(report.split('\n')[2]).toBe(
      `${INTRO}Each cell: median over repetitions of the mean (with this many systems the highest maximum is left to record.json.gz, \`aggregate.resources\`). ${TAIL}`,
    );
    expect(report).toContain(`### conn-4\n\n${HEADER}\n${row('baseline')}`);
  });

  it('shows every step when none of them is the headline step', () => {
    const report = renderResources(reportRun(crowd(['conn-4', 'other'])))!;
    expect(report).not.toContain("headline step's");
    expect(report).toContain(`### conn-4\n\n${HEADER}\n${row('baseline')}`);
    expect(report).toContain(`### other\n\n${HEADER}\n${row('baseline')}`);
  });

  it('with ten systems is not crowded: every step, with maxima', () => {
    const report = renderResources(reportRun(crowd(['conn-4', 'rate-1k']).slice(0, 10)))!;
    expect(report).toContain('### conn-4');
    expect(report).toContain('| mesh-9 | 60.0 MiB (max 70.0 MiB), 100 m | – | – | – | 40.0 MiB (max 50.0 MiB), 250 m | – | 30.0 MiB | – |');
  });
});
