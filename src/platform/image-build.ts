import { join, posix } from 'node:path';
import type { FileSystem } from '../core/deps.js';
import { imageInputs, imageTag, type ImageInput } from './image-tag.js';
import type { Operation } from './operations.js';

/**
 * Building the workload image and getting it into the kind nodes, as operations (`bench plan` prints them).
 *
 * Through a file, not `docker save | kind load image-archive /dev/stdin`: kind's `load image-archive` stats the
 * archive path first, then opens it once per node and loads the nodes concurrently
 * (pkg/cmd/kind/load/image-archive/image-archive.go at v0.32.0: os.Stat, then os.Open in loadImage per node under
 * errors.UntilErrorConcurrent), so a pipe can feed at most one node of our three.
 *
 * Not `kind load docker-image`: under Docker's containerd image store (the default on Docker 29 and Docker
 * Desktop) it fails with `ctr: content digest sha256:…: not found`, because `docker save` writes the image's whole
 * index and kind imports with `ctr images import --all-platforms` (kubernetes-sigs/kind#3795, #3845; the workaround
 * kind documents in kubernetes-sigs/kind#4247 is `docker save --platform … --output <file>` + `kind load
 * image-archive`). Our image is built locally, so every blob it references is present; still, the kind plan always
 * passes `platform` (`linux/<arch>` of this machine, cluster-setup.ts dockerPlatform), so the archive holds exactly
 * the one platform the nodes run and nothing `ctr import --all-platforms` could miss (issue 8, defect 5). The flag
 * needs Docker API 1.48+ (Docker 28; docs.docker.com reference/cli/docker/image/save: "--platform API 1.48+ Save only
 * the given platform(s)"); preflight.ts refuses an older engine before anything is created (MIN_DOCKER_API_VERSION).
 */
export interface ImageBuildParams {
  /** Repository root: the build context, holding the Dockerfile. */
  repoDir: string;
  /** Run-private directory for the image archive. */
  workDir: string;
  /** `mesh-bench:<12 hex>` from computeImageTag. */
  tag: string;
  /** kind cluster to load the image into. */
  clusterName: string;
  /** e.g. `linux/amd64`: save only this platform of the image. */
  platform?: string;
}

const BUILD_TIMEOUT_MS = 20 * 60_000;
const SAVE_TIMEOUT_MS = 5 * 60_000;
const LOAD_TIMEOUT_MS = 10 * 60_000;

export function imageOperations(p: ImageBuildParams): Operation[] {
  const archive = imageArchivePath(p.workDir, p.tag);
  return [
    {
      op: 'run',
      title: `Building image ${p.tag}`,
      // --file as a path: a relative one is taken from the current directory, not from the context.
      argv: ['docker', 'build', '--tag', p.tag, '--file', join(p.repoDir, 'Dockerfile'), p.repoDir],
      timeoutMs: BUILD_TIMEOUT_MS,
    },
    {
      op: 'run',
      title: `Saving image ${p.tag} to ${archive}`,
      argv: ['docker', 'save', ...(p.platform ? ['--platform', p.platform] : []), '--output', archive, p.tag],
      timeoutMs: SAVE_TIMEOUT_MS,
    },
    {
      op: 'run',
      title: `Loading image ${p.tag} into the nodes of ${p.clusterName}`,
      argv: ['kind', 'load', 'image-archive', archive, '--name', p.clusterName],
      timeoutMs: LOAD_TIMEOUT_MS,
    },
  ];
}

/** `<workDir>/image-<hash>.tar` for `mesh-bench:<hash>`. */
export function imageArchivePath(workDir: string, tag: string): string {
  const hash = /^[^:@]+:([0-9a-f]+)$/.exec(tag)?.[1];
  if (!hash) throw new Error(`not a content-hash image tag: ${tag}`);
  return join(workDir, `image-${hash}.tar`);
}

/** Directories never walked: generated, installed or version-control data, none of which goes into the image. */
const SKIP_DIRS = new Set(['.git', 'node_modules', 'dist', 'results', '.tmp']);

/**
 * The image tag of the checkout at `repoDir`: every repository file imageInputs picks, read through the seam.
 * Files are read as UTF-8 text (the inputs are sources and JSON), which is deterministic for a given checkout.
 */
export async function computeImageTag(repoDir: string, deps: { fs: FileSystem }): Promise<string> {
  const files = await listFiles(repoDir, '', deps.fs);
  const inputs: ImageInput[] = [];
  for (const path of imageInputs(files)) {
    inputs.push({ path, bytes: await deps.fs.readFile(join(repoDir, ...path.split('/'))) });
  }
  return imageTag(inputs);
}

/** Repository-relative `/`-separated paths of every file under `relDir`; a directory is what readdir accepts. */
async function listFiles(repoDir: string, relDir: string, fs: FileSystem): Promise<string[]> {
  const entries = await fs.readdir(relDir === '' ? repoDir : join(repoDir, ...relDir.split('/')));
  const files: string[] = [];
  for (const name of [...entries].sort()) {
    const rel = relDir === '' ? name : posix.join(relDir, name);
    if (relDir === '' && SKIP_DIRS.has(name)) continue;
    try {
      files.push(...(await listFiles(repoDir, rel, fs)));
    } catch (error) {
      if (codeOf(error) !== 'ENOTDIR') throw error;
      files.push(rel);
    }
  }
  return files;
}

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
