import type { Calibration } from '../calibration/calibration.js';
import { TARGETS } from '../calibration/targets.js';
import { codeBlock, formatMicros, table } from './format.js';

/** calibration.md, a pure function of calibration.json. */
export function renderCalibration(c: Calibration): string {
  const e = c.environment;
  const out: string[] = [];
  out.push(`# Calibration of ${e.hostname}${c.quick ? ' (quick: a check of the procedure, not a calibration)' : ''}`, '');
  out.push(
    `**Verdict: ${c.verdict.maxRate === null ? 'no fixed rate met the targets' : `drive at most ${c.verdict.maxRate} req/s`}** ` +
      `with ${c.verdict.workers} worker(s) on this machine. ${c.verdict.reason}.`,
    '',
  );
  out.push(`${e.cpuModel}, ${e.cores} cores, kernel ${e.kernel}, Node ${e.node}, harness ${e.harnessCommit ?? e.harnessVersion}; ${c.createdAt}.`, '');
  out.push('## Checks', '');
  out.push(table(['check', 'result', 'detail'], c.checks.map((k) => [k.name, k.ok ? 'pass' : 'FAIL', k.detail])), '');
  out.push('## Engine ceiling (closed loop, workload server on loopback, no delay)', '');
  out.push(
    table(
      ['connections', 'workers', 'throughput', 'p50', 'p99', "Little's law"],
      c.ceiling.map((r) => [
        String(r.connections),
        String(r.workers),
        `${r.throughput.toFixed(0)} req/s`,
        formatMicros(r.p50Us),
        formatMicros(r.p99Us),
        r.littlesLawRatio === null ? '—' : `×${r.littlesLawRatio.toFixed(3)}`,
      ]),
      ['r', 'r', 'r', 'r', 'r', 'r'],
    ),
    '',
  );
  const a = c.accuracy;
  out.push('## Timing accuracy', '');
  out.push(
    `Closed loop, ${a.connections} connections. p50 with no service delay ${formatMicros(a.floorP50Us)}; with ${formatMicros(a.serviceDelayUs)} ` +
      `${formatMicros(a.delayedP50Us)}; error after subtracting both: ${a.errorUs} µs.`,
    '',
  );
  const p = c.pacing;
  out.push(`## Pacing at ${p.rate} req/s (arrivals counted at the server per 10 ms)`, '');
  out.push(
    `p99 window ${p.p99Ratio.toFixed(2)}× expected (target ≤ ${TARGETS.pacingP99Ratio}×), busiest ${p.maxRatio.toFixed(2)}× (≤ ${TARGETS.pacingMaxRatio}×), ` +
      `${(p.emptyFraction * 100).toFixed(2)}% empty windows (< ${TARGETS.pacingEmptyFraction * 100}%) over ${p.windows} windows; ` +
      `achieved ${p.achievedRate.toFixed(1)} req/s; send lag p99 ${formatMicros(p.sendLagP99Us)}.`,
    '',
  );
  const s = c.stall;
  out.push(`## Stall test: the server stalls ${s.forMs} ms every ${s.everyMs} ms, fixed ${s.rate} req/s`, '');
  out.push(
    table(
      ['', 'measured', 'truth'],
      [
        ['p50', formatMicros(s.p50Us), `${formatMicros(s.unstalledP50Us)} (unstalled run)`],
        ['p95', formatMicros(s.p95Us), formatMicros(s.truthP95Us)],
        ['p99', formatMicros(s.p99Us), formatMicros(s.truthP99Us)],
      ],
    ),
    '',
  );
  out.push('## Fixed-rate ladder', '');
  out.push(
    table(
      ['rate', 'achieved', 'p99 window', 'busiest', 'empty', 'send lag p99', 'ok'],
      c.ladder.map((r) => [
        String(r.rate),
        r.achievedRate.toFixed(1),
        `${r.p99Ratio.toFixed(2)}×`,
        `${r.maxRatio.toFixed(2)}×`,
        `${(r.emptyFraction * 100).toFixed(2)}%`,
        formatMicros(r.sendLagP99Us),
        r.ok ? 'yes' : 'no',
      ]),
    ),
    '',
  );
  out.push('## Raw', '', codeBlock(JSON.stringify({ accuracy: c.accuracy, stall: c.stall, littlesLaw: c.littlesLaw }, null, 2), 'json'));
  return `${out.join('\n').trimEnd()}\n`;
}
