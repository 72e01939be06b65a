/**
 * Reads what a chart SVG shows, as data: axes (title, visible tick labels and where their ticks are), the legend, and
 * the data marks as drawn: each element's series is its colour looked up in the legend, and a line's points are read
 * from its path. Data marks carry no aria label (chart-style.ts, DATA_MARK), so a value is read the way a reader reads
 * it, against the axis's ticks (`pixelOf`, `valueAt`). Vega's SVG serialiser nests one `<g class="mark-text role-…">`
 * group of `<text>` elements per text mark, so targeted regexes find them; `wellFormed` first checks that every tag is
 * closed in order, so a broken file fails before anything else.
 */

export interface SvgAxis {
  /** Vega's description, e.g. `X-axis titled 'percentile' for a linear scale with values from 0.3 to 4.0`. */
  description: string;
  title: string;
  /** Tick labels drawn (labels hidden for overlap have opacity 0 and are left out). */
  labels: string[];
}

/** A tick of an axis: its label (hidden ones included) and its position along the axis, in the plot's pixels. */
export interface SvgTick {
  label: string;
  at: number;
}

/** A line mark: the legend label of its stroke colour and the points its path joins, in the plot's pixels. */
export interface SvgLine {
  series: string;
  points: Array<{ x: number; y: number }>;
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

/**
 * The ticks of an axis, in drawing order: each label (hidden ones too) with the position of its tick (Vega draws tick
 * i at the translate of line i, none for 0; the axis's own half-pixel offset, which keeps one-pixel lines crisp, is
 * left out, as the marks are drawn without it). The axis is the one titled `title` (any title when not given), or the
 * `panel`-th such axis in drawing order when panels repeat it; throws when that does not name exactly one.
 */
export function axisTicks(svg: string, which: 'X' | 'Y', title?: string, panel?: number): SvgTick[] {
  const starts = [...svg.matchAll(/<g class="mark-group role-axis"[^>]*aria-label="([^"]*)"[^>]*>/g)];
  const all = starts.filter((m) => decodeXml(m[1] ?? '').startsWith(`${which}-axis`) && (title === undefined || textsOf(svg, 'axis-title', m.index ?? 0).texts.join(' ') === title));
  const found = panel === undefined ? all : all.slice(panel, panel + 1);
  if (found.length !== 1) throw new Error(`expected one ${which} axis${title ? ` titled ${title}` : ''}${panel === undefined ? '' : ` in panel ${panel}`}, found ${found.length}`);
  const at = found[0]?.index ?? 0;
  const next = starts.find((m) => (m.index ?? 0) > at)?.index ?? svg.length;
  const region = svg.slice(at, next);
  const ticks = /<g class="mark-rule role-axis-tick"[^>]*>(.*?)<\/g>/s.exec(region)?.[1] ?? '';
  const positions = [...ticks.matchAll(/<line\b([^>]*)\/>/g)].map((l) => {
    const t = /transform="translate\((-?[\d.]+),(-?[\d.]+)\)"/.exec(l[1] ?? '');
    return Number(t?.[which === 'X' ? 1 : 2] ?? 0);
  });
  const labels = /<g class="mark-text role-axis-label"[^>]*>(.*?)<\/g>/s.exec(region)?.[1] ?? '';
  const texts = [...labels.matchAll(/<text[^>]*>(.*?)<\/text>/gs)].map((t) => decodeXml(t[1] ?? ''));
  if (texts.length !== positions.length) throw new Error(`${which} axis: ${positions.length} ticks but ${texts.length} labels`);
  return texts.map((label, i) => ({ label, at: positions[i] ?? 0 }));
}

/** Where `value` lies along an axis, in pixels: interpolated between its first and last ticks (labels read as numbers). */
export function pixelOf(ticks: readonly SvgTick[], value: number, scale: 'linear' | 'log'): number {
  const [a, b] = ends(ticks);
  const f = scale === 'log' ? Math.log(value) : value;
  const [fa, fb] = scale === 'log' ? [Math.log(a.value), Math.log(b.value)] : [a.value, b.value];
  return a.at + ((f - fa) / (fb - fa)) * (b.at - a.at);
}

/** The value at a pixel along an axis, the inverse of `pixelOf`. */
export function valueAt(ticks: readonly SvgTick[], pixel: number, scale: 'linear' | 'log'): number {
  const [a, b] = ends(ticks);
  const t = (pixel - a.at) / (b.at - a.at);
  return scale === 'log' ? Math.exp(Math.log(a.value) + t * (Math.log(b.value) - Math.log(a.value))) : a.value + t * (b.value - a.value);
}

function ends(ticks: readonly SvgTick[]): [{ value: number; at: number }, { value: number; at: number }] {
  const numeric = ticks.map((t) => ({ value: Number(t.label), at: t.at })).filter((t) => Number.isFinite(t.value));
  const first = numeric[0];
  const last = numeric[numeric.length - 1];
  if (!first || !last || first.at === last.at) throw new Error(`an axis needs two numeric ticks to be read, has ${ticks.map((t) => t.label).join(', ')}`);
  return [first, last];
}

/** Every line mark in drawing order (a panel's lines before the next panel's), its series named by the legend. */
export function lineMarks(svg: string): SvgLine[] {
  const colourOf = new Map([...legendColours(svg)].map(([label, colour]) => [colour, label]));
  return [...svg.matchAll(/<g class="mark-line role-mark"[^>]*>(.*?)<\/g>/gs)].flatMap((g) =>
    [...(g[1] ?? '').matchAll(/<path\b([^>]*)\/>/g)].map((p) => {
      const attrs = p[1] ?? '';
      const stroke = / stroke="([^"]*)"/.exec(attrs)?.[1] ?? '';
      const d = / d="([^"]*)"/.exec(attrs)?.[1] ?? '';
      if (/[^MLml\d.,\s-]/.test(d)) throw new Error(`not a polyline: ${d}`);
      return {
        series: colourOf.get(stroke) ?? `unlabelled ${stroke}`,
        points: [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) })),
      };
    }),
  );
}

/**
 * The marks of one kind, as the series each belongs to: its colour looked up in the legend (`legendColours`).
 * `element` is `path` for symbols and bars, `line` for rules; `markClass` the group's class, e.g. `mark-symbol
 * role-mark`.
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

/** Legend label → the colour of its symbol (its fill, or its stroke for a line's symbol), in legend order. */
export function legendColours(svg: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of svg.matchAll(/<g class="mark-symbol role-legend-symbol"[^>]*><path[^>]*? (?:fill|stroke)="(#[0-9a-f]{6})"[^>]*\/><\/g><g class="mark-text role-legend-label"[^>]*><text[^>]*>(.*?)<\/text>/gs)) {
    out.set(decodeXml(entry[2] ?? ''), entry[1] ?? '');
  }
  return out;
}

export function count<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}
