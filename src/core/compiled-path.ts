import { fileURLToPath } from 'node:url';

/**
 * Path of a compiled sibling module (worker threads and child processes need JavaScript). From dist/ it is the
 * sibling itself; when this code runs from TypeScript sources (vitest), it is the same file under dist/, which
 * `npm run build` produces (npm test builds first).
 */
export function compiledSibling(importMetaUrl: string, relativeJs: string): string {
  const url = new URL(relativeJs, importMetaUrl);
  if (!importMetaUrl.endsWith('.ts')) return fileURLToPath(url);
  const path = fileURLToPath(url);
  const marker = `${'/'}src${'/'}`;
  const at = path.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot map ${path} to its compiled file`);
  return `${path.slice(0, at)}/dist${path.slice(at)}`;
}
