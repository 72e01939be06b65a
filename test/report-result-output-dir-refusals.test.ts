import { describe, expect, it } from 'vitest';
import type { FileSystem, PathProbe } from '../src/core/deps.js';
import { InputError } from '../src/core/errors.js';
import { checkOutputDir } from '../src/report/output-location.js';

/** A filesystem that answers probe from a table (any path not in it is missing) and refuses every other call. */
function probing(table: Record<string, PathProbe>): { fs: FileSystem; probed: string[] } {
  const probed: string[] = [];
  const refuse = (op: string) => (): never => {
    throw new Error(`the output check must not call ${op}`);
  };
  const fs = {
    probe: async (path: string): Promise<PathProbe> => {
      probed.push(path);
      return table[path] ?? { kind: 'missing' };
    },
    readFile: refuse('readFile'),
    writeFileAtomic: refuse('writeFileAtomic'),
    readBytes: refuse('readBytes'),
    writeBytesAtomic: refuse('writeBytesAtomic'),
    mkdir: refuse('mkdir'),
    mkdirExclusive: refuse('mkdirExclusive'),
    exists: refuse('exists'),
    remove: refuse('remove'),
    readdir: refuse('readdir'),
  } as unknown as FileSystem;
  return { fs, probed };
}

const dir = (writable = true, pseudo: string | null = null): PathProbe => ({ kind: 'directory', writable, pseudo });

async function refusal(path: string, table: Record<string, PathProbe>, cwd = '/work'): Promise<string> {
  try {
    await checkOutputDir('--out', path, { fs: probing(table).fs, cwd });
  } catch (err) {
    if (err instanceof InputError) {
      expect(err.problems).toHaveLength(1);
      return err.message;
    }
    throw err;
  }
  throw new Error('accepted');
}

describe('the output directory is checked before anything starts', () => {
  it('returns the absolute path of a writable directory, resolved against the working directory', async () => {
    const { fs, probed } = probing({ '/work/results': dir() });
    expect(await checkOutputDir('--out', 'results', { fs, cwd: '/work' })).toBe('/work/results');
    expect(probed).toEqual(['/work/results']);
  });

  it('walks up to the nearest existing ancestor of a directory not created yet', async () => {
    const { fs, probed } = probing({ '/work': dir() });
    expect(await checkOutputDir('--out', 'a/b', { fs, cwd: '/work' })).toBe('/work/a/b');
    expect(probed).toEqual(['/work/a/b', '/work/a', '/work']);
  });

  it('refuses an empty or blank value', async () => {
    expect(await refusal('  ', {})).toBe('--out: must not be empty (give a directory to write results into)');
  });

  it('refuses a path with no existing directory up to the root', async () => {
    expect(await refusal('/nowhere/x', {})).toBe('--out: /nowhere/x: no existing parent directory');
  });

  it('passes on why a path could not be checked', async () => {
    expect(await refusal('/work/x', { '/work/x': { kind: 'error', message: 'EACCES' } })).toBe(
      '--out: /work/x: cannot be checked: EACCES',
    );
  });

  it('names the path as given, or the parent that is at fault', async () => {
    expect(await refusal('out', { '/work/out': { kind: 'file', writable: true, pseudo: null } })).toBe(
      '--out: out is a file, not a directory',
    );
    expect(await refusal('out/x', { '/work/out': { kind: 'file', writable: true, pseudo: null } })).toBe(
      '--out: /work/out (a parent of out/x) is a file, not a directory',
    );
    expect(await refusal('sock', { '/work/sock': { kind: 'other', writable: true, pseudo: null } })).toBe(
      '--out: sock is not a directory',
    );
    expect(await refusal('ro', { '/work/ro': dir(false) })).toBe('--out: ro is not writable (read-only or no permission)');
  });

  it('refuses a pseudo-filesystem before anything else about the path', async () => {
    expect(await refusal('/proc/self/x', { '/proc/self': dir(true, 'proc') })).toBe(
      '--out: /proc/self (a parent of /proc/self/x) is on the proc pseudo-filesystem: results cannot be written there',
    );
    expect(await refusal('/dev/null', { '/dev/null': { kind: 'file', writable: false, pseudo: 'devtmpfs' } })).toBe(
      '--out: /dev/null is on the devtmpfs pseudo-filesystem: results cannot be written there',
    );
  });
});
