import { z } from 'zod';
import type { FileSystem } from '../core/deps.js';
import { InputError } from '../core/errors.js';
import { parseYamlDocument, readInputFile, yamlData } from '../core/input-file.js';
import { problemsOf } from './versions.js';

/**
 * clusters/estimates.yaml: how long each set-up phase of a system takes, as data (seconds), with a comment per figure
 * saying where it comes from. `bench plan --estimate` reads it; the load time is never estimated (it follows from the
 * scenario). This module only reads and checks the file.
 */

export const ESTIMATES_SCHEMA_VERSION = 1;

const seconds = z.number().nonnegative().max(3600, 'must be at most 3600 (seconds, one phase)');

export const estimatesSchema = z
  .object({
    schemaVersion: z.literal(ESTIMATES_SCHEMA_VERSION),
    /** The machine the figures are for, said in the estimate's header. */
    runner: z.string().min(1),
    /** Where the figures come from (guesses, or which nights' recorded phases), also said in the header. */
    basis: z.string().min(1),
    clusterCreate: z.object({ default: seconds, 'no-cni': seconds }).strict(),
    imageLoad: z.object({ firstBuild: seconds, cachedBuild: seconds, saveAndLoad: seconds }).strict(),
    /** Per system id; a system missing here is refused when it is estimated (estimateFor names the field). */
    meshInstall: z.record(z.string(), seconds),
    readiness: seconds,
    deployPerVariant: seconds,
    verifyPerVariant: seconds,
    versions: seconds,
    measureOverheadPerStep: seconds,
    /**
     * Scenario `scale:`: per replica count, applying the scaled server Deployment until its pods are Ready and the old
     * ones gone (scale-plan.ts). Optional: only a scale scenario needs it, and estimating one without it is refused.
     */
    scaleRolloutPerCount: seconds.optional(),
    /**
     * `bench run`'s one-line expected duration gives its set-up as a range: from this fraction of the set-up figures
     * above (they lean high on purpose) up to the figures themselves, the same sum `bench plan --estimate` prints.
     */
    expectedLowFraction: z.number().positive().max(1, 'must be at most 1 (a fraction of the set-up figures)'),
    teardown: z.object({ kind: seconds, existing: seconds }).strict(),
    /** The nightly job's steps around `bench run`, in the workflow's order. */
    nightlyJob: z.record(z.string(), seconds),
  })
  .strict();
export type Estimates = z.infer<typeof estimatesSchema>;

export async function loadEstimates(path: string, deps: { fs: FileSystem }): Promise<Estimates & { source: string }> {
  return { ...parseEstimates(await readInputFile(path, deps.fs, 'estimates file'), path), source: path };
}

/** The pure part of loadEstimates; `source` names the file in every problem. */
export function parseEstimates(text: string, source: string): Estimates {
  const data = yamlData(parseYamlDocument(text, source), source, 'is empty');
  const parsed = estimatesSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw new InputError(problemsOf(parsed.error.issues, source));
  return parsed.data;
}

/** The mesh install figure of one system, or an InputError naming the file and the missing field. */
export function meshInstallS(estimates: Estimates, source: string, systemId: string): number {
  const s = estimates.meshInstall[systemId];
  if (s === undefined) throw InputError.single(source, `meshInstall.${systemId}`, 'is required (one figure per registered system)');
  return s;
}
