/**
 * How record.json stores its systems, steps and comparisons: each as a template (the value with its numbers and
 * strings taken out) and the numbers and strings that go back in. Every step of one shape (same aggregate fields, same
 * roles present, same repetition count) shares one template, and every string is stored once in the record's string
 * table, so the field names and the repeated strings (system ids, step names, reasons, the comparisons' wording) stop
 * being most of the file. Lossless: unpack(pack(x)) is x, key order included.
 *
 * In a template a number's place holds 0 and a string's place holds "": the walk that unpacks puts the next number of
 * `n` and the next string (by its index in the table, `s`) back in those places, in the order JSON lists them.
 */
export interface PackedItem {
  /** Index of the template in the record's `templates`. */
  t: number;
  /** The numbers, in the order the template lists their places. */
  n: number[];
  /** The strings, as indices into the record's `strings`, in the order the template lists their places. */
  s: number[];
}

export class Packer {
  readonly templates: unknown[] = [];
  readonly strings: string[] = [];
  private readonly templateIndex = new Map<string, number>();
  private readonly stringIndex = new Map<string, number>();

  pack(value: unknown): PackedItem {
    const n: number[] = [];
    const s: number[] = [];
    const template = this.strip(value, n, s);
    const key = JSON.stringify(template);
    let t = this.templateIndex.get(key);
    if (t === undefined) {
      t = this.templates.length;
      this.templates.push(template);
      this.templateIndex.set(key, t);
    }
    return { t, n, s };
  }

  private strip(value: unknown, n: number[], s: number[]): unknown {
    if (typeof value === 'number') {
      n.push(value);
      return 0;
    }
    if (typeof value === 'string') {
      let i = this.stringIndex.get(value);
      if (i === undefined) {
        i = this.strings.length;
        this.strings.push(value);
        this.stringIndex.set(value, i);
      }
      s.push(i);
      return '';
    }
    if (Array.isArray(value)) return value.map((v) => this.strip(v, n, s));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.strip(v, n, s)]));
    }
    return value;
  }
}

/**
 * The string table as stored (record schema 3): a string with spaces whose every word is also a word of another
 * stored string is written as the list of its words' indices (`"measure istio rate-100 #3"` → `[40,12,3,17]`): a
 * night's phase names, comparison notes and reasons repeat the same ids and words in many combinations. Words are
 * appended to the table as plain strings; a list names plain strings only, so one pass reads it back (storedStrings).
 */
export function tableAsStored(strings: readonly string[]): Array<string | number[]> {
  const spaced = strings.filter((s) => s.includes(' '));
  const uses = new Map<string, number>();
  for (const s of spaced) for (const word of new Set(s.split(' '))) uses.set(word, (uses.get(word) ?? 0) + 1);
  const index = new Map(strings.map((s, i) => [s, i] as const));
  const table: Array<string | number[]> = [...strings];
  const words: string[] = [];
  const indexOf = (word: string): number => {
    let i = index.get(word);
    if (i === undefined) {
      i = strings.length + words.length;
      words.push(word);
      index.set(word, i);
    }
    return i;
  };
  strings.forEach((s, i) => {
    if (!s.includes(' ')) return;
    const parts = s.split(' ');
    if (!parts.every((w) => index.has(w) || (uses.get(w) ?? 0) >= 2)) return;
    // Estimated with the indices the new words would get: only a list shorter than the string replaces it.
    let next = strings.length + words.length;
    const estimate = parts.map((w) => index.get(w) ?? next++);
    if (JSON.stringify(estimate).length >= JSON.stringify(s).length) return;
    table[i] = parts.map(indexOf);
  });
  return [...table, ...words];
}

/** The string table as read: each list of word indices joined back with spaces. Throws UnpackError naming the entry. */
export function storedStrings(table: ReadonlyArray<string | readonly number[]>): string[] {
  return table.map((entry, i) => {
    if (typeof entry === 'string') return entry;
    return entry
      .map((w) => {
        const word = table[w];
        if (typeof word !== 'string') throw new UnpackError(`strings[${i}] names entry ${w}, which is not a stored word (${table.length} entries)`);
        return word;
      })
      .join(' ');
  });
}

/** Why an item cannot be unpacked, for the one line naming the record's field. */
export class UnpackError extends Error {}

/** The value `item` packed: its template with the numbers and strings put back. Throws UnpackError on a mismatch. */
export function unpack(item: PackedItem, templates: readonly unknown[], strings: readonly string[]): unknown {
  const template = templates[item.t];
  if (template === undefined) throw new UnpackError(`template ${item.t} does not exist (${templates.length} templates)`);
  let ni = 0;
  let si = 0;
  const fill = (value: unknown): unknown => {
    if (typeof value === 'number') {
      const v = item.n[ni++];
      if (v === undefined) throw new UnpackError(`has ${item.n.length} numbers, but template ${item.t} has more places for numbers`);
      return v;
    }
    if (typeof value === 'string') {
      const index = item.s[si++];
      if (index === undefined) throw new UnpackError(`has ${item.s.length} strings, but template ${item.t} has more places for strings`);
      const v = strings[index];
      if (v === undefined) throw new UnpackError(`names string ${index}, which does not exist (${strings.length} strings)`);
      return v;
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  const out = fill(template);
  if (ni !== item.n.length) throw new UnpackError(`has ${item.n.length} numbers for the ${ni} places of template ${item.t}`);
  if (si !== item.s.length) throw new UnpackError(`has ${item.s.length} strings for the ${si} places of template ${item.t}`);
  return out;
}
