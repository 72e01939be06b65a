import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REFERENCE_CACHE } from '../reference/reference-fetch-command.js';
import { REFERENCE_MANIFEST, readReferenceManifest, type ReferenceEntry } from '../reference/reference-manifest.js';

/**
 * Upstream reference data for the tests (CRDs, chart values, kubelet samples…), which this repository never commits.
 * A file is read from <repo>/../shared/reference (beside the repository in its CI) when there, else from the cache
 * `npm run reference` fills (<repo>/.cache/reference); otherwise it is absent and the tests that need it are skipped
 * with one line saying what was skipped and how to enable it. With REQUIRE_REFERENCE=1 (CI) absence is an error.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ReferenceRoots {
  /** <repo>/../shared/reference */
  readonly shared: string;
  /** <repo>/.cache/reference */
  readonly cache: string;
}

export const DEFAULT_REFERENCE_ROOTS: ReferenceRoots = {
  shared: join(REPO_ROOT, '..', 'shared', 'reference'),
  cache: join(REPO_ROOT, REFERENCE_CACHE),
};

let manifest: Map<string, ReferenceEntry> | undefined;
/** The manifest's entries by path (test/reference/sources.json). */
export function referenceEntries(): Map<string, ReferenceEntry> {
  manifest ??= new Map(readReferenceManifest(join(REPO_ROOT, REFERENCE_MANIFEST)).files.map((f) => [f.path, f]));
  return manifest;
}

function entry(path: string): ReferenceEntry {
  const e = referenceEntries().get(path);
  if (!e) throw new Error(`reference file "${path}" is not in ${REFERENCE_MANIFEST}: add it there with its upstream source and sha256`);
  return e;
}

/** The file's path under ../shared/reference, else under the cache, else "absent". */
export function resolveReference(path: string, roots: ReferenceRoots = DEFAULT_REFERENCE_ROOTS): string | 'absent' {
  entry(path);
  for (const root of [roots.shared, roots.cache]) {
    const file = join(root, path);
    if (existsSync(file)) return file;
  }
  return 'absent';
}

/** The manifest's files under a folder, e.g. `kind/v0.32.0/examples/` (instead of listing a directory that may be absent). */
export function referencePathsUnder(folder: string): string[] {
  const prefix = folder.endsWith('/') ? folder : `${folder}/`;
  const paths = [...referenceEntries().keys()].filter((p) => p.startsWith(prefix)).sort();
  if (paths.length === 0) throw new Error(`no reference file under "${prefix}" in ${REFERENCE_MANIFEST}`);
  return paths;
}

export interface ReferenceFiles {
  /** Every file asked for was found. */
  readonly available: boolean;
  /** The one line printed when not (undefined when available). */
  readonly skipLine: string | undefined;
  path(path: string): string;
  url(path: string): URL;
  read(path: string): string;
  bytes(path: string): Buffer;
}

export interface ReferenceOptions {
  roots?: ReferenceRoots;
  env?: Readonly<Record<string, string | undefined>>;
  /** Where the skip line goes (console.warn: vitest shows it under the test file's name). */
  warn?: (line: string) => void;
}

/**
 * The reference files a group of tests (`what`) needs. When any is absent, prints ONE line naming `what`, the missing
 * files and how to get them, and `available` is false: wrap those tests in `describe.skipIf(!ref.available)` and read
 * files only inside them. Reading a file not asked for here throws, so the list stays complete.
 */
export function referenceFiles(what: string, paths: readonly string[], options: ReferenceOptions = {}): ReferenceFiles {
  const roots = options.roots ?? DEFAULT_REFERENCE_ROOTS;
  const env = options.env ?? process.env;
  const found = new Map(paths.map((p) => [p, resolveReference(p, roots)]));
  const missing = [...found].filter(([, f]) => f === 'absent').map(([p]) => p);
  let skipLine: string | undefined;
  if (missing.length > 0) {
    skipLine = `skipped ${what}: ${describeMissing(missing)}`;
    if (env['REQUIRE_REFERENCE'] === '1') throw new Error(`REQUIRE_REFERENCE=1 but ${skipLine.replace(/^skipped /, 'cannot run ')}`);
    (options.warn ?? console.warn)(skipLine);
  }
  const path = (p: string): string => {
    const f = found.get(p);
    if (f === undefined) throw new Error(`reference file "${p}" was not declared in referenceFiles('${what}', …)`);
    if (f === 'absent') throw new Error(`reference file "${p}" is absent: guard this test with describe.skipIf(!ref.available)`);
    return f;
  };
  return {
    available: missing.length === 0,
    skipLine,
    path,
    url: (p) => pathToFileURL(path(p)),
    read: (p) => readFileSync(path(p), 'utf8'),
    bytes: (p) => readFileSync(path(p)),
  };
}

/**
 * ../shared/reference itself (for tests about the reference directory as a whole), or undefined after printing one
 * skip line (an error with REQUIRE_REFERENCE=1).
 */
export function sharedReferenceDir(what: string, options: ReferenceOptions = {}): string | undefined {
  const dir = (options.roots ?? DEFAULT_REFERENCE_ROOTS).shared;
  if (existsSync(join(dir, 'SHA256SUMS'))) return dir;
  const line = `skipped ${what}: ../shared/reference is not beside the repository (the cache cannot stand in for it)`;
  if ((options.env ?? process.env)['REQUIRE_REFERENCE'] === '1') throw new Error(`REQUIRE_REFERENCE=1 but ${line.replace(/^skipped /, 'cannot run ')}`);
  (options.warn ?? console.warn)(line);
  return undefined;
}

function describeMissing(missing: readonly string[]): string {
  const list = missing.length <= 2 ? missing.join(', ') : `${missing.slice(0, 2).join(', ')} and ${missing.length - 2} more`;
  const local = missing.filter((p) => entry(p).notDownloadable !== undefined);
  const how =
    local.length === 0
      ? 'run `npm run reference` to fetch them'
      : local.length === missing.length
        ? 'not downloadable (DERIVED, compiled or cut out of upstream test code): put ../shared/reference beside the repository'
        : `run \`npm run reference\`; ${local.join(', ')} also need(s) ../shared/reference (not downloadable)`;
  return `${list} not in ../shared/reference nor ${REFERENCE_CACHE}; ${how}`;
}
