import { MAX_CHART_SERIES } from './charts/chart-systems.js';

/**
 * A run with more systems than the charts have colours (a merged nightly: every mesh with its unmeshed namespace and
 * its runner's baseline, 28 systems). Its report is compact by design, whatever it is rendered from (results.json or
 * the committed record.json.gz, so `bench report` gives the same bytes from either): tables keep the columns a reader
 * compares and state once what every row would repeat (issue 9, build 6: a night commits at most ~300 KB). What a
 * compact table leaves out is named under it, and stays in results.json and record.json.gz.
 */
export function isCrowded(r: { systems: readonly unknown[] }): boolean {
  return r.systems.length > MAX_CHART_SERIES;
}
