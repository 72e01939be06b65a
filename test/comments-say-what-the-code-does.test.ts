import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatewayApiInstallOperations, gatewayApiRelease } from '../src/mesh/gateway-api.js';
import { meshTestContext } from './helpers/mesh-context.js';

/** Defect 11 of issue 8: two comments that said the opposite of what the code and the platform do. */
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('src/mesh/gateway-api.ts', () => {
  const ctx = meshTestContext('istio-ambient-waypoint');
  const release = gatewayApiRelease(ctx.versions.gatewayApi.version);

  it('verifies every download: each file is an apply-url operation carrying its pinned git blob id', () => {
    const downloads = gatewayApiInstallOperations(ctx).filter((op) => op.op === 'apply-url');
    expect(downloads).toHaveLength(release.files.length);
    for (const [i, op] of downloads.entries()) {
      expect(op).toMatchObject({ digest: { algorithm: 'git-blob-sha1', value: release.files[i]!.gitBlobSha1 } });
    }
  });

  it('and its comment says so, instead of that downloads are not verified', () => {
    const header = read('src/mesh/gateway-api.ts');
    expect(header).not.toMatch(/no download-and-verify\s+\*?\s*operation/);
    expect(header).not.toMatch(/let kubectl fetch the commit-pinned URLs/);
    expect(header).toMatch(/applies nothing on a mismatch/);
  });
});

describe('clusters/kind/default.yaml', () => {
  it('does not claim the load generator never competes with the servers for CPU: on kind all nodes share the host’s', () => {
    const comment = read('clusters/kind/default.yaml')
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .join(' ');
    expect(comment).not.toMatch(/never competes/);
    expect(comment).toMatch(/share the runner's CPUs/);
  });
});
