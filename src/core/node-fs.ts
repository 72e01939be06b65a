import { constants } from 'node:fs';
import { access, mkdir, readFile, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, join, basename, resolve } from 'node:path';
import type { FileSystem, PathProbe } from './deps.js';

/**
 * Kernel pseudo-filesystems, by the f_type statfs(2) reports (linux/magic.h, listed in the statfs(2) man page):
 * writing results there fails, or blocks (a /proc file), or means something else entirely.
 */
const PSEUDO_FS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0x6165676c, 'pstore'],
  [0xde5e81e0, 'efivarfs'],
  [0xf97cff8c, 'selinuxfs'],
  [0x65735543, 'fusectl'],
]);
/** Device and kernel trees whatever their filesystem reports (devtmpfs reports tmpfs's type). */
const PSEUDO_ROOTS: ReadonlyArray<[string, string]> = [
  ['/proc', 'proc'],
  ['/sys', 'sysfs'],
  ['/dev', 'devtmpfs'],
];

/** Writes beside the target and renames over it, so readers never see half a file (a string is written as UTF-8). */
async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  await writeFile(tmp, content);
  await rename(tmp, path);
}

export class NodeFileSystem implements FileSystem {
  readFile(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }
  writeFileAtomic(path: string, content: string): Promise<void> {
    return writeAtomic(path, content);
  }
  readBytes(path: string): Promise<Uint8Array> {
    return readFile(path);
  }
  writeBytesAtomic(path: string, content: Uint8Array): Promise<void> {
    return writeAtomic(path, content);
  }
  async mkdir(path: string): Promise<void> {
    await mkdir(path, { recursive: true });
  }
  async mkdirExclusive(path: string): Promise<boolean> {
    await mkdir(dirname(path), { recursive: true });
    try {
      await mkdir(path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  }
  async probe(path: string): Promise<PathProbe> {
    let kind: 'file' | 'directory' | 'other';
    try {
      const s = await stat(path);
      kind = s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other';
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
      return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    const abs = resolve(path);
    let pseudo: string | null = null;
    try {
      pseudo = PSEUDO_FS.get(Number((await statfs(path)).type)) ?? null;
    } catch {
      // statfs is informative only: the path prefix and the write check below still apply.
    }
    pseudo ??= PSEUDO_ROOTS.find(([r]) => abs === r || abs.startsWith(`${r}/`))?.[1] ?? null;
    let writable = false;
    if (kind === 'directory') {
      try {
        // EROFS for a read-only mount even as root; EACCES for permissions.
        await access(path, constants.W_OK | constants.X_OK);
        writable = true;
      } catch {
        writable = false;
      }
    }
    return { kind, writable, pseudo };
  }
  async exists(path: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  }
  async remove(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }
  readdir(path: string): Promise<string[]> {
    return readdir(path);
  }
}
