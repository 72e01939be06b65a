import { posix } from 'node:path';
import type { FileSystem, PathProbe } from '../../src/core/deps.js';

export type FsOperation = 'readFile' | 'writeFileAtomic' | 'mkdir' | 'mkdirExclusive' | 'probe' | 'exists' | 'remove' | 'readdir';

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
  };
  return known[code] ?? 'error';
}

/**
 * An in-memory FileSystem (src/core/deps.ts) for tests. Paths are POSIX, resolved against `/`.
 * Like the disk: writing needs the parent directory (mkdir is recursive), reading a directory or a missing file fails
 * with Node's error codes. Every call is recorded in `calls`, in order; `failOn` makes one operation on one path fail.
 */
export class MemoryFileSystem implements FileSystem {
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>(['/']);
  readonly calls: FsCall[] = [];
  /** Directories that refuse new entries (like a read-only mount): probe says not writable, creating in them fails. */
  readonly readOnly = new Set<string>();
  /** Directories on a kernel pseudo-filesystem, by name (e.g. '/proc' → 'proc'), for probe. */
  readonly pseudo = new Map<string, string>();
  private readonly faults: { op: FsOperation; path: string; code: string }[] = [];

  /** Seed with files (their parent directories are created). */
  constructor(initial: Record<string, string> = {}) {
    for (const [path, content] of Object.entries(initial)) {
      const p = norm(path);
      this.mkdirSync(posix.dirname(p));
      this.files.set(p, content);
    }
  }

  /** Make every later `op` on `path` fail with the given error code. */
  failOn(op: FsOperation, path: string, code = 'EIO'): this {
    this.faults.push({ op, path: norm(path), code });
    return this;
  }

  /** File contents by path, for assertions. */
  read(path: string): string | undefined {
    return this.files.get(norm(path));
  }

  async readFile(path: string): Promise<string> {
    const p = this.enter('readFile', path);
    if (this.dirs.has(p)) throw new FakeFsError('EISDIR', 'read', p);
    const content = this.files.get(p);
    if (content === undefined) throw new FakeFsError('ENOENT', 'open', p);
    return content;
  }

  async writeFileAtomic(path: string, content: string): Promise<void> {
    const p = this.enter('writeFileAtomic', path);
    if (this.dirs.has(p)) throw new FakeFsError('EISDIR', 'open', p);
    const parent = posix.dirname(p);
    if (!this.dirs.has(parent)) throw new FakeFsError(this.files.has(parent) ? 'ENOTDIR' : 'ENOENT', 'open', p);
    if (this.readOnly.has(parent)) throw new FakeFsError('EROFS', 'open', p);
    this.files.set(p, content);
  }

  async mkdir(path: string): Promise<void> {
    const p = this.enter('mkdir', path);
    this.mkdirSync(p);
  }

  async mkdirExclusive(path: string): Promise<boolean> {
    const p = this.enter('mkdirExclusive', path);
    this.mkdirSync(posix.dirname(p));
    if (this.files.has(p) || this.dirs.has(p)) return false;
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
    if (this.files.has(p)) return { kind: 'file', writable: false, pseudo: pseudoOf(p) };
    if (this.dirs.has(p)) return { kind: 'directory', writable: !this.readOnly.has(p), pseudo: pseudoOf(p) };
    return { kind: 'missing' };
  }

  async exists(path: string): Promise<boolean> {
    const p = this.enter('exists', path);
    return this.files.has(p) || this.dirs.has(p);
  }

  async remove(path: string): Promise<void> {
    const p = this.enter('remove', path);
    const inside = (q: string) => q === p || q.startsWith(p === '/' ? '/' : `${p}/`);
    for (const f of [...this.files.keys()]) if (inside(f)) this.files.delete(f);
    for (const d of [...this.dirs]) if (inside(d) && d !== '/') this.dirs.delete(d);
  }

  async readdir(path: string): Promise<string[]> {
    const p = this.enter('readdir', path);
    if (this.files.has(p)) throw new FakeFsError('ENOTDIR', 'scandir', p);
    if (!this.dirs.has(p)) throw new FakeFsError('ENOENT', 'scandir', p);
    const children = [...this.files.keys(), ...this.dirs]
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
      if (this.files.has(d)) throw new FakeFsError('EEXIST', 'mkdir', d);
      if (!this.dirs.has(d) && this.readOnly.has(posix.dirname(d))) throw new FakeFsError('EROFS', 'mkdir', d);
      this.dirs.add(d);
    }
  }
}

function norm(path: string): string {
  return posix.resolve('/', path);
}
