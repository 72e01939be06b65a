import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { renderJobSummary } from '../src/report/render-job-summary.js';
import { renderSummary } from '../src/report/render-summary.js';
import { runWithBaseline } from '../test/helpers/verdict-run-factory.js';
it('prints', () => {
  const r = runWithBaseline();
  writeFileSync('/tmp/s7/job.md', renderJobSummary(r, { report: 'results/x/report.md' }));
  writeFileSync('/tmp/s7/term.txt', renderSummary(r, { json: 'results/x/results.json', report: 'results/x/report.md' }));
});
