import { constants, gunzipSync, gzipSync } from 'node:zlib';
import type { FileSystem } from '../core/deps.js';
import { InputError } from '../core/errors.js';
import { errorReason, readInputFile } from '../core/input-file.js';

/**
 * The JSON files a night commits, read by our tools only (record.json.gz, compare.json.gz), are stored gzip-compressed:
 * gzip -9 takes a 28-system night's record from about 205 KB to 91 KB (issue 9: a night commits at most ~300 KB). The
 * report and charts stay text, which GitHub renders. Read one by hand: `zcat results/<night>/record.json.gz | jq .`.
 * Older nights' plain record.json and compare.json still read: which one a path is, is said by its name.
 */
export const GZIP_SUFFIX = '.gz';

/**
 * A decompressed file larger than this is refused rather than read: a record is a few hundred KB, so only a corrupt
 * or hostile file gets near it. zlib's `maxOutputLength` bounds what the convenience methods return
 * (https://nodejs.org/api/zlib.html#class-options), so a gzip bomb fails without taking the memory first.
 */
const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export function isGzipPath(path: string): boolean {
  return path.endsWith(GZIP_SUFFIX);
}

/**
 * The JSON text of `path`: a `.gz` file decompressed, any other read as UTF-8 text. A file that cannot be read, or a
 * `.gz` that is not gzip (or is cut short), is an InputError naming the file, in one line (exit 2).
 */
export async function readJsonText(path: string, fs: FileSystem): Promise<string> {
  if (!isGzipPath(path)) return readInputFile(path, fs);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readBytes(path);
  } catch (error) {
    throw InputError.single(path, '', `cannot read file (${errorReason(error)})`);
  }
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_DECOMPRESSED_BYTES }).toString('utf8');
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw InputError.single(path, '', `not a valid gzip file (${why}): a .gz file must be gzip-compressed JSON`);
  }
}

/** `text` gzip-compressed at level 9 (the smallest zlib makes; the bytes depend on the input alone: mtime is 0). */
export function gzipText(text: string): Uint8Array {
  return gzipSync(Buffer.from(text, 'utf8'), { level: constants.Z_BEST_COMPRESSION });
}

/** Writes JSON text atomically: gzip-compressed when `path` ends in `.gz`, as it is otherwise. */
export async function writeJsonText(path: string, text: string, fs: FileSystem): Promise<void> {
  if (isGzipPath(path)) await fs.writeBytesAtomic(path, gzipText(text));
  else await fs.writeFileAtomic(path, text);
}
