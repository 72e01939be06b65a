import { dirname, resolve } from 'node:path';
import type { FileSystem } from '../core/deps.js';
import { InputError } from '../core/errors.js';

/**
 * Checks an output directory (`--out`) before anything is started, so a run never measures for an hour and then
 * finds it cannot write: an empty value, a file where a directory is needed (the path itself or a parent), a
 * directory we may not create entries in, or a kernel pseudo-filesystem (/proc, /sys, /dev) is bad input (exit 2,
 * one line naming the flag), and nothing is created. The directory itself need not exist yet: its nearest existing
 * ancestor must be a writable directory. Returns the absolute path.
 */
export async function checkOutputDir(flag: string, path: string, deps: { fs: FileSystem; cwd: string }): Promise<string> {
  const bad = (message: string): InputError => InputError.single(flag, '', message);
  if (path.trim() === '') throw bad('must not be empty (give a directory to write results into)');
  const abs = resolve(deps.cwd, path);
  for (let p = abs; ; p = dirname(p)) {
    const probe = await deps.fs.probe(p);
    if (probe.kind === 'missing') {
      if (p === dirname(p)) throw bad(`${path}: no existing parent directory`);
      continue;
    }
    if (probe.kind === 'error') throw bad(`${path}: cannot be checked: ${probe.message}`);
    const where = p === abs ? path : `${p} (a parent of ${path})`;
    if (probe.pseudo !== null) throw bad(`${where} is on the ${probe.pseudo} pseudo-filesystem: results cannot be written there`);
    if (probe.kind === 'file') throw bad(`${where} is a file, not a directory`);
    if (probe.kind === 'other') throw bad(`${where} is not a directory`);
    if (!probe.writable) throw bad(`${where} is not writable (read-only or no permission)`);
    return abs;
  }
}
