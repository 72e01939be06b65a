import { join } from 'node:path';
import { BenchError, ExitCode, type ExitCodeValue } from '../../src/core/errors.js';
import type { CliIo } from '../../src/cli/io.js';
import { reportError } from '../../src/cli/exit.js';
import { downloadReference, type Fetch } from './reference-download.js';
import { REFERENCE_MANIFEST, readReferenceManifest } from './reference-manifest.js';

/** Where `npm run reference` puts the files (git-ignored); the tests' reference helper reads it after ../shared. */
export const REFERENCE_CACHE = '.cache/reference';

export interface FetchReferenceInputs {
  /** The repository root (npm runs scripts there). */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  io: CliIo;
  fetch: Fetch;
}

/**
 * `npm run reference`: downloads every downloadable reference file of test/reference/sources.json into
 * .cache/reference, verifying each sha256. Exit 0 when all of them are in the cache, 1 when any could not be fetched
 * or did not match (each named, with the expected and the received sum), 2 when the manifest itself is bad.
 * REFERENCE_BASE_URL fetches from a mirror of raw.githubusercontent.com instead.
 */
export async function runFetchReference(inputs: FetchReferenceInputs): Promise<ExitCodeValue> {
  const { cwd, env, io } = inputs;
  try {
    const manifest = readReferenceManifest(join(cwd, REFERENCE_MANIFEST));
    const baseUrl = env['REFERENCE_BASE_URL'] || undefined;
    const report = await downloadReference({
      manifest,
      cacheDir: join(cwd, REFERENCE_CACHE),
      fetch: inputs.fetch,
      ...(baseUrl ? { baseUrl } : {}),
      log: (line) => io.out(`${line}\n`),
    });
    const ok = report.fetched.length + report.alreadyCached.length;
    io.out(`${ok} reference file(s) in ${REFERENCE_CACHE} (${report.fetched.length} fetched, ${report.alreadyCached.length} already there, checked)\n`);
    if (report.notDownloadable.length > 0) {
      io.out(
        `${report.notDownloadable.length} file(s) are not downloadable (DERIVED, compiled, or cut out of Go test literals; ` +
          `see ${REFERENCE_MANIFEST}); tests needing them run only with ../shared/reference: ` +
          `${report.notDownloadable.map((e) => e.path).join(', ')}\n`,
      );
    }
    if (report.failures.length > 0) {
      throw new BenchError(report.failures.map((f) => `${f.path}: ${f.message}`).join('\n'), ExitCode.failure);
    }
    return ExitCode.ok;
  } catch (e) {
    return reportError(e, io, false);
  }
}
