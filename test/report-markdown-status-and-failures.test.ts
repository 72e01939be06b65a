import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/report/render-markdown.js';
import type { RunResult } from '../src/core/result-schema.js';
import { section } from './helpers/markdown-sections.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

/** The fixture cut to baseline (completed) and istio (stopped), run status as given. */
function twoSystems(runStatus: RunResult['status']): RunResult {
  const r = loadTwoSystemFixture();
  r.systems = [r.systems[0]!, r.systems[2]!];
  r.status = runStatus;
  return r;
}
const TABLE = [
  '| system | target | status | started | finished |',
  '|---|---|---|---|---|',
  '| baseline | kind | completed | 2026-11-21T05:49:01.000Z | 2026-11-21T05:55:43.000Z |',
];

describe('report: status and failures', () => {
  it('shows the last 60 lines of an interrupted system\'s output, without colour codes, and how many more results.json has', () => {
    const r = twoSystems('interrupted');
    const istio = r.systems[1]!;
    istio.status = 'interrupted';
    const output = Array.from({ length: 62 }, (_, i) => `\u001b[31mline ${i + 1}\u001b[0m`).join('\r\n');
    istio.failure = { step: 'measure', message: 'interrupted\nby SIGINT', output: `${output}\n\n` };
    expect(section(renderMarkdown(r), '## Status').split('\n')).toEqual([
      '',
      'Run **interrupted**: 1 of 2 systems completed.',
      '',
      ...TABLE,
      '| istio | kind | interrupted | 2026-11-21T06:04:13.000Z | 2026-11-21T06:10:02.000Z |',
      '',
      '### istio was interrupted at `measure`',
      '',
      'interrupted by SIGINT',
      '',
      'Its output (last 60 lines; 2 more in results.json):',
      '',
      '```text',
      ...Array.from({ length: 60 }, (_, i) => `line ${i + 3}`),
      '```',
      '',
    ]);
  });

  it('shows exactly 60 lines of output whole, and no output section for blank output or no command', () => {
    const r = twoSystems('failed');
    const [baseline, istio] = r.systems as [RunResult['systems'][number], RunResult['systems'][number]];
    baseline.status = 'failed';
    baseline.failure = { step: 'deployWorkload', message: 'rollout timed out', output: Array.from({ length: 60 }, (_, i) => `l${i}`).join('\n') };
    istio.status = 'failed';
    istio.failure = { step: 'installMesh', message: 'no istioctl', output: ' \n ' };
    expect(section(renderMarkdown(r), '## Status').split('\n')).toEqual([
      '',
      'Run **failed**: 0 of 2 systems completed.',
      '',
      '| system | target | status | started | finished |',
      '|---|---|---|---|---|',
      '| baseline | kind | failed | 2026-11-21T05:49:01.000Z | 2026-11-21T05:55:43.000Z |',
      '| istio | kind | failed | 2026-11-21T06:04:13.000Z | 2026-11-21T06:10:02.000Z |',
      '',
      '### baseline failed at `deployWorkload`',
      '',
      'rollout timed out',
      '',
      'Its output:',
      '',
      '```text',
      ...Array.from({ length: 60 }, (_, i) => `l${i}`),
      '```',
      '',
      '### istio failed at `installMesh`',
      '',
      'no istioctl',
      '',
    ]);
  });

  it('counts one system in the singular', () => {
    const r = loadTwoSystemFixture();
    r.systems = [r.systems[0]!];
    r.status = 'completed';
    expect(section(renderMarkdown(r), '## Status').split('\n').slice(0, 3)).toEqual(['', 'Run **completed**: 1 of 1 system completed.', '']);
  });
});
