import type { Config } from 'vega-lite';

/**
 * What every chart shares: sizes, fonts, and one colour per system that stays the same across a report's charts.
 *
 * Colours are Tableau 10 (Vega's default categorical scheme, chosen for telling lines apart, including for most
 * colour-vision deficiencies: https://vega.github.io/vega/docs/schemes/#categorical), assigned in the order the
 * caller gives the systems, so `baseline` is the same blue in the spectrum, the added latency and the load charts.
 * A line chart also gives each system its own point shape, for readers who cannot tell two colours apart.
 */
export const SERIES_COLOURS = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
] as const;

export const SERIES_SHAPES = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left', 'stroke', 'wedge'] as const;

/** One colour per name, in the order given (the scheme repeats after ten; the shapes still differ then). */
export function seriesColours(names: readonly string[]): { domain: string[]; range: string[] } {
  return {
    domain: [...names],
    range: names.map((_, i) => SERIES_COLOURS[i % SERIES_COLOURS.length] ?? '#000000'),
  };
}

export function seriesShapes(names: readonly string[]): { domain: string[]; range: string[] } {
  return {
    domain: [...names],
    range: names.map((_, i) => SERIES_SHAPES[i % SERIES_SHAPES.length] ?? 'circle'),
  };
}

/**
 * Put on every data mark (bar, line, point, rule): no ARIA attributes on its items. Vega-Lite's mark property `aria`:
 * "If false, the "aria-hidden" attribute will be set on the output SVG element, removing the mark item from the ARIA
 * accessibility tree" (https://vega.github.io/vega-lite/docs/mark.html, the mark's ARIA properties; the same words in
 * vega-lite's schema, MarkDef.aria). Set on the mark, Vega-Lite 6.4 says it once, on the mark's group (set in
 * `config.mark` instead, it repeats it on every item: measured, 4 KB more on the nightly's charts). Vega otherwise
 * writes a label per bar and line (`offered load (req/s, log scale): 100; p50 latency (ms, log scale): 0.486; system:
 * …`), a fifth of a nightly's chart bytes (issue 9), which nobody hears: the report embeds each chart as an image
 * (`![alt](charts/x.svg)`), whose inner ARIA a browser does not expose, and the image's alt text says what the chart
 * shows. Guides keep theirs (Vega-Lite's top-level `config.aria: false` would hide them too): each axis, legend and
 * title still describes itself.
 */
export const DATA_MARK = { aria: false } as const;

export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 300;
/** A panel of a chart with two side by side (p50 and p99). */
export const PANEL_WIDTH = 300;

export const CHART_CONFIG: Config = {
  font: 'DejaVu Sans, Verdana, Arial, sans-serif',
  background: 'white',
  padding: 8,
  title: { fontSize: 14, anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 400, symbolStrokeWidth: 2, symbolOpacity: 1 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#cccccc' },
  line: { strokeWidth: 2 },
};
