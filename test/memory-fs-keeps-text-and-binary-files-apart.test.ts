import { describe, expect, it } from 'vitest';
import { FakeFsError, MemoryFileSystem } from './helpers/memory-fs.js';

/**
 * The in-memory FileSystem the tests use holds binary files (the gzip-compressed JSON a night commits) beside text
 * ones: every call sees both as files, and reading one as the other fails, so a test notices code that reads gzip as
 * text or plain JSON as gzip, which the disk would let through.
 */
describe('the memory file system with binary files', () => {
  it('writes bytes atomically, reads back a copy of them, and counts them as files for exists, probe, readdir and remove', async () => {
    const fs = new MemoryFileSystem({ '/night/report.md': '# report\n' });
    const bytes = Uint8Array.from([0x1f, 0x8b, 8, 0, 255]);
    await fs.writeBytesAtomic('/night/record.json.gz', bytes);
    bytes[4] = 0;
    const read = await fs.readBytes('/night/record.json.gz');
    expect([...read]).toEqual([0x1f, 0x8b, 8, 0, 255]);
    read[0] = 0;
    expect([...fs.readBinary('/night/record.json.gz')!]).toEqual([0x1f, 0x8b, 8, 0, 255]);
    expect(await fs.exists('/night/record.json.gz')).toBe(true);
    expect(await fs.probe('/night/record.json.gz')).toEqual({ kind: 'file', writable: false, pseudo: null });
    expect(await fs.readdir('/night')).toEqual(['record.json.gz', 'report.md']);
    await expect(fs.readdir('/night/record.json.gz')).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(fs.mkdir('/night/record.json.gz/x')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await fs.mkdirExclusive('/night/record.json.gz')).toBe(false);
    await fs.remove('/night');
    expect(await fs.exists('/night/record.json.gz')).toBe(false);
    expect(fs.binaries.size).toBe(0);
  });

  it('refuses to read a binary file as text and a text file as bytes', async () => {
    const fs = new MemoryFileSystem({ '/a/plain.json': '{}', '/a/packed.json.gz': Uint8Array.from([1, 2]) });
    await expect(fs.readFile('/a/packed.json.gz')).rejects.toMatchObject({ code: 'EFAKEBINARY' });
    await expect(fs.readBytes('/a/plain.json')).rejects.toMatchObject({ code: 'EFAKETEXT' });
    await expect(fs.readBytes('/a/none.gz')).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fs.readBytes('/a')).rejects.toMatchObject({ code: 'EISDIR' });
    await expect(fs.readFile('/a/packed.json.gz')).rejects.toBeInstanceOf(FakeFsError);
  });

  it('a file written one way then the other is only the last kind', async () => {
    const fs = new MemoryFileSystem({ '/a/x': 'text' });
    await fs.writeBytesAtomic('/a/x', Uint8Array.from([7]));
    expect(fs.read('/a/x')).toBeUndefined();
    expect([...(await fs.readBytes('/a/x'))]).toEqual([7]);
    await fs.writeFileAtomic('/a/x', 'again');
    expect(fs.readBinary('/a/x')).toBeUndefined();
    expect(await fs.readFile('/a/x')).toBe('again');
  });

  it('writing bytes needs the parent directory, refuses a read-only one and a directory, and obeys failOn', async () => {
    const fs = new MemoryFileSystem();
    await expect(fs.writeBytesAtomic('/missing/x.gz', Uint8Array.from([1]))).rejects.toMatchObject({ code: 'ENOENT' });
    await fs.mkdir('/ro');
    fs.readOnly.add('/ro');
    await expect(fs.writeBytesAtomic('/ro/x.gz', Uint8Array.from([1]))).rejects.toMatchObject({ code: 'EROFS' });
    await expect(fs.writeBytesAtomic('/ro', Uint8Array.from([1]))).rejects.toMatchObject({ code: 'EISDIR' });
    await fs.mkdir('/ok');
    fs.failOn('writeBytesAtomic', '/ok/x.gz', 'ENOSPC');
    await expect(fs.writeBytesAtomic('/ok/x.gz', Uint8Array.from([1]))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(fs.binaries.size).toBe(0);
    expect(fs.calls.filter((c) => c.op === 'writeBytesAtomic').map((c) => c.path)).toEqual(['/missing/x.gz', '/ro/x.gz', '/ro', '/ok/x.gz']);
  });
});
