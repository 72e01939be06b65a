import { join } from 'node:path';
import type { z } from 'zod';
import type { FileSystem } from '../core/deps.js';
import { InputError } from '../core/errors.js';
import { fieldPath, firstExistingIn } from '../core/input-file.js';
import { readJsonText } from '../history/gzip-json-file.js';
import { describeIssue } from '../report/result-file.js';
import { COMPARE_REPORT_FILE_NAMES, COMPARE_REPORT_KIND, compareReportSchema } from './compare-report.js';
import { COMPACT_FORM, compactCompareReport, compactCompareReportSchema, type CompactCompareReport } from './compact-report.js';
import { renderCompactMarkdown } from './render-compact-markdown.js';

/** The heading the night's report gives its comparison with the previous night. */
export const NIGHT_COMPARISON_HEADING = '## Compared with the previous night';

/**
 * The comparison with the previous night as the night's report carries it (issue 9, build 9: "the nightly compares
 * with the previous night, puts the comparison in the report"): the compact comparison's markdown
 * (render-compact-markdown.ts), its title replaced by this section's heading and its other headings one level down, so
 * it sits under the report's own `#` title. A pure function of the committed `compare.json`, so re-rendering a night's
 * directory gives the same bytes.
 */
export function nightComparisonSection(compact: CompactCompareReport): string {
  const lines = renderCompactMarkdown(compact).split('\n');
  const title = lines.findIndex((line) => line.startsWith('# '));
  return lines.map((line, i) => (i === title ? NIGHT_COMPARISON_HEADING : line.startsWith('#') ? `#${line}` : line)).join('\n');
}

/**
 * The comparison file beside a night's record: compare.json.gz (what the nightly writes), else an older night's plain
 * compare.json; null when there is neither.
 */
export async function nightComparisonFile(runDir: string, fs: FileSystem): Promise<string | null> {
  return firstExistingIn(runDir, COMPARE_REPORT_FILE_NAMES, fs);
}

/**
 * The compact comparison a night's directory keeps beside its record (`compare.json.gz`, written by the nightly's
 * compare step, or an older night's `compare.json`), or null when there is none (the first night, or a run that is
 * not a night). A full report (`--json`) kept there reads as its compact form.
 */
export async function readNightComparison(runDir: string, fs: FileSystem): Promise<CompactCompareReport | null> {
  const file = await nightComparisonFile(runDir, fs);
  if (file === null) return null;
  const data = await readCompareJson(file, fs);
  if (data === null) return null;
  if (data['form'] === COMPACT_FORM) return parseCompare(file, data, compactCompareReportSchema);
  return compactCompareReport(parseCompare(file, data, compareReportSchema));
}

/**
 * A stored `bench compare` report's JSON (gzip-compressed when its name ends in `.gz`), or null when the file is not
 * there. A file that is there but is not (gzip of) JSON of a compare report is refused in one line naming it and the
 * field, like every input.
 */
export async function readCompareJson(file: string, fs: FileSystem): Promise<Record<string, unknown> | null> {
  if (!(await fs.exists(file))) return null;
  const text = await readJsonText(file, fs);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw InputError.single(file, '', `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const object = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  if (object['kind'] !== COMPARE_REPORT_KIND) {
    throw InputError.single(file, 'kind', `not a bench compare report (kind is ${JSON.stringify(object['kind'])}, expected "${COMPARE_REPORT_KIND}")`);
  }
  return object;
}

/** `data` read from `file` with `schema`; the first problem refused in one line naming the file and the field. */
export function parseCompare<T>(file: string, data: unknown, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw InputError.single(file, fieldPath(issue.path), describeIssue(issue));
  }
  return parsed.data;
}
