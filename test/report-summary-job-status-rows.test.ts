import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { renderJobSummary } from '../src/report/render-job-summary.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const WHERE = { report: 'run/report.md' };

function statusLines(edit: (r: RunResult) => void): string[] {
  const r = structuredClone(loadTwoSystemFixture());
  edit(r);
  return renderJobSummary(r, WHERE).split('\n');
}

describe('the job summary’s status rows', () => {
  it('give each system’s status, where a failure happened, and valid of all repetitions', () => {
    expect(statusLines(() => {}).slice(0, 9)).toEqual([
      '## mesh-bench two-systems: run failed',
      '',
      'Run `2026-11-21T05-49-00Z-two-systems`: 2 of 3 systems completed.',
      '',
      '| system | status | valid repetitions |',
      '|---|---|---:|',
      '| baseline | completed | 6/6 |',
      '| istio-ambient | completed | 5/6 |',
      '| istio | failed at `prepare`: command failed (exit code 1): istioctl install --skip-confirmation --set profile=minimal --kubeconfig /tmp/mesh-bench-Qx81f2/istio/kubeconfig | 0/0 |',
    ]);
  });

  it('cut a failure message longer than 200 characters to 199 and an ellipsis, and keep one of 200 whole', () => {
    const failing = (message: string): string =>
      statusLines((r) => {
        const s = r.systems[1]!;
        s.status = 'failed';
        s.failure = { step: 'installMesh', message };
      })[7]!;
    const long = `${'a'.repeat(199)}bc`;
    expect(failing(long)).toBe(`| ${loadTwoSystemFixture().systems[1]!.id} | failed at \`installMesh\`: ${'a'.repeat(199)}… | 5/6 |`);
    const exact = 'b'.repeat(200);
    expect(failing(exact)).toContain(`failed at \`installMesh\`: ${exact} |`);
    expect(failing('helm\n  timed out')).toContain('failed at `installMesh`: helm timed out |');
  });

  it('give a failed system without a failure record its status alone', () => {
    const row = statusLines((r) => {
      r.systems[1]!.status = 'failed';
      r.systems[1]!.failure = null;
    })[7];
    expect(row).toBe(`| ${loadTwoSystemFixture().systems[1]!.id} | failed | 5/6 |`);
  });

  it('say one system in the singular, and have no table without systems', () => {
    expect(statusLines((r) => (r.systems = r.systems.slice(0, 1)))[2]).toMatch(/: [01] of 1 system completed\.$/);
    const none = statusLines((r) => {
      r.systems = [];
      r.comparisons = [];
    });
    expect(none[2]).toMatch(/: 0 of 0 systems completed\.$/);
    expect(none.some((l) => l.startsWith('| system | status |'))).toBe(false);
    expect(none.filter((l) => l !== '').at(-1)).toBe('Full report: `run/report.md`');
  });
});
