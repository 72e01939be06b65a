import { posix } from 'node:path';
import type { FileSystem, PathProbe } from '../../src/core/deps.js';

export type FsOperation = 'readFile' | 'writeFileAtomic' | 'readBytes' | 'writeBytesAtomic' | 'mkdir' | 'mkdirExclusive' | 'probe' | 'exists' | 'remove' | 'readdir';

export interface FsCall {
  op: FsOperation;
  path: string;
}

/** An error shaped like Node's (`code`, `path`), so code that reads `err.code` behaves as with the real disk. */
export class FakeFsError extends Error {
  constructor(
    readonly code: string,
    op: string,
    readonly path: string,
  ) {
    super(`${code}: ${describeCode(code)}, ${op} '${path}'`);
  }
}

function describeCode(code: string): string {
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EISDIR: 'illegal operation on a directory',
    ENOTDIR: 'not a directory',
    EEXIST: 'file already exists',
    EACCES: 'permission denied',
    ENOSPC: 'no space left on device',
    EIO: 'i/o error',
    EROFS: 'read-only file system',
    EFAKEBINARY: 'a binary file (written as bytes) read as text: read it with readBytes',
    EFAKETEXT: 'a text file read as bytes: read it with readFile',
  };
  return known[code] ?? 'error';
}

/**
 * An in-memory FileSystem (src/core/deps.ts) for tests. Paths are POSIX, resolved against `/`.
 * Like the disk: writing needs the parent directory (mkdir is recursive), reading a directory or a missing file fails
 * with Node's error codes. Every call is recorded in `calls`, in order; `failOn` makes one operation on one path fail.
 * Text files (`files`) and binary files (`binaries`) are kept apart and the fake is strict about it, where the disk is
 * not: reading a binary file as text fails (EFAKEBINARY), and so does reading a text file as bytes (EFAKETEXT), so a
 * test notices code that reads a gzip file as text, or a plain one as gzip. Both count as files for every other call.
 */
export class MemoryFileSystem implements FileSystem {
  readonly files = new Map<string, string>();
  /** Files written as bytes (writeBytesAtomic, or seeded with a Uint8Array). */
  readonly binaries = new Map<string, Uint8Array>();
  readonly dirs = new Set<string>(['/']);
  readonly calls: FsCall[] = [];
  /** Directories that refuse new entries (like a read-only mount): probe says not writable, creating in them fails. */
  readonly readOnly = new Set<string>();
  /** Directories on a kernel pseudo-filesystem, by name (e.g. '/proc' → 'proc'), for probe. */
  readonly pseudo = new Map<string, string>();
  private readonly faults: { op: FsOperation; path: string; code: string }[] = [];

  /** Seed with files (their parent directories are created): a string is a text file, a Uint8Array a binary one. */
  constructor(initial: Record<string, string | Uint8Array> = {}) {
    for (const [path, content] of Object.entries(initial)) {
      const p = norm(path);
      this.mkdirSync(posix.dirname(p));
      if (typeof content === 'string') this.files.set(p, content);
      else this.binaries.set(p, Uint8Array.from(content));
    }
  }

  /** Make every later `op` on `path` fail with the given error code. */
  failOn(op: FsOperation, path: string, code = 'EIO'): this {
    this.faults.push({ op, path: norm(path), code });
    return this;
  }

  /** A text file's contents by path, for assertions. */
  read(path: string): string | undefined {
    return this.files.get(norm(path));
  }

  /** A binary file's bytes by path, for assertions. */
  readBinary(path: string): Uint8Array | undefined {
    return this.binaries.get(norm(path));
  }

  async readFile(path: string): Promise<string> {
    const p = this.enter('readFile', path);
    if (this.dirs.has(p)) throw new FakeFsError('EISDIR', 'read', p);
    if (this.binaries.has(p)) throw new FakeFsError('EFAKEBINARY', 'read', p);
    const content = this.files.get(p);
    if (content === undefined) throw new FakeFsError('ENOENT', 'open', p);
    return content;
  }

  async writeFileAtomic(path: string, content: string): Promise<void> {
    const p = this.enter('writeFileAtomic', path);
    this.checkWritable(p);
    this.binaries.delete(p);
    this.files.set(p, content);
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const p = this.enter('readBytes', path);
    if (this.dirs.has(p)) throw new FakeFsError('EISDIR', 'read', p);
    if (this.files.has(p)) throw new FakeFsError('EFAKETEXT', 'read', p);
    const content = this.binaries.get(p);
    if (content === undefined) throw new FakeFsError('ENOENT', 'open', p);
    // A copy, like a read from disk: changing it changes nothing stored.
    return Uint8Array.from(content);
  }

  async writeBytesAtomic(path: string, content: Uint8Array): Promise<void> {
    const p = this.enter('writeBytesAtomic', path);
    this.checkWritable(p);
    this.files.delete(p);
    this.binaries.set(p, Uint8Array.from(content));
  }

  /** What writing a file at `p` needs, with the errors Node gives: not a directory, a parent that is one, writable. */
  private checkWritable(p: string): void {
    if (this.dirs.has(p)) throw new FakeFsError('EISDIR', 'open', p);
    const parent = posix.dirname(p);
    if (!this.dirs.has(parent)) throw new FakeFsError(this.isFile(parent) ? 'ENOTDIR' : 'ENOENT', 'open', p);
    if (this.readOnly.has(parent)) throw new FakeFsError('EROFS', 'open', p);
  }

  private isFile(p: string): boolean {
    return this.files.has(p) || this.binaries.has(p);
  }

  async mkdir(path: string): Promise<void> {
    const p = this.enter('mkdir', path);
    this.mkdirSync(p);
  }

  async mkdirExclusive(path: string): Promise<boolean> {
    const p = this.enter('mkdirExclusive', path);
    this.mkdirSync(posix.dirname(p));
    if (this.isFile(p) || this.dirs.has(p)) return false;
    if (this.readOnly.has(posix.dirname(p))) throw new FakeFsError('EROFS', 'mkdir', p);
    this.dirs.add(p);
    return true;
  }

  async probe(path: string): Promise<PathProbe> {
    const p = this.enter('probe', path);
    const pseudoOf = (q: string): string | null => {
      for (let d = q; ; d = posix.dirname(d)) {
        const name = this.pseudo.get(d);
        if (name !== undefined) return name;
        if (d === '/') return null;
      }
    };
    if (this.isFile(p)) return { kind: 'file', writable: false, pseudo: pseudoOf(p) };
    if (this.dirs.has(p)) return { kind: 'directory', writable: !this.readOnly.has(p), pseudo: pseudoOf(p) };
    return { kind: 'missing' };
  }

  async exists(path: string): Promise<boolean> {
    const p = this.enter('exists', path);
    return this.isFile(p) || this.dirs.has(p);
  }

  async remove(path: string): Promise<void> {
    const p = this.enter('remove', path);
    const inside = (q: string) => q === p || q.startsWith(p === '/' ? '/' : `${p}/`);
    for (const f of [...this.files.keys()]) if (inside(f)) this.files.delete(f);
    for (const f of [...this.binaries.keys()]) if (inside(f)) this.binaries.delete(f);
    for (const d of [...this.dirs]) if (inside(d) && d !== '/') this.dirs.delete(d);
  }

  async readdir(path: string): Promise<string[]> {
    const p = this.enter('readdir', path);
    if (this.isFile(p)) throw new FakeFsError('ENOTDIR', 'scandir', p);
    if (!this.dirs.has(p)) throw new FakeFsError('ENOENT', 'scandir', p);
    const children = [...this.files.keys(), ...this.binaries.keys(), ...this.dirs]
      .filter((q) => q !== p && posix.dirname(q) === p)
      .map((q) => posix.basename(q));
    return [...new Set(children)].sort();
  }

  private enter(op: FsOperation, path: string): string {
    const p = norm(path);
    this.calls.push({ op, path: p });
    const fault = this.faults.find((f) => f.op === op && f.path === p);
    if (fault) throw new FakeFsError(fault.code, op, p);
    return p;
  }

  private mkdirSync(p: string): void {
    const parts: string[] = [];
    for (let d = p; d !== '/'; d = posix.dirname(d)) parts.unshift(d);
    for (const d of parts) {
      if (this.isFile(d)) throw new FakeFsError('EEXIST', 'mkdir', d);
      if (!this.dirs.has(d) && this.readOnly.has(posix.dirname(d))) throw new FakeFsError('EROFS', 'mkdir', d);
      this.dirs.add(d);
    }
  }
}

function norm(path: string): string {
  return posix.resolve('/', path);
}
