/**
 * Reads what a chart SVG shows, as data: axes (title and visible tick labels), the legend, and the marks with the
 * fields Vega writes into each mark's aria-label (`x title: value; y title: value; system: name`). Vega's SVG
 * serialiser nests one `<g class="mark-text role-…">` group of `<text>` elements per text mark, so targeted regexes
 * find them; `wellFormed` first checks that every tag is closed in order, so a broken file fails before anything else.
 */

export interface SvgAxis {
  /** Vega's description, e.g. `X-axis titled 'percentile' for a linear scale with values from 0.3 to 4.0`. */
  description: string;
  title: string;
  /** Tick labels drawn (labels hidden for overlap have opacity 0 and are left out). */
  labels: string[];
}

export interface SvgMark {
  /** `line mark`, `point`, `rule mark`, `bar`, … */
  kind: string;
  fields: Record<string, string>;
}

export function wellFormed(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, closing, name = '', , selfClosing] = m;
    if (selfClosing) continue;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open ?? 'nothing'}>`);
    } else stack.push(name);
  }
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(' > ')}`);
  if (!svg.startsWith('<svg ')) throw new Error('not an SVG document');
}

export function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

/** Visible texts of the first text group of `role` at or after `from`, with where that group ends. */
function textsOf(svg: string, role: string, from = 0): { texts: string[]; end: number } {
  const re = new RegExp(`<g class="mark-text role-${role}"[^>]*>(.*?)</g>`, 'gs');
  re.lastIndex = from;
  const m = re.exec(svg);
  if (!m) return { texts: [], end: -1 };
  const texts = [...(m[1] ?? '').matchAll(/<text([^>]*)>(.*?)<\/text>/gs)]
    .filter((t) => !/opacity="0"/.test(t[1] ?? ''))
    .map((t) => decodeXml((t[2] ?? '').replace(/<[^>]+>/g, '')));
  return { texts, end: re.lastIndex };
}

export function axes(svg: string): SvgAxis[] {
  const out: SvgAxis[] = [];
  for (const m of svg.matchAll(/<g class="mark-group role-axis"[^>]*aria-label="([^"]*)"[^>]*>/g)) {
    const at = m.index ?? 0;
    const labels = textsOf(svg, 'axis-label', at);
    const title = textsOf(svg, 'axis-title', at);
    out.push({ description: decodeXml(m[1] ?? ''), title: title.texts.join(' '), labels: labels.texts });
  }
  return out;
}

/** The axis whose description starts with `X-axis` or `Y-axis`; throws when there is not exactly one. */
export function axis(svg: string, which: 'X' | 'Y', title?: string): SvgAxis {
  const found = axes(svg).filter((a) => a.description.startsWith(`${which}-axis`) && (title === undefined || a.title === title));
  if (found.length !== 1) throw new Error(`expected one ${which} axis${title ? ` titled ${title}` : ''}, found ${found.length}`);
  return found[0] as SvgAxis;
}

export function legendEntries(svg: string): { title: string; labels: string[] }[] {
  const starts = [...svg.matchAll(/<g class="mark-group role-legend"[^>]*>/g)].map((m) => m.index ?? 0);
  return starts.map((start, i) => {
    const region = svg.slice(start, starts[i + 1] ?? svg.length);
    const labels: string[] = [];
    for (let at = 0; ; ) {
      const found = textsOf(region, 'legend-label', at);
      if (found.end < 0) break;
      labels.push(...found.texts);
      at = found.end;
    }
    return { title: textsOf(region, 'legend-title').texts.join(' '), labels };
  });
}

/** Every title text, in drawing order: a composed chart's panel titles and facet headers come before its own title. */
export function titles(svg: string): string[] {
  return [...svg.matchAll(/<g class="mark-text role-title-text"[^>]*>(.*?)<\/g>/gs)].flatMap((m) =>
    [...(m[1] ?? '').matchAll(/<text[^>]*>(.*?)<\/text>/gs)].map((t) => decodeXml((t[1] ?? '').replace(/<[^>]+>/g, ''))),
  );
}

export function marks(svg: string, kind?: string): SvgMark[] {
  const out: SvgMark[] = [];
  for (const m of svg.matchAll(/<(?:path|line|rect|text)\s[^>]*?aria-label="([^"]*)"[^>]*?aria-roledescription="([^"]*)"/g)) {
    const [, label = '', role = ''] = m;
    if (kind !== undefined && role !== kind) continue;
    const fields: Record<string, string> = {};
    for (const part of decodeXml(label).split('; ')) {
      const i = part.indexOf(': ');
      if (i > 0) fields[part.slice(0, i)] = part.slice(i + 2);
    }
    out.push({ kind: role, fields });
  }
  return out;
}

/**
 * The marks of one kind drawn without aria labels (points and interval bars, to keep files small), as the series
 * each belongs to: its colour looked up in the legend (`legendColours`). `element` is `path` for symbols, `line` for
 * rules; `markClass` the group's class, e.g. `mark-symbol role-mark`.
 */
export function marksByLegend(svg: string, markClass: string, element: 'path' | 'line'): Record<string, number> {
  const colourOf = new Map([...legendColours(svg)].map(([label, colour]) => [colour, label]));
  const out: Record<string, number> = {};
  for (const group of svg.matchAll(new RegExp(`<g class="${markClass}[^"]*"[^>]*>(.*?)</g>`, 'gs'))) {
    for (const el of (group[1] ?? '').matchAll(new RegExp(`<${element}\\s[^>]*?(?:fill|stroke)="(#[0-9a-f]{6})"`, 'g'))) {
      const label = colourOf.get(el[1] ?? '') ?? `unlabelled ${el[1]}`;
      out[label] = (out[label] ?? 0) + 1;
    }
  }
  return out;
}

/** Legend label → the fill colour of its symbol, in legend order. */
export function legendColours(svg: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of svg.matchAll(/<g class="mark-symbol role-legend-symbol"[^>]*><path[^>]*?fill="(#[0-9a-f]{6})"[^>]*\/><\/g><g class="mark-text role-legend-label"[^>]*><text[^>]*>(.*?)<\/text>/gs)) {
    out.set(decodeXml(entry[2] ?? ''), entry[1] ?? '');
  }
  return out;
}

export function count<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}
