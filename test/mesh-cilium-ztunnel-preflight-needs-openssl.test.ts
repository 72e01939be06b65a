import { describe, expect, it } from 'vitest';
import { CommandError } from '../src/core/errors.js';
import type { ProcessRunner, RunOutput } from '../src/core/deps.js';
import { CiliumZtunnelMesh } from '../src/mesh/cilium-ztunnel-mesh.js';
import { parseOpensslVersion, runPreflight } from '../src/platform/preflight.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { SHIPPED_VERSIONS } from './helpers/mesh-context.js';

/**
 * cilium-ztunnel makes the guide's keys with the machine's openssl: the preflight (before anything is created) must
 * find it, at any version (none is pinned), and name the fix when it is missing.
 */

class OnPath implements ProcessRunner {
  constructor(private readonly answers: Record<string, string>) {}
  async run(argv: readonly string[]): Promise<RunOutput> {
    const out = this.answers[argv.join(' ')];
    if (out === undefined) {
      const message = `Command failed with ENOENT: ${argv.join(' ')}\nspawn ${argv[0]} ENOENT`;
      throw new CommandError(argv, null, message, message);
    }
    return { stdout: out, stderr: '', exitCode: 0 };
  }
  async pipe(): Promise<RunOutput> {
    throw new Error('not used');
  }
}

const preflight = (runner: ProcessRunner) =>
  runPreflight({ tools: new CiliumZtunnelMesh().tools.filter((t) => t === 'openssl'), versions: SHIPPED_VERSIONS, needs: { memoryBytes: 0, cores: 1 }, host: false }, { runner, fs: new MemoryFileSystem({}), env: {}, cores: 1 });

describe('cilium-ztunnel preflight: openssl', () => {
  it('reads the version OpenSSL and LibreSSL print', () => {
    expect(parseOpensslVersion('OpenSSL 3.0.13 30 Jan 2024 (Library: OpenSSL 3.0.13 30 Jan 2024)\n')).toBe('3.0.13');
    expect(parseOpensslVersion('LibreSSL 3.3.6\n')).toBe('3.3.6');
    expect(parseOpensslVersion('openssl: command not found\n')).toBeUndefined();
  });

  it('passes with any openssl version, recording the one found', async () => {
    const report = await preflight(new OnPath({ 'openssl version': 'OpenSSL 3.5.1 1 Jul 2025 (Library: OpenSSL 3.5.1 1 Jul 2025)\n' }));
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.found).toEqual({ openssl: '3.5.1' });
    // Older and other-branch versions too: no minimum is pinned.
    for (const [printed, version] of [
      ['OpenSSL 1.0.2k-fips  26 Jan 2017\n', '1.0.2k-fips'],
      ['LibreSSL 2.8.3\n', '2.8.3'],
    ] as const) {
      const old = await preflight(new OnPath({ 'openssl version': printed }));
      expect(old.problems).toEqual([]);
      expect(old.warnings).toEqual([]);
      expect(old.found).toEqual({ openssl: version });
    }
  });

  it('is a problem, with the fix, when openssl is not on PATH', async () => {
    const report = await preflight(new OnPath({}));
    expect(report.problems).toEqual(['openssl not found on PATH: install openssl (e.g. sudo apt-get install openssl)']);
  });
});
