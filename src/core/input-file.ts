import { join } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { FileSystem } from './deps.js';
import { InputError } from './errors.js';

/**
 * Reading user files (scenarios, versions, kind configs, results): one way to say what is wrong, `file: field:
 * message`, for every kind of input.
 */

/** Reads a file, or throws an InputError "cannot read <what> (ENOENT)" naming it. */
export async function readInputFile(path: string, fs: FileSystem, what = 'file'): Promise<string> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    throw InputError.single(path, '', `cannot read ${what} (${errorReason(error)})`);
  }
}

/** Parses YAML strictly (duplicate keys are errors); syntax errors become one problem each, with line and column. */
export function parseYamlDocument(text: string, source: string): Document {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { source, field: '', message: `invalid YAML at line ${line}, column ${col}: ${firstLine(error.message)}` };
      }),
    );
  }
  return doc;
}

/** The document's values; unresolved aliases and alias bombs only show up here. `emptyMessage` when there are none. */
export function yamlData(doc: Document, source: string, emptyMessage?: string): unknown {
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    throw InputError.single(source, '', `invalid YAML: ${firstLine(error instanceof Error ? error.message : String(error))}`);
  }
  if (emptyMessage !== undefined && (data === null || data === undefined)) throw InputError.single(source, '', emptyMessage);
  return data;
}

/** ['steps', 1, 'rate'] → "steps[1].rate"; keys that are not identifiers are quoted: `labels["a/b"]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** The errno code of a failed read (ENOENT, EACCES…), or the message. */
export function errorReason(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}

export function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

/** The first of `names` that exists in `dir` (its path), in the order given; null when none does. */
export async function firstExistingIn(dir: string, names: readonly string[], fs: FileSystem): Promise<string | null> {
  for (const name of names) if (await fs.exists(join(dir, name))) return join(dir, name);
  return null;
}
