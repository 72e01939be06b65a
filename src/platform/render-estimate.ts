import { formatDuration } from '../scenario/durations.js';
import type { PlanEstimate } from './plan-estimate.js';

/**
 * `bench plan --estimate` output: one markdown table of the run's phases (system, phase, expected duration, how it is
 * made), a total per system and for the run, then, on kind, the nightly job around the run and the job's total.
 * Durations are rounded to whole seconds: minutes would hide how close a total is to a limit.
 */
export function renderEstimate(header: string, e: PlanEstimate): string {
  const out: string[] = [header, '', '| system | phase | expected | how |', '|---|---|--:|---|'];
  for (const s of e.systems) {
    for (const r of e.rows.filter((row) => row.system === s.system)) out.push(`| ${r.system} | ${r.phase} | ${d(r.seconds)} | ${r.how} |`);
    out.push(`| **${s.system}** | **total** | **${d(s.seconds)}** | |`);
  }
  out.push(`| | **\`bench run\` total** | **${d(e.runS)}** | systems one after another |`);
  if (e.job) {
    out.push('', 'The nightly job around `bench run` (.github/workflows/nightly.yml), on a fresh runner:', '', '| step | expected |', '|---|--:|');
    for (const s of e.job.steps) out.push(`| ${s.step} | ${d(s.seconds)} |`);
    out.push(`| bench run | ${d(e.runS)} |`, `| **job total** | **${d(e.job.totalS)}** |`);
  }
  return `${out.join('\n')}\n`;
}

function d(seconds: number): string {
  return formatDuration(Math.round(seconds));
}
