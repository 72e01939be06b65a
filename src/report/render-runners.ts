import type { Runner } from '../core/result-schema.js';
import { isCrowded } from './crowded-run.js';
import { inlineCode, table } from './format.js';

/** What the runners section reads: a merged run's systems carry their runner (src/history/merge-runs.ts). */
export interface RunnersInput {
  mergedFrom?: ReadonlyArray<{ runId: string }> | undefined;
  systems: ReadonlyArray<{ id: string; runner?: Runner | undefined }>;
}

/**
 * "Which machine measured this": in a run merged from per-runner runs, each system's runner (CPU model, cores, kernel,
 * its calibration verdict) beside the system, and the rule the overheads follow. Null for a single run, whose one
 * machine is in the Environment section.
 */
export function renderRunners(r: RunnersInput): string | null {
  const rows = r.systems.filter((s) => s.runner !== undefined);
  if (rows.length === 0) return null;
  const runs = r.mergedFrom?.length ?? new Set(rows.map((s) => s.runner?.run)).size;
  return [
    '## Runners',
    '',
    `Merged from ${runs} per-runner ${runs === 1 ? 'run' : 'runs'} (${inlineCode('bench merge')}). Every overhead in this report ` +
      'was taken within one runner’s run: each mesh against the baseline cluster measured on its own runner ' +
      `(${inlineCode('baseline@<mesh>')}) and against its own unmeshed namespace. Numbers measured on different runners ` +
      'are never subtracted: runners of one class differ in CPU model.',
    '',
    table(
      ['system', 'runner', 'CPU', 'cores', 'kernel', 'calibration', 'run'],
      runnerRows(rows, isCrowded(r)).map(({ ids, runner }) => [ids.join(', '), runner.hostname, runner.cpuModel, String(runner.cores), runner.kernel, calibration(runner.calibration), runner.run]),
      ['l', 'l', 'l', 'r', 'l', 'l', 'l'],
    ),
  ].join('\n');
}

/**
 * A row per system; in a crowded run (crowded-run.ts) one per runner instead, naming its systems (a mesh, its
 * unmeshed namespace and its runner's baseline share one), so a runner's fingerprint is written once.
 */
function runnerRows(systems: RunnersInput['systems'], grouped: boolean): Array<{ ids: string[]; runner: Runner }> {
  const out: Array<{ ids: string[]; runner: Runner; key: string }> = [];
  for (const s of systems) {
    const key = JSON.stringify(s.runner);
    const same = grouped ? out.find((row) => row.key === key) : undefined;
    if (same) same.ids.push(s.id);
    else out.push({ ids: [s.id], runner: s.runner!, key });
  }
  return out;
}

function calibration(c: Runner['calibration']): string {
  if (c === null) return 'not calibrated';
  if (c.maxRate === null) return `no rate met the targets (${c.reason})`;
  return `accurate up to ${c.maxRate} req/s`;
}
