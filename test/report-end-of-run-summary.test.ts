import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { renderSummary } from '../src/report/render-summary.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const paths = { json: 'results/r/results.json', report: 'results/r/report.md' };

describe('the end-of-run summary on the terminal', () => {
  let text: string;
  let lines: string[];
  beforeEach(() => {
    text = renderSummary(loadTwoSystemFixture(), paths);
    lines = text.trimEnd().split('\n');
  });

  it('gives per system and step the median p50, p99, throughput and valid repetitions', () => {
    expect(lines[0]).toBe('run 2026-11-21T05-49-00Z-two-systems: failed');
    const header = lines.find((l) => l.includes('valid reps'))!;
    expect(header.trim().split(/\s{2,}/)).toEqual(['system', 'step', 'p50', 'p99', 'throughput', 'valid reps', 'added p50', 'added p99', 'vs']);
    const row = lines.find((l) => /^\s+baseline\s+rate-1k/.test(l))!;
    expect(row).toMatch(/\b320 µs\b/);
    expect(row).toMatch(/3\/3/);
  });

  it('gives the added latency against what the verdict compares with, and nothing for the reference itself', () => {
    const row = lines.find((l) => /^\s+istio-ambient\s+rate-1k/.test(l))!;
    expect(row).toMatch(/2\/3\s+\+87 µs\s+\+306 µs\s+baseline$/);
    expect(lines.find((l) => /^\s+baseline\s+rate-1k/.test(l))!).not.toMatch(/\+/);
    expect(text).toContain("added: median over repetitions minus that of the system under 'vs', same step");
  });

  it("ends the table with the verdict's sentence per compared system", () => {
    expect(text).toContain('  Against baseline in another cluster, istio-ambient made no significant difference to p99 at 1000 req/s (+306 µs');
    // The failed system is named on its own line above; no sentence repeats it.
    expect(text).not.toContain('istio failed at prepare (see Status)');
  });

  it('names the failed system and the step it failed in, with dashes where nothing was measured', () => {
    expect(text).toMatch(/^ {2}istio failed in prepare: /m);
    expect(lines.find((l) => /^\s+istio\s+rate-1k/.test(l))!).toMatch(/—\s+—\s+—\s+0\/0/);
    expect(text).toContain('invalid repetitions are excluded');
  });

  it('ends with the paths written', () => {
    expect(lines.slice(-2)).toEqual(['results: results/r/results.json', 'report:  results/r/report.md']);
  });
});

describe('bench run prints its expected duration first and the summary last', () => {
  it('on the local target, in process', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-summary-'));
    try {
      let stdout = '';
      let stderr = '';
      const code = await main(['run', '--target', 'local', '--mesh', 'baseline', '--scenario', 'test/fixtures/cli/quick.yaml', '--out', out], {
        io: { out: (t) => (stdout += t), err: (t) => (stderr += t) },
        cwd: process.cwd(),
        env: {},
        signal: new AbortController().signal,
      });
      expect(code).toBe(0);
      // quick.yaml: 2 repetitions × 2 steps × (0.2 s warm-up + 1 s) = 4.8 s of load.
      expect(stderr.split('\n')[0]).toBe('expected duration: 4.8s of load (1 namespace × 4.8s), plus a few seconds to start the workload servers');
      const [json, report] = stdout.trim().split('\n');
      expect(stderr).toMatch(/^run \d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-quick: completed$/m);
      expect(stderr).toMatch(/^ {2}baseline\s+rate-200\s+[\d.]+ (µs|ms)\s+[\d.]+ (µs|ms)\s+\d+ req\/s\s+\d\/2$/m);
      expect(stderr.trimEnd().split('\n').slice(-2)).toEqual([`results: ${json}`, `report:  ${report}`]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
