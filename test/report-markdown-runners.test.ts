import { describe, expect, it } from 'vitest';
import { renderRunners } from '../src/report/render-runners.js';
import type { Runner } from '../src/core/result-schema.js';

const runnerA: Runner = { run: 'run-a', hostname: 'gha-1', cpuModel: 'AMD EPYC 7763', cores: 4, kernel: '6.8.0', calibration: { maxRate: 4000, workers: 1, reason: 'ok' } };
const runnerB: Runner = { run: 'run-b', hostname: 'gha-2', cpuModel: 'Intel Xeon 8370C', cores: 2, kernel: '6.5.0', calibration: { maxRate: null, workers: 1, reason: 'pacing too uneven' } };
const runnerC: Runner = { run: 'run-c', hostname: 'gha-3', cpuModel: 'AMD EPYC 7763', cores: 4, kernel: '6.8.0', calibration: null };

const INTRO = (runs: string) =>
  `Merged from ${runs} (\`bench merge\`). Every overhead in this report was taken within one runner’s run: each mesh against the baseline cluster measured ` +
  'on its own runner (`baseline@<mesh>`) and against its own unmeshed namespace. Numbers measured on different runners are never subtracted: runners of ' +
  'one class differ in CPU model.';
const HEADER = '| system | runner | CPU | cores | kernel | calibration | run |\n|---|---|---|---:|---|---|---|';

describe('report: runners of a merged run', () => {
  it('gives each system its runner and calibration, and counts the runs merged from (a run may leave no system here)', () => {
    const r = {
      mergedFrom: [{ runId: 'run-a' }, { runId: 'run-b' }, { runId: 'run-c' }, { runId: 'run-d' }],
      systems: [
        { id: 'baseline@istio', runner: runnerA },
        { id: 'istio', runner: runnerA },
        { id: 'linkerd', runner: runnerB },
        { id: 'cilium', runner: runnerC },
        { id: 'local' },
      ],
    };
    expect(renderRunners(r)).toBe(
      [
        '## Runners',
        '',
        INTRO('4 per-runner runs'),
        '',
        HEADER,
        '| baseline@istio | gha-1 | AMD EPYC 7763 | 4 | 6.8.0 | accurate up to 4000 req/s | run-a |',
        '| istio | gha-1 | AMD EPYC 7763 | 4 | 6.8.0 | accurate up to 4000 req/s | run-a |',
        '| linkerd | gha-2 | Intel Xeon 8370C | 2 | 6.5.0 | no rate met the targets (pacing too uneven) | run-b |',
        '| cilium | gha-3 | AMD EPYC 7763 | 4 | 6.8.0 | not calibrated | run-c |',
      ].join('\n'),
    );
  });

  it('without the list of merged runs counts the distinct runs of the systems, in the singular for one', () => {
    const one = renderRunners({ systems: [{ id: 'a', runner: runnerA }, { id: 'b', runner: runnerA }] })!;
    expect(one.split('\n')[2]).toBe(INTRO('1 per-runner run'));
    const two = renderRunners({ systems: [{ id: 'a', runner: runnerA }, { id: 'b', runner: runnerB }, { id: 'c', runner: runnerA }] })!;
    expect(two.split('\n')[2]).toBe(INTRO('2 per-runner runs'));
  });

  it('in a crowded run writes each runner once, naming its systems', () => {
    const systems = Array.from({ length: 11 }, (_, i) => ({ id: `s${i}`, runner: i % 2 === 0 ? runnerA : runnerB }));
    expect(renderRunners({ systems })!.split('\n').slice(4)).toEqual([
      ...HEADER.split('\n'),
      '| s0, s2, s4, s6, s8, s10 | gha-1 | AMD EPYC 7763 | 4 | 6.8.0 | accurate up to 4000 req/s | run-a |',
      '| s1, s3, s5, s7, s9 | gha-2 | Intel Xeon 8370C | 2 | 6.5.0 | no rate met the targets (pacing too uneven) | run-b |',
    ]);
  });

  it('renders nothing for a single run, whose machine is under Environment', () => {
    expect(renderRunners({ systems: [{ id: 'baseline' }, { id: 'istio', runner: undefined }] })).toBeNull();
  });
});
