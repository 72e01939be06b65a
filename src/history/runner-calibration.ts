import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { FileSystem } from '../core/deps.js';
import { InputError } from '../core/errors.js';
import { fieldPath, readInputFile } from '../core/input-file.js';
import type { Runner } from '../core/result-schema.js';
import { describeIssue } from '../report/result-file.js';

/** What merging reads from a calibration.json (src/calibration/calibration.ts writes it): whose machine, and the verdict. */
const calibrationVerdictSchema = z.object({
  kind: z.literal('mesh-bench/calibration'),
  environment: z.object({ hostname: z.string() }),
  verdict: z.object({ maxRate: z.number().nullable(), workers: z.number().int(), reason: z.string() }).strict(),
});

/**
 * The calibration of the runner a run was measured on, if `bench calibrate` left one where the nightly puts it: in the
 * run's directory, or `bench calibrate`'s default `<results>/calibration/calibration.json` beside the run directory.
 * A calibration from another machine (its hostname differs from the run's) is not this runner's and is ignored, with
 * the reason in `notes`; a calibration.json that is not one is bad input.
 */
export async function runnerCalibration(
  runFile: string,
  hostname: string,
  fs: FileSystem,
): Promise<{ calibration: Runner['calibration']; notes: string[] }> {
  const runDir = dirname(runFile);
  const candidates = [join(runDir, 'calibration.json'), join(dirname(runDir), 'calibration', 'calibration.json')];
  const notes: string[] = [];
  for (const file of candidates) {
    if (!(await fs.exists(file))) continue;
    const text = await readInputFile(file, fs);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw InputError.single(file, '', `not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = calibrationVerdictSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw InputError.single(file, fieldPath(issue.path), describeIssue(issue));
    }
    if (parsed.data.environment.hostname !== hostname) {
      notes.push(`${file}: measured on ${parsed.data.environment.hostname}, not on ${hostname} where ${runFile} ran: not used`);
      continue;
    }
    return { calibration: parsed.data.verdict, notes };
  }
  return { calibration: null, notes };
}
