import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite spec → SVG text, headless: Vega's `renderer: 'none'` view builds the scenegraph in memory and `toSVG()`
 * serialises it without a browser or a canvas (https://vega.github.io/vega/usage/#view-api, "toSVG").
 *
 * The same spec gives the same bytes on every call and machine:
 * - clip-path and gradient ids come from counters global to vega-scenegraph; they are reset before each render
 *   (`resetSVGDefIds`), or a second render in the same process would number them differently;
 * - text widths (which decide label placement and overlap hiding) use vega's fixed estimate (0.8 × font size per
 *   character), never a canvas, whose fonts would vary by machine if the optional `canvas` package were installed;
 * - nothing is loaded from a URL (the data is inline) and no time is formatted in local time (the callers use UTC).
 */
export type ChartSpec = TopLevelSpec;

/** vega-scenegraph's text measuring switch (exported by vega, not in its typings). */
interface TextMetrics {
  canvas(use: boolean): void;
}

/** One chart at a time, even when callers overlap: the id counters renderOne resets are shared by every view. */
let queue: Promise<unknown> = Promise.resolve();

export function renderSvg(spec: ChartSpec): Promise<string> {
  const run = queue.then(() => renderOne(spec));
  queue = run.catch(() => undefined);
  return run;
}

async function renderOne(spec: ChartSpec): Promise<string> {
  const metrics = (vega as unknown as { textMetrics?: TextMetrics }).textMetrics;
  metrics?.canvas(false);
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(compile(spec, { logger: strictLogger() }).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return `${compactSvg(svg)}\n`;
  } finally {
    view.finalize();
  }
}

/**
 * Vega-Lite warns (and carries on) when a spec asks for something it drops, e.g. a property its mark ignores. Our
 * specs are built by code, so such a warning is a bug in that code: it fails the render (and the tests) instead of
 * scrolling past on stderr.
 */
function strictLogger(): ReturnType<typeof vega.logger> {
  const logger = vega.logger(vega.Warn);
  const fail = (...args: readonly unknown[]): never => {
    throw new Error(`chart spec: ${args.map(String).join(' ')}`);
  };
  logger.warn = fail;
  logger.error = fail;
  return logger;
}

/**
 * Vega's SVG, smaller and drawn the same: a nightly commits its charts (issue 9: record, report and charts at most
 * ~300 KB per night), and a chart of ten systems holds hundreds of marks, each repeating what SVG already defaults or
 * inherits. Every step below removes only what draws nothing or what an ancestor already says; the group classes and
 * the descriptions of axes, legends and titles (what the tests read) stay. Data marks carry no aria label in the
 * first place (chart-style.ts, DATA_MARK).
 */
export function compactSvg(svg: string): string {
  return withoutBareGroups(hoistFontFamily(sharedMarkStyles(withoutZeroLineEnds(compactGeometry(withoutInteractionLeftovers(withoutDefaults(svg)))))));
}

/**
 * Attributes with SVG's initial value (opacity 1: https://www.w3.org/TR/SVG2/render.html#ObjectAndGroupOpacityProperties;
 * font-weight normal: https://www.w3.org/TR/css-fonts-4/#font-weight-prop, which no ancestor Vega writes overrides),
 * an identity transform, and the role and description Vega gives every group container (`graphics-object`, "group
 * mark container"), which name no content: the marks and axes inside keep theirs.
 */
export function withoutDefaults(svg: string): string {
  return svg
    .replace(/ opacity="1"/g, '')
    .replace(/ font-weight="normal"/g, '')
    .replace(/ transform="translate\(0,0\)"/g, '')
    .replace(/ role="graphics-object" aria-roledescription="[a-z]+ mark container"/g, '')
    .replace(/ class="(mark-[a-z]+ role-[a-z-]+)(?: [\w-]+)+"/g, ' class="$1"');
}

/** Inherited presentation attributes (https://www.w3.org/TR/SVG2/painting.html, "Inherited: yes") that marks share. */
const SHARED = ['stroke-width', 'font-size', 'font-weight', 'text-anchor', 'stroke-miterlimit', 'fill-opacity', 'stroke-opacity'];
/** Colours are shared only by a guide's elements (axes, titles, legend labels): a data mark keeps its series colour. */
const SHARED_IN_GUIDES = ['fill', 'stroke'];

/**
 * A mark group of two or more elements that all carry the same value of an inherited attribute says it once, on
 * the group: every point of a series has `stroke-width="1.5"`, every tick label `font-size="11px"`.
 */
export function sharedMarkStyles(svg: string): string {
  const group = /<g class="(mark-[a-z]+ role-[a-z-]+)"([^>]*)>((?:<(?:path|line|rect)\b[^<>]*\/>|<text\b[^<>]*>[^<]*<\/text>){2,})<\/g>/g;
  return svg.replace(group, (whole, cls: string, attrs: string, body: string) => {
    const children = [...body.matchAll(/<(path|line|rect|text)\b([^<>]*?)(\/?)>/g)];
    const names = cls.includes('role-mark') ? SHARED : [...SHARED, ...SHARED_IN_GUIDES];
    let own = attrs;
    let inner = body;
    for (const name of names) {
      if (new RegExp(` ${name}="`).test(own)) continue;
      const values = new Set(children.map((c) => new RegExp(` ${name}="([^"]*)"`).exec(c[2] ?? '')?.[1]));
      const [value] = values;
      if (values.size !== 1 || value === undefined) continue;
      own += ` ${name}="${value}"`;
      inner = inner.replace(new RegExp(`(<(?:path|line|rect|text)\\b[^<>]*?) ${name}="[^"]*"`, 'g'), '$1');
    }
    return own === attrs ? whole : `<g class="${cls}"${own}>${inner}</g>`;
  });
}

/**
 * Every text of a chart uses the one font of CHART_CONFIG, and Vega writes it on each `<text>`: said once on the root
 * instead, where SVG's font-family inheritance (https://www.w3.org/TR/SVG2/text.html#FontPropertiesUsedBySVG) gives it
 * to every text. Left as it is when texts differ.
 */
export function hoistFontFamily(svg: string): string {
  const families = new Set([...svg.matchAll(/ font-family="([^"]*)"/g)].map((m) => m[1]));
  if (families.size !== 1) return svg;
  const [family] = families;
  return svg.replace(/ font-family="[^"]*"/g, '').replace(/^<svg /, `<svg font-family="${family}" `);
}

/** Attributes that hold only geometry, in pixels. */
const GEOMETRY = /(\s(?:transform|d|x|y|x1|x2|y1|y2|width|height)=")([^"]*)"/g;

/**
 * Geometry to the half pixel: Vega writes up to 16 digits (`translate(16.66666666666666,266.66666666666663)`), which
 * more than doubles a chart with hundreds of marks and draws nothing a reader could see. Halves stay because Vega
 * offsets its axes and rules by half a pixel so that a one-pixel line covers one row of pixels, not two blurred ones.
 * Text and aria labels (the data) are left exactly as Vega wrote them.
 */
export function compactGeometry(svg: string): string {
  return svg.replace(GEOMETRY, (_, head: string, value: string) => `${head}${value.replace(/-?\d+\.\d+/g, roundHalf)}"`);
}

function roundHalf(n: string): string {
  const r = Math.round(Number(n) * 2) / 2;
  return String(r === 0 ? 0 : r);
}

/**
 * A `<line>`'s end at 0: x2 and y2 are 0 when absent (https://www.w3.org/TR/SVG2/shapes.html#LineElement, "initial
 * value 0"), and Vega writes both on every rule and tick (`x2="0" y2="-220"`). Runs after the rounding, which can make
 * an end 0.
 */
export function withoutZeroLineEnds(svg: string): string {
  return svg.replace(/<line\b[^>]*>/g, (tag) => tag.replace(/ [xy]2="0"/g, ''));
}

/**
 * What only an interactive view uses: `pointer-events` attributes, each group's hit-test background when it has
 * neither fill nor stroke (the root group sets `fill="none"`, so it draws nothing; a cell's background with a stroke,
 * the view's frame, stays), and the hidden foreground.
 */
export function withoutInteractionLeftovers(svg: string): string {
  return svg
    .replace(/ pointer-events="none"/g, '')
    .replace(/<path class="background" aria-hidden="true" d="[^"]*"\/>/g, '')
    .replace(/<path class="foreground" aria-hidden="true" d="" display="none"\/>/g, '');
}

/**
 * A `<g>` without attributes (no transform, style, class or role) only nests its children: they are drawn the same
 * without it. Each such group's start and matching end tag go.
 */
export function withoutBareGroups(svg: string): string {
  const drop = new Set<number>();
  const open: Array<{ at: number; bare: boolean }> = [];
  for (const m of svg.matchAll(/<(\/?)g\b[^>]*?(\/?)>/g)) {
    const at = m.index ?? 0;
    if (m[2]) continue;
    if (!m[1]) open.push({ at, bare: m[0] === '<g>' });
    else {
      const start = open.pop();
      if (start?.bare) drop.add(start.at).add(at);
    }
  }
  if (drop.size === 0) return svg;
  return svg.replace(/<\/?g\b[^>]*?>/g, (tag, at: number) => (drop.has(at) ? '' : tag));
}
