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
    return `${compactGeometry(withoutInteractionLeftovers(svg))}\n`;
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

/** Attributes that hold only geometry, in pixels. */
const GEOMETRY = /(\s(?:transform|d|x|y|x1|x2|y1|y2|width|height)=")([^"]*)"/g;

/**
 * Geometry to a tenth of a pixel: Vega writes up to 16 digits (`translate(16.66666666666666,266.66666666666663)`),
 * which more than doubles a chart with hundreds of marks (a nightly commits its charts, issue 9: ~300 KB per night)
 * and draws nothing a reader could see. Text and aria labels (the data) are left exactly as Vega wrote them.
 */
export function compactGeometry(svg: string): string {
  return svg.replace(GEOMETRY, (_, head: string, value: string) => `${head}${value.replace(/-?\d+\.\d+/g, roundTenth)}"`);
}

function roundTenth(n: string): string {
  const r = Math.round(Number(n) * 10) / 10;
  return String(r === 0 ? 0 : r);
}

/**
 * What only an interactive view uses: `pointer-events` attributes, and each group's empty hit-test paths (a zero-size
 * background, a hidden foreground). A static file draws the same without them, in about a sixth less space.
 */
export function withoutInteractionLeftovers(svg: string): string {
  return svg
    .replace(/<path class="background" aria-hidden="true" d="M0,0h0v0h0Z" pointer-events="none"\/>/g, '')
    .replace(/<path class="foreground" aria-hidden="true" d="" pointer-events="none" display="none"\/>/g, '')
    .replace(/ pointer-events="none"/g, '');
}
