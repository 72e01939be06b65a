import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../../src/core/errors.js';

/**
 * test/reference/sources.json: where each upstream reference file the tests read comes from. The files themselves are
 * upstream material and are never committed here; they are read from ../shared/reference (beside this repository in
 * its CI) or from the cache `npm run reference` fills (.cache/reference), both laid out the same way.
 *
 * Provenance is copied from ../shared/reference/README.md (repo, path, tag and commit) and SHA256SUMS. URLs name the
 * commit, not the tag, so that a moved tag cannot change the bytes: raw.githubusercontent.com/<owner>/<repo>/<commit>/<path>
 * is the file as committed (the form src/mesh/gateway-api.ts already installs the Gateway API CRDs from); the sha256
 * is checked anyway.
 */
export const REFERENCE_MANIFEST = 'test/reference/sources.json';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

const entrySchema = z
  .object({
    /** Path inside the reference directory (and the cache), e.g. `istio/1.30.3/profiles/ambient.yaml`. */
    path: z
      .string()
      .min(1)
      .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a relative path without ".."'),
    bytes: z.number().int().nonnegative(),
    sha256,
    source: z.object({
      repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
      path: z.string().min(1),
      commit: z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-hex commit'),
      tag: z.string().min(1).optional(),
    }),
    /** Where the bytes can be downloaded: the file itself, or (with `archive`) a .tgz holding it. */
    url: z.string().url().optional(),
    /** The file is `member` inside the gzipped tar at `url`, whose own sum is `sha256`. */
    archive: z.object({ sha256, member: z.string().min(1) }).optional(),
    /** Why no upstream URL serves these exact bytes (DERIVED, compiled, or cut out of a Go test literal). */
    notDownloadable: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    if ((e.url === undefined) === (e.notDownloadable === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'needs exactly one of "url" and "notDownloadable"' });
    }
    if (e.archive && !e.url) ctx.addIssue({ code: 'custom', path: ['archive'], message: 'needs "url" (the archive)' });
  });

const manifestSchema = z
  .object({ files: z.array(entrySchema).min(1) })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.files.forEach((f, i) => {
      if (seen.has(f.path)) ctx.addIssue({ code: 'custom', path: ['files', i, 'path'], message: `"${f.path}" is listed twice` });
      seen.add(f.path);
    });
  });

export type ReferenceEntry = z.infer<typeof entrySchema>;
export type ReferenceManifest = z.infer<typeof manifestSchema>;

/** Parses the manifest; a bad one is an InputError naming the file and the field. */
export function parseReferenceManifest(text: string, source: string): ReferenceManifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw InputError.single(source, '', `not JSON: ${(e as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new InputError(
    parsed.error.issues.map((i) => ({
      source,
      field: i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n === 0 ? '' : '.'}${String(p)}`)).join(''),
      message: i.message,
    })),
  );
}

export function readReferenceManifest(file: string, source = REFERENCE_MANIFEST): ReferenceManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw InputError.single(source, '', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseReferenceManifest(text, source);
}

const GITHUB_RAW = 'https://raw.githubusercontent.com';

/**
 * The URL to fetch: the manifest's, or the same path under `baseUrl` (a mirror, or a loopback server in tests) when
 * one is given. Only raw.githubusercontent.com URLs can be rebased; anything else is refused rather than guessed.
 */
export function downloadUrl(url: string, baseUrl: string | undefined): string {
  if (baseUrl === undefined) return url;
  if (!url.startsWith(`${GITHUB_RAW}/`)) throw new Error(`cannot rebase ${url}: not under ${GITHUB_RAW}`);
  return `${baseUrl.replace(/\/+$/, '')}/${url.slice(GITHUB_RAW.length + 1)}`;
}
