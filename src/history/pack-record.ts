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
