import { dirname, join } from 'node:path';
import type { FileSystem } from '../../core/deps.js';
import { ExitCode, type ExitCodeValue } from '../../core/errors.js';
import { nightComparisonSection, readNightComparison } from '../../compare/night-comparison-section.js';
import { readRun } from '../../history/read-run.js';
import { recordReportView } from '../../history/record-view.js';
import { renderJobSummary } from '../../report/render-job-summary.js';
import { renderMarkdown } from '../../report/render-markdown.js';
import { REPORT_FILE_NAME, writeChartFiles } from '../../report/result-file.js';
import type { CliIo } from '../io.js';

export interface ReportFlags {
  stdout?: boolean;
  summary?: boolean;
  reportLink?: string;
}

/**
 * `bench report <results.json|record.json.gz>`: re-renders report.md and its charts beside the file, byte for byte
 * what the run (or the nightly) wrote. A results.json or a compact record (record.json.gz, gzip-compressed, or an older
 * night's plain record.json): the report reads the same figures from any of them.
 * A night's directory keeps its comparison with the previous night beside the record (compare.json.gz, written by the
 * nightly's compare step): the report carries it as its last section (issue 9, build 9), so re-rendering the committed
 * directory gives the committed report.md. `--summary` prints the short job summary instead and writes nothing.
 */
export async function reportCommand(p: { path: string; flags: ReportFlags; deps: { fs: FileSystem }; io: CliIo }): Promise<ExitCodeValue> {
  const { fs } = p.deps;
  const read = await readRun(p.path, { fs });
  const result = read.full ?? recordReportView(read.record);
  const dir = dirname(read.path);
  if (p.flags.summary) {
    p.io.out(renderJobSummary(result, { report: p.flags.reportLink ?? join(dir, REPORT_FILE_NAME) }));
    return ExitCode.ok;
  }
  const night = await readNightComparison(dir, fs);
  const md = night === null ? renderMarkdown(result) : `${renderMarkdown(result)}\n${nightComparisonSection(night)}`;
  if (p.flags.stdout) {
    p.io.out(md);
    return ExitCode.ok;
  }
  const target = join(dir, REPORT_FILE_NAME);
  await fs.writeFileAtomic(target, md);
  // The charts report.md links to, redrawn beside it (charts/…svg).
  await writeChartFiles(dir, result, { fs });
  p.io.out(`${target}\n`);
  return ExitCode.ok;
}
