import { describe, expect, it } from 'vitest';
import { compareRuns, type CompareInput } from '../src/compare/compare-runs.js';
import { compareReportSchema, type CompareReport, type CompareRow } from '../src/compare/compare-report.js';
import { DEFAULT_GATE } from '../src/compare/gate-flags.js';
import { syntheticRecord, type SyntheticStep } from './helpers/compare-run-factory.js';

const OLD_P50 = [1000, 1010, 990, 1005, 995];

function pair(oldStep: SyntheticStep, newStep: SyntheticStep, o: { newCpu?: string; allow?: boolean } = {}): CompareReport {
  const oldRun = syntheticRecord({ runId: 'night-1', createdAt: '2026-11-01T02:00:00.000Z', systems: { linkerd: { r1000: oldStep } } });
  const newRun = syntheticRecord({
    runId: 'night-2',
    createdAt: '2026-11-02T02:00:00.000Z',
    systems: { linkerd: { r1000: newStep } },
    ...(o.newCpu ? { cpuModel: o.newCpu } : {}),
  });
  const input: CompareInput = {
    mode: 'runs',
    oldLabel: 'old.json',
    newLabel: 'new.json',
    oldRun,
    newRun,
    history: null,
    gate: { ...DEFAULT_GATE, allowDifferentMachines: Boolean(o.allow) },
  };
  return compareReportSchema.parse(compareRuns(input));
}

function row(report: CompareReport, metric: string): CompareRow {
  const found = report.rows.find((r) => r.metric === metric);
  if (!found) throw new Error(`no row ${metric}: ${report.rows.map((r) => r.metric).join(', ')}`);
  return found;
}

describe('bench compare on runs whose truth is known', () => {
  it('identical runs are clean: every change is 0 and nothing is significant', () => {
    const report = pair({ p50s: OLD_P50 }, { p50s: OLD_P50 });
    expect(report.outcome).toBe('clean');
    expect(report.regressions).toBe(0);
    expect(report.rows.map((r) => r.metric)).toEqual(['p50', 'p99', 'p999', 'throughput']);
    for (const r of report.rows) {
      expect(r.change?.value).toBe(0);
      expect(r.verdict).toBe('not-significant');
    }
  });

  it('a +200 µs shift of every repetition is a regression of +200 µs (+20%) at p = 2/252, for p50, p99 and p99.9', () => {
    const report = pair({ p50s: OLD_P50 }, { p50s: OLD_P50.map((v) => v + 200) });
    expect(report.outcome).toBe('regression');
    expect(report.regressions).toBe(3);
    const p50 = row(report, 'p50');
    expect(p50.verdict).toBe('regression');
    expect(p50.change?.value).toBe(200);
    expect(p50.changeFraction?.value).toBeCloseTo(200 / 1000, 6);
    expect(p50.pValue).toBeCloseTo(2 / 252, 12);
    expect(p50.change?.ci95[0]).toBeGreaterThan(0);
    // p99 = p50 + 500 µs: 1500 → 1700, +13.3%, beyond both 10% and 0.1 ms.
    expect(row(report, 'p99')).toMatchObject({ verdict: 'regression', change: { value: 200 } });
    expect(row(report, 'p99').changeFraction?.value).toBeCloseTo(200 / 1505, 3);
    expect(row(report, 'throughput').verdict).toBe('not-significant');
  });

  it('the same shift downwards is an improvement, which does not fail the gate', () => {
    const report = pair({ p50s: OLD_P50 }, { p50s: OLD_P50.map((v) => v - 200) });
    expect(row(report, 'p50')).toMatchObject({ verdict: 'improvement', change: { value: -200 } });
    expect(report.outcome).toBe('clean');
  });

  it('noisy but unshifted runs are not significant, and say what size of change they could have seen', () => {
    const report = pair({ p50s: [800, 1200, 950, 1100, 1000] }, { p50s: [1210, 790, 1050, 960, 990] });
    const p50 = row(report, 'p50');
    expect(p50.verdict).toBe('not-significant');
    expect(p50.pValue).toBeGreaterThan(0.5);
    expect(p50.minimumDetectable).toBeGreaterThan(100);
    expect(p50.reason).toMatch(/^p=(1|0\.\d+) ≥ 0\.01; no change larger than \d+ µs could be seen$/);
    expect(report.outcome).toBe('clean');
  });

  it('significant but below the 10% threshold is not a regression (+50 µs on 1 ms: 5%)', () => {
    const report = pair({ p50s: OLD_P50 }, { p50s: OLD_P50.map((v) => v + 50) });
    const p50 = row(report, 'p50');
    expect(p50.pValue).toBeLessThan(0.01);
    expect(p50).toMatchObject({ verdict: 'below-threshold', reason: '+5.0% is within the 10.0% threshold' });
    expect(report.outcome).toBe('clean');
  });

  it('beyond 10% but not beyond 0.1 ms is not a regression (600 → 690 µs: +15%, +90 µs)', () => {
    const base = [600, 605, 595, 602, 598];
    const report = pair({ p50s: base, p99s: base.map((v) => v + 100) }, { p50s: base.map((v) => v + 90), p99s: base.map((v) => v + 190) });
    expect(row(report, 'p50')).toMatchObject({ verdict: 'below-threshold', reason: '+90 µs is within the 100 µs minimum' });
    expect(report.regressions).toBe(0);
  });

  it('three repetitions a side can never be significant at 0.01, and the reason says so', () => {
    const report = pair({ p50s: [1000, 1010, 990] }, { p50s: [1500, 1510, 1490] });
    const p50 = row(report, 'p50');
    expect(p50.verdict).toBe('not-significant');
    expect(p50.minimumPValue).toBeCloseTo(0.1, 10);
    expect(p50.reason).toContain('3 v 3 repetitions cannot reach p < 0.01 (smallest possible p 0.1)');
    expect(p50.coverageWarning).toMatch(/3 v 3 repetitions/);
  });

  it('memory of a role 20% higher is a regression; CPU 5% higher is below the threshold', () => {
    const memory = [100e6, 101e6, 99e6, 100.5e6, 99.5e6];
    const cpu = [0.2, 0.201, 0.199, 0.2005, 0.1995];
    const report = pair(
      { p50s: OLD_P50, resources: { role: 'sidecar-proxy', memoryBytes: memory, cpuCores: cpu } },
      { p50s: OLD_P50, resources: { role: 'sidecar-proxy', memoryBytes: memory.map((m) => m * 1.2), cpuCores: cpu.map((c) => c * 1.05) } },
    );
    expect(report.rows.map((r) => r.metric)).toEqual(['p50', 'p99', 'p999', 'throughput', 'memory:sidecar-proxy', 'cpu:sidecar-proxy']);
    const mem = row(report, 'memory:sidecar-proxy');
    expect(mem).toMatchObject({ verdict: 'regression', unit: 'bytes', role: 'sidecar-proxy' });
    expect(mem.changeFraction?.value).toBeCloseTo(0.2, 2);
    expect(row(report, 'cpu:sidecar-proxy').verdict).toBe('below-threshold');
    expect(report.regressions).toBe(1);
  });

  it('runs on different CPU models are not judged unless allowed, and then every row says so', () => {
    const shifted = { p50s: OLD_P50.map((v) => v + 200) };
    const refused = pair({ p50s: OLD_P50 }, shifted, { newCpu: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz' });
    expect(refused.outcome).toBe('not-judged');
    expect(refused.rows.every((r) => r.verdict === 'not-judged' && !r.sameMachine)).toBe(true);
    expect(refused.notes.some((n) => n.includes('different machines') && n.endsWith('not judged'))).toBe(true);

    const allowed = pair({ p50s: OLD_P50 }, shifted, { newCpu: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', allow: true });
    expect(allowed.outcome).toBe('regression');
    expect(row(allowed, 'p50').covers).toContain('different machines: their difference is part of the change');
    expect(allowed.pairs).toEqual([
      {
        oldSystem: 'linkerd',
        newSystem: 'linkerd',
        oldRunner: { cpuModel: 'AMD EPYC 7763 64-Core Processor', cores: 4 },
        newRunner: { cpuModel: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz', cores: 4 },
        sameMachine: false,
      },
    ]);
  });

  it('a merged run is judged per system: a system whose runner changed CPU model is not judged, the others are', () => {
    const systems = { istio: { r1000: { p50s: OLD_P50 } }, linkerd: { r1000: { p50s: OLD_P50 } } };
    const shifted = { istio: { r1000: { p50s: OLD_P50.map((v) => v + 200) } }, linkerd: { r1000: { p50s: OLD_P50.map((v) => v + 200) } } };
    const runner = (cpuModel: string) => ({ run: 'x', hostname: 'runner', cpuModel, cores: 4, kernel: '6.8', calibration: null });
    const withRunners = (record: ReturnType<typeof syntheticRecord>, linkerdCpu: string) => ({
      ...record,
      systems: record.systems.map((s) => ({ ...s, runner: runner(s.id === 'linkerd' ? linkerdCpu : 'AMD EPYC 7763') })),
    });
    const report = compareRuns({
      mode: 'runs',
      oldLabel: 'old',
      newLabel: 'new',
      oldRun: withRunners(syntheticRecord({ runId: 'n1', createdAt: '2026-11-01T02:00:00.000Z', systems }), 'AMD EPYC 7763'),
      newRun: withRunners(syntheticRecord({ runId: 'n2', createdAt: '2026-11-02T02:00:00.000Z', systems: shifted }), 'Intel Xeon 8370C'),
      history: null,
      gate: DEFAULT_GATE,
    });
    expect(report.new.perSystemRunners).toBe(true);
    expect(report.rows.filter((r) => r.newSystem === 'linkerd').every((r) => r.verdict === 'not-judged')).toBe(true);
    expect(report.rows.find((r) => r.newSystem === 'istio' && r.metric === 'p50')).toMatchObject({ verdict: 'regression', sameMachine: true });
    expect(report.notes).toContain('linkerd: different machines: AMD EPYC 7763, 4 cores (old) vs Intel Xeon 8370C, 4 cores (new): not judged');
  });

  it('two systems of one run: b against a, labelled as two clusters of one run', () => {
    const run = syntheticRecord({
      runId: 'night-1',
      createdAt: '2026-11-01T02:00:00.000Z',
      systems: { 'istio-ambient': { r1000: { p50s: OLD_P50 } }, linkerd: { r1000: { p50s: OLD_P50.map((v) => v + 300) } } },
    });
    const report = compareRuns({
      mode: 'systems',
      oldLabel: 'run.json',
      newLabel: 'run.json',
      oldRun: run,
      newRun: run,
      pairs: [{ oldSystem: 'istio-ambient', newSystem: 'linkerd' }],
      history: null,
      gate: DEFAULT_GATE,
    });
    const p50 = row(report, 'p50');
    expect(p50).toMatchObject({ oldSystem: 'istio-ambient', newSystem: 'linkerd', verdict: 'regression', change: { value: 300 } });
    expect(p50).toMatchObject({ scope: 'cross-cluster', covers: 'repetitions of two clusters of one run; same runner class; not install-to-install variation (no --history)' });
  });

  it('a mesh against its own unmeshed namespace is within one cluster: no noise floor from history is applied', () => {
    const mk = (runId: string, day: string, shift: number) =>
      syntheticRecord({
        runId,
        createdAt: `2026-11-${day}T02:00:00.000Z`,
        systems: { 'linkerd/unmeshed': { r1000: { p50s: OLD_P50 } }, linkerd: { r1000: { p50s: OLD_P50.map((v) => v + shift) } } },
      });
    // Nights whose linkerd medians wander by ±500 µs: a cross-cluster floor far above the +200 µs shift.
    const history = [mk('n1', '01', 0), mk('n2', '02', 500), mk('n3', '03', -300), mk('n4', '04', 800)];
    const run = mk('n5', '05', 200);
    const report = compareRuns({
      mode: 'systems',
      oldLabel: 'run.json',
      newLabel: 'run.json',
      oldRun: run,
      newRun: run,
      pairs: [{ oldSystem: 'linkerd/unmeshed', newSystem: 'linkerd' }],
      history: { runs: history, skipped: [] },
      gate: DEFAULT_GATE,
    });
    const p50 = row(report, 'p50');
    expect(p50).toMatchObject({ scope: 'within-cluster', verdict: 'regression', noiseFloor: { floor: null, oldNights: 0 } });
    expect(p50.covers).toBe('repetitions of two namespaces of one cluster; one install: no install-to-install variation');
    expect(report.history?.used).toEqual([]);
  });
});
