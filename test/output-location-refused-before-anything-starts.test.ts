import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { checkOutputDir } from '../src/report/output-location.js';
import { bench } from './helpers/cli.js';
import { processesWithMarker } from './helpers/test-processes.js';

/** `--out` of `bench run` and `bench calibrate` on the real disk: refused in one line before anything starts. */
const root = mkdtempSync(join(tmpdir(), 'bench-out-'));
const aFile = join(root, 'a-file');
writeFileSync(aFile, 'not a directory\n');
const readOnly = join(root, 'read-only');
mkdirSync(readOnly);

/**
 * A folder nobody may create entries in. As root, permission bits do not stop writes, but the immutable attribute
 * does (chattr +i); without either, the test says why it skips.
 */
function makeReadOnly(): string | null {
  if (process.getuid?.() !== 0) {
    chmodSync(readOnly, 0o555);
    return null;
  }
  try {
    execFileSync('chattr', ['+i', readOnly], { stdio: 'ignore' });
    return null;
  } catch {
    return 'running as root without chattr +i: cannot make a folder read-only for root';
  }
}
const readOnlySkip = makeReadOnly();

afterAll(() => {
  if (process.getuid?.() === 0) {
    try {
      execFileSync('chattr', ['-i', readOnly], { stdio: 'ignore' });
    } catch {
      // not made immutable
    }
  } else chmodSync(readOnly, 0o755);
  rmSync(root, { recursive: true, force: true });
});

const deps = { fs: new NodeFileSystem(), cwd: root };
const entries = (): string[] => readdirSync(root).sort();

describe('checkOutputDir on the real disk', () => {
  const refused: Array<[string, string, RegExp]> = [
    ['an existing file', aFile, /is a file, not a directory$/],
    ['a path under a file', join(aFile, 'results'), /\(a parent of .*\) is a file, not a directory$/],
    ['a path under /proc', '/proc/self/mesh-bench-results', /on the proc pseudo-filesystem/],
    ['a path under /sys', '/sys/kernel/mesh-bench-results', /on the sysfs pseudo-filesystem/],
    ['/dev/null', '/dev/null', /on the devtmpfs pseudo-filesystem/],
    ['the empty string', '', /must not be empty/],
    ['blanks', '   ', /must not be empty/],
  ];
  for (const [what, path, message] of refused) {
    it(`refuses ${what} with one line naming --out, creating nothing`, async () => {
      const before = entries();
      const error = await checkOutputDir('--out', path, deps).catch((e: unknown) => e);
      expect(error).toMatchObject({ exitCode: 2 });
      expect((error as Error).message).toMatch(/^--out: /);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      expect(entries()).toEqual(before);
    });
  }

  it.skipIf(readOnlySkip !== null)(`refuses a read-only folder${readOnlySkip ? ` (skipped: ${readOnlySkip})` : ''}`, async () => {
    await expect(checkOutputDir('--out', join(readOnly, 'results'), deps)).rejects.toThrow(/^--out: .*read-only.* is not writable/);
  });

  it('accepts a folder that does not exist yet under a writable one, without creating it', async () => {
    const path = join(root, 'new', 'deeper');
    expect(await checkOutputDir('--out', 'new/deeper', deps)).toBe(path);
    expect(existsSync(join(root, 'new'))).toBe(false);
  });
});

describe('bench run and bench calibrate with a bad --out', () => {
  const scenario = 'test/fixtures/cli/quick.yaml';
  const cases: Array<[string, string]> = [
    ['a file', aFile],
    ['under /proc', '/proc/self/mesh-bench-results'],
    ['empty', ''],
  ];
  for (const [what, out] of cases) {
    it(`bench run exits 2 at once, in one line naming --out, starting nothing, when --out is ${what}`, async () => {
      const before = entries();
      const t0 = Date.now();
      const r = await bench(['run', '--target', 'local', '--mesh', 'baseline', '--scenario', scenario, '--out', out]);
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^ERROR: --out: /)]);
      expect(r.stderr).not.toContain('Preparing');
      expect(entries()).toEqual(before);
      expect(processesWithMarker(r.marker)).toEqual([]);
    });

    it(`bench calibrate exits 2 before measuring, in one line naming --out, when --out is ${what}`, async () => {
      const before = entries();
      const r = await bench(['calibrate', '--quick', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^ERROR: --out: /)]);
      expect(entries()).toEqual(before);
    });
  }

  it.skipIf(readOnlySkip !== null)(`bench run exits 2 when --out is in a read-only folder${readOnlySkip ? ` (skipped: ${readOnlySkip})` : ''}`, async () => {
    const r = await bench(['run', '--target', 'local', '--mesh', 'baseline', '--scenario', scenario, '--out', join(readOnly, 'results')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^ERROR: --out: .* is not writable \(read-only or no permission\)$/);
    expect(readdirSync(readOnly)).toEqual([]);
  });
});
