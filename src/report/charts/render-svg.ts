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
 * inherits. Every step below removes only what draws nothing or what an ancestor already says; the group classes, the
 * axis descriptions and the one aria label per series line (what a screen reader and the tests read) stay.
 */
export function compactSvg(svg: string): string {
  return hoistFontFamily(compactGeometry(withoutInteractionLeftovers(withoutDefaults(svg))));
}

/**
 * Attributes with SVG's initial value (opacity 1: https://www.w3.org/TR/SVG2/render.html#ObjectAndGroupOpacityProperties),
 * an identity transform, and the role and description Vega gives every group container (`graphics-object`, "group
 * mark container"), which name no content: the marks and axes inside keep theirs.
 */
export function withoutDefaults(svg: string): string {
  return svg
    .replace(/ opacity="1"/g, '')
    .replace(/ transform="translate\(0,0\)"/g, '')
    .replace(/ role="graphics-object" aria-roledescription="group mark container"/g, '');
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
