import { describe, expect, it } from 'vitest';
import { computeImageTag, imageArchivePath, imageOperations } from '../src/platform/image-build.js';
import { imageTag } from '../src/platform/image-tag.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';

describe('imageOperations', () => {
  const params = { repoDir: '/src/mesh-bench', workDir: '/tmp/run-1', tag: 'mesh-bench:0123456789ab', clusterName: 'bench-istio' };

  it('builds, saves to a file and loads that file into the kind cluster (argv golden)', () => {
    const ops = imageOperations(params);
    expect(ops.map((o) => (o.op === 'run' ? o.argv : o.op))).toEqual([
      ['docker', 'build', '--tag', 'mesh-bench:0123456789ab', '--file', '/src/mesh-bench/Dockerfile', '/src/mesh-bench'],
      ['docker', 'save', '--output', '/tmp/run-1/image-0123456789ab.tar', 'mesh-bench:0123456789ab'],
      ['kind', 'load', 'image-archive', '/tmp/run-1/image-0123456789ab.tar', '--name', 'bench-istio'],
    ]);
  });

  it('never pipes into kind and never uses `kind load docker-image`', () => {
    const argvs = imageOperations(params).map((o) => (o.op === 'run' ? o.argv.join(' ') : ''));
    expect(argvs.some((a) => a.includes('|') || a.includes('/dev/stdin') || a.includes(' - '))).toBe(false);
    expect(argvs.some((a) => a.includes('docker-image'))).toBe(false);
  });

  it('each operation has a title and a timeout', () => {
    for (const op of imageOperations(params)) {
      expect(op.op).toBe('run');
      if (op.op !== 'run') continue;
      expect(op.title).not.toBe('');
      expect(op.timeoutMs).toBeGreaterThan(0);
    }
  });

  it('saves one platform when asked (the documented workaround of kubernetes-sigs/kind#4247)', () => {
    const save = imageOperations({ ...params, platform: 'linux/amd64' })[1];
    expect(save?.op === 'run' && save.argv).toEqual([
      'docker',
      'save',
      '--platform',
      'linux/amd64',
      '--output',
      '/tmp/run-1/image-0123456789ab.tar',
      'mesh-bench:0123456789ab',
    ]);
  });

  it('refuses a tag that is not a content hash (no latest, no digest)', () => {
    expect(() => imageOperations({ ...params, tag: 'mesh-bench:latest' })).toThrow('not a content-hash image tag: mesh-bench:latest');
    expect(() => imageArchivePath('/w', 'mesh-bench')).toThrow(/not a content-hash/);
  });
});

describe('computeImageTag', () => {
  const repo = {
    '/repo/Dockerfile': 'FROM node:22-slim@sha256:48e4\n',
    '/repo/.dockerignore': '*\n!src\n',
    '/repo/package.json': '{"name":"mesh-bench"}\n',
    '/repo/package-lock.json': '{}\n',
    '/repo/tsconfig.json': '{}\n',
    '/repo/tsconfig.build.json': '{}\n',
    '/repo/src/workload/server.ts': 'export const a = 1;\n',
    '/repo/src/cli/main.ts': 'export const b = 2;\n',
    '/repo/test/x.test.ts': 'test\n',
    '/repo/README.md': '# mesh-bench\n',
    '/repo/results/run-1/results.json': '{}\n',
    '/repo/node_modules/yaml/package.json': '{}\n',
    '/repo/dist/src/cli/main.js': 'x\n',
  };

  it('hashes exactly the image inputs, read through the FileSystem seam', async () => {
    const fs = new MemoryFileSystem(repo);
    const expected = imageTag(
      [
        '.dockerignore',
        'Dockerfile',
        'package-lock.json',
        'package.json',
        'src/cli/main.ts',
        'src/workload/server.ts',
        'tsconfig.build.json',
        'tsconfig.json',
      ].map((path) => ({ path, bytes: repo[`/repo/${path}` as keyof typeof repo] })),
    );
    expect(await computeImageTag('/repo', { fs })).toBe(expected);
    const read = fs.calls.filter((c) => c.op === 'readFile').map((c) => c.path);
    expect(read).toContain('/repo/src/workload/server.ts');
    expect(read).not.toContain('/repo/test/x.test.ts');
    // Installed and generated trees are not even listed.
    expect(fs.calls.some((c) => c.path.startsWith('/repo/node_modules') || c.path.startsWith('/repo/dist'))).toBe(false);
  });

  it('changes with a source file and not with a test, a result or a doc', async () => {
    const base = await computeImageTag('/repo', { fs: new MemoryFileSystem(repo) });
    const changedSource = await computeImageTag('/repo', {
      fs: new MemoryFileSystem({ ...repo, '/repo/src/cli/main.ts': 'export const b = 3;\n' }),
    });
    const newSource = await computeImageTag('/repo', { fs: new MemoryFileSystem({ ...repo, '/repo/src/cli/extra.ts': '' }) });
    const unrelated = await computeImageTag('/repo', {
      fs: new MemoryFileSystem({
        ...repo,
        '/repo/test/x.test.ts': 'changed\n',
        '/repo/README.md': 'changed\n',
        '/repo/results/run-2/results.json': '{}\n',
      }),
    });
    expect(changedSource).not.toBe(base);
    expect(newSource).not.toBe(base);
    expect(unrelated).toBe(base);
  });

  it('fails loudly when the repository cannot be read', async () => {
    const fs = new MemoryFileSystem(repo).failOn('readdir', '/repo/src', 'EACCES');
    await expect(computeImageTag('/repo', { fs })).rejects.toThrow(/EACCES/);
  });
});
