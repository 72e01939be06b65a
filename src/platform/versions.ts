import { z } from 'zod';
import type { FileSystem } from '../core/deps.js';
import { InputError, type InputProblem } from '../core/errors.js';
import { fieldPath, parseYamlDocument, readInputFile, yamlData } from '../core/input-file.js';

/**
 * clusters/versions.yaml: every pinned version in one file. This module only reads and checks it; the policy (what
 * may be pinned, where checksums come from) is in the file's comments and src/platform/README.md.
 */

export const VERSIONS_SCHEMA_VERSION = 1;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters (a sha256)');
const semverTag = z.string().regex(/^v\d+\.\d+\.\d+$/, 'must be a version like v1.2.3');
const pseudoVersion = z.string().regex(/^v0\.0\.0-\d{14}-[0-9a-f]{12}$/, 'must be a Go pseudo-version like v0.0.0-20260713165634-56df41f63e51');
const plainSemver = z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version like 1.2.3');
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// URL' });
/** An image pinned by digest: `name[:tag]@sha256:<64 hex>`; a tag alone can move under us. */
const pinnedImage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._\/-]*(:[\w][\w.-]{0,127})?@sha256:[0-9a-f]{64}$/, 'must be an image pinned by digest (name:tag@sha256:<64 hex>)');
const kindNodeImage = z
  .string()
  .regex(/^kindest\/node:v\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/, 'must be kindest/node:v<x.y.z>@sha256:<64 hex>');

const downloadSchema = z
  .object({
    url: httpsUrl,
    /** The upstream file the download's checksum is read from. */
    checksumUrl: httpsUrl,
    /** Only when read from upstream material (see the file's comments); absent otherwise. */
    sha256: sha256Hex.optional(),
  })
  .strict();
export type PinnedDownload = z.infer<typeof downloadSchema>;

const toolSchema = z.object({ version: semverTag, linuxAmd64: downloadSchema }).strict();
export type PinnedTool = z.infer<typeof toolSchema>;

export const versionsSchema = z
  .object({
    schemaVersion: z.literal(VERSIONS_SCHEMA_VERSION),
    kind: z.object({ version: semverTag, nodeImage: kindNodeImage, linuxAmd64: downloadSchema }).strict(),
    kubectl: toolSchema,
    helm: toolSchema,
    images: z.object({ workloadBase: pinnedImage }).strict(),
    meshes: z
      .object({
        cilium: z.object({ chartRepository: httpsUrl, chartVersion: plainSemver, cliVersion: semverTag }).strict(),
        istio: z.object({ version: plainSemver }).strict(),
        linkerd: z.object({ version: z.string().regex(/^edge-\d+\.\d+\.\d+$/, 'must be a version like edge-26.8.3') }).strict(),
      })
      .strict(),
    gatewayApi: z.object({ version: semverTag }).strict(),
    /** Built from the Go module proxy for the control-plane tests (test/control-plane/build-tools.sh); never installed. */
    testTools: z
      .object({
        kubernetes: semverTag,
        etcd: semverTag,
        kwok: semverTag,
        /** Go module versions of the mesh CLIs' release tags that are not semver (their commits' pseudo-versions). */
        istioModule: pseudoVersion,
        linkerdModule: pseudoVersion,
      })
      .strict(),
  })
  .strict();
export type Versions = z.infer<typeof versionsSchema>;

/** `v1.36.1` from `kindest/node:v1.36.1@sha256:…`. */
export function kubernetesVersionOf(nodeImage: string): string {
  const match = /^kindest\/node:(v\d+\.\d+\.\d+)@/.exec(nodeImage);
  if (!match?.[1]) throw new Error(`not a pinned kindest/node image: ${nodeImage}`);
  return match[1];
}

export async function loadVersions(path: string, deps: { fs: FileSystem }): Promise<Versions> {
  return parseVersions(await readInputFile(path, deps.fs, 'versions file'), path);
}

/** The pure part of loadVersions; `source` names the file in every problem. */
export function parseVersions(text: string, source: string): Versions {
  const data = yamlData(parseYamlDocument(text, source), source, 'is empty');
  const parsed = versionsSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) throw new InputError(problemsOf(parsed.error.issues, source));
  const versions = parsed.data;
  // kubectl within one minor of the server is Kubernetes' skew policy; the pins keep them equal.
  const server = kubernetesVersionOf(versions.kind.nodeImage);
  if (minor(versions.kubectl.version) !== minor(server)) {
    throw InputError.single(
      source,
      'kubectl.version',
      `must be the node image's minor version (${minor(server)}, from kind.nodeImage), got ${versions.kubectl.version}`,
    );
  }
  // The control-plane tests must see the API server our clusters run.
  if (versions.testTools.kubernetes !== server) {
    throw InputError.single(source, 'testTools.kubernetes', `must be the node image's version (${server}, from kind.nodeImage), got ${versions.testTools.kubernetes}`);
  }
  return versions;
}

/** zod issues as `file: field: message` problems (also used for clusters/estimates.yaml). */
export function problemsOf(issues: readonly z.core.$ZodIssue[], source: string): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ source, field: fieldPath([...issue.path, key]), message: 'unknown field' });
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      problems.push({ source, field: fieldPath(issue.path), message: 'is required' });
    } else {
      problems.push({ source, field: fieldPath(issue.path), message: issue.message });
    }
  }
  return problems;
}

function minor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

