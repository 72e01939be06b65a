import type { LoadRun } from '../core/result-schema.js';
import { formatMicros, formatPercent, formatRate } from './format.js';

/** The human-readable summary `bench load` prints (a terminal table, like wrk's). Pure. */
export function renderLoadRun(r: LoadRun): string {
  const lines: string[] = [];
  const s = r.step;
  const what =
    r.mode === 'rate'
      ? `open loop at ${s.rate} req/s (${s.arrival}), ${r.connections.initial}→${r.connections.peak} connections`
      : `closed loop (${r.mode}), ${s.connections} connections`;
  const measured = r.durationS < s.durationS ? `${r.durationS}s of ${s.durationS}s measured (stopped early)` : `${s.durationS}s measured`;
  lines.push(`${r.url}: ${what}, ${measured} after ${s.warmupS}s warm-up, ${s.workers} worker(s)`);
  lines.push('');
  const rows: Array<[string, ...string[]]> = [['latency', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean', 'count']];
  const add = (label: string, x: LoadRun['latency']['sent']['summary'] | null): void => {
    if (!x) return;
    // No latencies recorded: there are no percentiles to show, and "0 µs" would be a figure that cannot be.
    const cells = x.count === 0 ? Array<string>(6).fill('—') : [x.p50Us, x.p90Us, x.p99Us, x.p999Us, x.maxUs, x.meanUs].map(formatMicros);
    rows.push([label, ...cells, String(x.count)]);
  };
  add('from intended send', r.latency.intended?.summary ?? null);
  add('from actual send', r.latency.sent.summary);
  add('send lag', r.sendLag);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) lines.push(row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  lines.push('');
  const c = r.counts;
  lines.push(
    `throughput ${formatRate(r.throughput)}` +
      (r.targetRate !== null ? `, achieved ${formatRate(r.achievedRate)} of ${formatRate(r.targetRate)}` : '') +
      (c.sent > 0 ? `, errors ${formatPercent(r.errorRate)}` : ', errors — (no request was sent)'),
  );
  lines.push(
    `requests: ${c.sent} sent, ${c.completed} completed (${c.ok} 2xx, ${c.non2xx} other), ${c.socketErrors} socket errors, ` +
      `${c.timeouts} timeouts, ${c.unanswered} unanswered, ${c.reconnects} reconnects, ${c.resent} re-sent`,
  );
  if (r.littlesLaw) {
    const l = r.littlesLaw;
    lines.push(
      `Little's law: mean ${formatMicros(l.measuredMeanUs)} vs connections ÷ throughput ${formatMicros(l.expectedMeanUs)} ` +
        `(×${l.ratio.toFixed(3)}${l.withinTolerance ? '' : ', OUT OF TOLERANCE'})`,
    );
  }
  if (r.firstConnectionError) lines.push(`first connection error: ${r.firstConnectionError}`);
  lines.push(`status: ${r.status.toUpperCase()}`);
  for (const reason of r.invalidReasons) lines.push(`  invalid: ${reason}`);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
