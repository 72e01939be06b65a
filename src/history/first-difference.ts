import { fieldPath } from '../core/input-file.js';

export interface Difference {
  /** Dotted path of the first field that differs, e.g. `scenario.steps[2].rate`. */
  field: string;
  /** Each side's value, as JSON (or `absent`). */
  left: string;
  right: string;
}

/**
 * The first field, in key order, where two JSON values differ; null when they are equal. Used to say exactly what
 * differs between two runs' scenarios in one line instead of "not equal".
 */
export function firstDifference(a: unknown, b: unknown, root: string): Difference | null {
  return walk(a, b, [root]);
}

function walk(a: unknown, b: unknown, path: Array<string | number>): Difference | null {
  if (Object.is(a, b)) return null;
  const bothArrays = Array.isArray(a) && Array.isArray(b);
  const bothObjects = isObject(a) && isObject(b);
  if (bothArrays) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const d = walk(a[i], b[i], [...path, i]);
      if (d) return d;
    }
    return null;
  }
  if (bothObjects) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = walk(a[k], b[k], [...path, k]);
      if (d) return d;
    }
    return null;
  }
  return { field: fieldPath(path), left: show(a), right: show(b) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === undefined) return 'absent';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
