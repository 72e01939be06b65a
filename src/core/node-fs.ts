import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { FileSystem } from './deps.js';

export class NodeFileSystem implements FileSystem {
  readFile(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }
  async writeFileAtomic(path: string, content: string): Promise<void> {
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, path);
  }
  async mkdir(path: string): Promise<void> {
    await mkdir(path, { recursive: true });
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
