import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { downloadUrl, type ReferenceEntry, type ReferenceManifest } from './reference-manifest.js';
import { tgzMembers } from './tar-members.js';

export type Fetch = (url: string, init: { signal: AbortSignal }) => Promise<Pick<Response, 'ok' | 'status' | 'statusText' | 'arrayBuffer'>>;

export interface DownloadOptions {
  manifest: ReferenceManifest;
  /** The cache, laid out like ../shared/reference. */
  cacheDir: string;
  /** The network seam (globalThis.fetch in the command; a loopback server in tests). */
  fetch: Fetch;
  /** Fetch every raw.githubusercontent.com URL from this base instead (a mirror). */
  baseUrl?: string;
  /** Per request. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface DownloadFailure {
  path: string;
  message: string;
}

export interface DownloadReport {
  fetched: string[];
  alreadyCached: string[];
  notDownloadable: ReferenceEntry[];
  failures: DownloadFailure[];
}

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Fills the cache with every downloadable file of the manifest, each verified against its sha256 before it is put in
 * place (written to a temporary name, then renamed: a cache file is complete and verified, or absent). Files already
 * there with the right sum are not fetched again; a cached file with a wrong sum is fetched again. A file whose bytes
 * do not match is never written, and is reported with the expected and the received sum.
 */
export async function downloadReference(o: DownloadOptions): Promise<DownloadReport> {
  const report: DownloadReport = { fetched: [], alreadyCached: [], notDownloadable: [], failures: [] };
  const archives = new Map<string, Promise<Map<string, Buffer>>>();
  const timeoutMs = o.timeoutMs ?? 60_000;

  const get = async (url: string): Promise<Buffer> => {
    const from = downloadUrl(url, o.baseUrl);
    let response: Awaited<ReturnType<Fetch>>;
    try {
      response = await o.fetch(from, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      throw new Error(`cannot fetch ${from}: ${describe(e)}`);
    }
    if (!response.ok) throw new Error(`cannot fetch ${from}: HTTP ${response.status} ${response.statusText}`.trimEnd());
    return Buffer.from(await response.arrayBuffer());
  };

  const archive = (url: string, sum: string): Promise<Map<string, Buffer>> => {
    let pending = archives.get(url);
    if (!pending) {
      pending = get(url).then((bytes) => {
        const got = sha256Of(bytes);
        if (got !== sum) throw new Error(`sha256 mismatch for the archive ${url}: expected ${sum}, got ${got}`);
        return tgzMembers(bytes);
      });
      archives.set(url, pending);
    }
    return pending;
  };

  for (const entry of o.manifest.files) {
    if (entry.notDownloadable !== undefined || entry.url === undefined) {
      report.notDownloadable.push(entry);
      continue;
    }
    const target = join(o.cacheDir, entry.path);
    if (existsSync(target)) {
      if (sha256Of(readFileSync(target)) === entry.sha256) {
        report.alreadyCached.push(entry.path);
        continue;
      }
      // A cached file that no longer matches is removed first, so the tests never read it, whatever happens next.
      rmSync(target, { force: true });
    }
    try {
      let bytes: Buffer;
      if (entry.archive) {
        const member = (await archive(entry.url, entry.archive.sha256)).get(entry.archive.member);
        if (!member) throw new Error(`${entry.archive.member} is not in ${entry.url}`);
        bytes = member;
      } else {
        bytes = await get(entry.url);
      }
      const got = sha256Of(bytes);
      if (got !== entry.sha256) throw new Error(`sha256 mismatch: expected ${entry.sha256}, got ${got} (from ${entry.url})`);
      mkdirSync(dirname(target), { recursive: true });
      const partial = `${target}.partial-${process.pid}`;
      try {
        writeFileSync(partial, bytes);
        renameSync(partial, target);
      } finally {
        rmSync(partial, { force: true });
      }
      report.fetched.push(entry.path);
      o.log?.(`fetched ${entry.path}`);
    } catch (e) {
      report.failures.push({ path: entry.path, message: describe(e) });
    }
  }
  return report;
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : '';
  return `${e.message}${cause}`;
}
