import { dirname, join } from 'node:path';
import type { FileSystem } from '../../core/deps.js';
import { ExitCode, type ExitCodeValue } from '../../core/errors.js';
import { readHistory } from '../../history/read-history.js';
import { HISTORY_CHARTS, historyTrends, renderHistory } from '../../history/render-history.js';
import { checkOutputDir } from '../../report/output-location.js';
import { trendChartSvg } from '../../report/charts/trend-chart.js';
import type { CliIo } from '../io.js';

/**
 * `bench history`: regenerates results/README.md (and its trend charts beside it) from every committed run. A pure
 * function of the files under --results: running it twice writes the same bytes. Unreadable runs are listed in the
 * README and on stderr, not fatal; a --results that is not a directory, or an --out that cannot be written, is bad
 * input (exit 2) and nothing is written.
 */
export async function historyCommand(p: {
  resultsDir: string;
  out: string;
  deps: { fs: FileSystem; cwd: string };
  io: CliIo;
}): Promise<ExitCodeValue> {
  const { fs } = p.deps;
  const input = await readHistory(p.resultsDir, { fs });
  const outDir = dirname(p.out);
  await checkOutputDir('--out', outDir, p.deps);
  const markdown = renderHistory(input);
  const trends = historyTrends(input);
  const charts: Array<{ path: string; svg: string }> = [];
  if (trends.scope) {
    const label = trends.scope.label;
    if (trends.addedP99.length > 0) {
      charts.push({ path: HISTORY_CHARTS.addedP99, svg: await trendChartSvg(trends.addedP99, { title: `Added p99 at ${label}`, yTitle: 'added p99 (µs)' }) });
    }
    if (trends.dataPlaneMemory.length > 0) {
      charts.push({
        path: HISTORY_CHARTS.dataPlaneMemory,
        svg: await trendChartSvg(trends.dataPlaneMemory, { title: `Data-plane memory at ${label}`, yTitle: 'data-plane memory (MiB)' }),
      });
    }
  }
  await fs.mkdir(outDir);
  // A chart with nothing to draw any more is removed, so what lies beside the README is what it links to.
  for (const path of Object.values(HISTORY_CHARTS)) {
    if (!charts.some((c) => c.path === path)) await fs.remove(join(outDir, path));
  }
  for (const c of charts) {
    await fs.mkdir(dirname(join(outDir, c.path)));
    await fs.writeFileAtomic(join(outDir, c.path), c.svg);
  }
  await fs.writeFileAtomic(p.out, markdown);
  for (const s of input.skipped) p.io.err(`skipped ${s}\n`);
  p.io.out(`${[p.out, ...charts.map((c) => join(outDir, c.path))].join('\n')}\n`);
  return ExitCode.ok;
}
