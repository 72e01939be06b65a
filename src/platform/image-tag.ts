import { createHash } from 'node:crypto';

/**
 * The workload image's tag is a hash of what goes into it, so the same checkout always names the same image, a
 * changed one never reuses a tag (kind nodes cache images by name: a reused tag would silently run stale code), and
 * the result file records exactly which build ran. Never `latest`.
 */

export const IMAGE_REPOSITORY = 'mesh-bench';
const TAG_HEX_CHARS = 12;

export interface ImageInput {
  /** Repository-relative, `/`-separated. */
  path: string;
  bytes: Buffer | string;
}

/** `mesh-bench:<first 12 hex of sha256>` over the inputs sorted by path; order-independent, any byte changes it. */
export function imageTag(contents: readonly ImageInput[]): string {
  if (contents.length === 0) throw new Error('imageTag: no inputs');
  const sorted = [...contents].sort((a, b) => compareCodeUnits(a.path, b.path));
  const hash = createHash('sha256');
  let previous: string | undefined;
  for (const { path, bytes } of sorted) {
    if (path === previous) throw new Error(`imageTag: ${path} given twice`);
    previous = path;
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    const name = Buffer.from(path, 'utf8');
    // Length-prefixed, so no two different input sets frame to the same byte stream (a/bc + d ≠ a/b + cd).
    hash.update(`${name.length}:`).update(name).update(`${data.length}:`).update(data);
  }
  return `${IMAGE_REPOSITORY}:${hash.digest('hex').slice(0, TAG_HEX_CHARS)}`;
}

/** Top-level files that shape the image. Must match what the Dockerfile copies. */
const IMAGE_ROOT_FILES = new Set([
  'Dockerfile',
  '.dockerignore',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
]);
const IMAGE_DIRS = ['src/', 'bin/'];

/** Which repository files go into the image, from a list of repository-relative paths; sorted, duplicates dropped. */
export function imageInputs(files: readonly string[]): string[] {
  const picked = new Set<string>();
  for (const raw of files) {
    const path = raw.replaceAll('\\', '/').replace(/^\.\//, '');
    if (IMAGE_ROOT_FILES.has(path) || IMAGE_DIRS.some((dir) => path.startsWith(dir) && path.length > dir.length)) {
      picked.add(path);
    }
  }
  return [...picked].sort(compareCodeUnits);
}

/** Locale-independent, so the hash is the same on every machine. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
