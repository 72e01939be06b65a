import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, referenceEntries, sharedReferenceDir } from './helpers/reference.js';

/**
 * test/reference/sources.json against where its files come from: each download URL is the raw file (or chart archive)
 * at the recorded commit, and, where ../shared/reference is present, every sum and size is that of the file there and
 * of its SHA256SUMS, so `npm run reference` fills the cache with the same bytes CI reads.
 */
const entries = [...referenceEntries().values()];
const RAW = 'https://raw.githubusercontent.com';

describe('the reference manifest', () => {
  it('downloads each file from raw.githubusercontent.com at the recorded commit and path', () => {
    for (const e of entries.filter((x) => x.url !== undefined)) {
      expect(e.url, e.path).toBe(`${RAW}/${e.source.repo}/${e.source.commit}/${e.source.path}`);
      if (e.archive) expect(e.source.path, e.path).toMatch(/\.tgz$/);
      else expect(e.source.path.endsWith(e.path.split('/').at(-1)!) || e.path.startsWith('kubelet/'), e.path).toBe(true);
    }
  });

  it('marks as not downloadable exactly the DERIVED, compiled and cut-out files, each with its reason', () => {
    const notDownloadable = entries.filter((e) => e.notDownloadable !== undefined);
    expect(notDownloadable.map((e) => e.path).sort()).toEqual([
      'cli-samples/cilium/status-json.shape.json',
      'cli-samples/istio/version-json.shape.json',
      'cli-samples/linkerd/check-json.shape.json',
      'kind/v0.32.0/node-images.json',
      'kubelet/k8s-collector-expected/arbitrary-container-metrics.txt',
      'kubelet/k8s-collector-expected/arbitrary-node-metrics.txt',
      'kubelet/k8s-collector-expected/arbitrary-pod-metrics.txt',
      'kubelet/k8s-collector-expected/error-getting-summary.txt',
      'kubelet/metrics-resource.bad-start-time.metrics-server-v0.9.0.txt',
      'kubelet/metrics-resource.kind-e2e.metrics-server-v0.9.0.txt',
      'kubelet/metrics-resource.no-timestamps.metrics-server-v0.9.0.txt',
      'kubelet/metrics-resource.normal.expected.metrics-server-v0.9.0.json',
      'kubelet/metrics-resource.normal.metrics-server-v0.9.0.txt',
    ]);
    for (const e of notDownloadable) expect(e.notDownloadable, e.path).toMatch(/^(DERIVED|compiled|cut out of a Go test string literal|transcribed)/);
  });

  const shared = sharedReferenceDir('the check of the manifest’s sums against ../shared/reference');
  it.skipIf(shared === undefined)('lists every file of ../shared/reference with the sum of SHA256SUMS and the file’s own sum and size', () => {
    const dir = shared!;
    const sums = new Map(
      readFileSync(join(dir, 'SHA256SUMS'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/) as [string, string])
        .map(([sum, path]) => [path, sum]),
    );
    expect(entries.map((e) => e.path).sort()).toEqual([...sums.keys()].sort());
    for (const e of entries) {
      const bytes = readFileSync(join(dir, e.path));
      expect(e.sha256, e.path).toBe(sums.get(e.path));
      expect(createHash('sha256').update(bytes).digest('hex'), e.path).toBe(e.sha256);
      expect(statSync(join(dir, e.path)).size, e.path).toBe(e.bytes);
    }
  });

  it('is shipped without the data: no file git would commit has the bytes of a reference file, and the cache is git-ignored', () => {
    const ignore = readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8').split('\n');
    expect(ignore).toContain('.cache/');
    // Every file a commit of this tree could hold (not a git command: a tarball of the repository has no .git).
    const ignoredDirs = new Set(['.git', ...ignore.filter((l) => /^[\w.-]+\/$/.test(l)).map((l) => l.slice(0, -1))]);
    const ignoredExtensions = ignore.filter((l) => /^\*\.\w+$/.test(l)).map((l) => l.slice(1));
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const d of readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })) {
        const path = join(dir, d.name);
        if (d.isDirectory() && !(dir === '' && ignoredDirs.has(d.name))) walk(path);
        else if (d.isFile() && !ignoredExtensions.some((x) => d.name.endsWith(x))) files.push(path);
      }
    };
    walk('');
    expect(files).toContain(join('test', 'reference', 'sources.json'));
    const sums = new Set(entries.map((e) => e.sha256));
    expect(files.filter((f) => sums.has(createHash('sha256').update(readFileSync(join(REPO_ROOT, f))).digest('hex')))).toEqual([]);
  });
});
