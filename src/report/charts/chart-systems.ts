import type { Comparison } from '../../core/result-schema.js';
import type { ReportRun as RunResult } from '../report-input.js';
import { verdicts } from '../verdict-rows.js';
import { SERIES_COLOURS } from './chart-style.js';

/**
 * Which systems and comparisons a run's charts draw. Up to as many as the palette has colours (ten), all of them. A
 * merged nightly has many more (every mesh with its unmeshed namespace and its runner's own baseline: 28 series), and
 * then colours repeat and no line can be told from the one drawn in the same colour, while every series adds to what a
 * night commits (issue 9, build 6: about 300 KB per night). A crowded run's charts draw what the verdict is about:
 * every mesh, the run's reference, and each mesh's headline comparison (the one its verdict row reads). Every system
 * and comparison stays in the report's tables; the chart section says which were left out.
 */
export interface ChartSelection {
  /** The systems drawn, in result order. */
  systems: string[];
  /** The comparisons drawn, in result order. */
  comparisons: Comparison[];
  /** Systems measured but not drawn (a crowded run only), in result order. */
  leftOut: string[];
  /** Comparisons not drawn (a crowded run only). */
  comparisonsLeftOut: number;
}

export const MAX_CHART_SERIES = SERIES_COLOURS.length;

export function chartSelection(r: RunResult): ChartSelection {
  const all = r.systems.map((s) => s.id);
  const crowdedSystems = all.length > MAX_CHART_SERIES;
  const pairs = new Set(r.comparisons.map((c) => `${c.system}\u0000${c.reference}`));
  const crowdedPairs = pairs.size > MAX_CHART_SERIES;
  if (!crowdedSystems && !crowdedPairs) return { systems: all, comparisons: [...r.comparisons], leftOut: [], comparisonsLeftOut: 0 };
  const v = verdicts(r);
  const headlines = new Set(v.rows.flatMap((row) => (row.headline ? [row.headline.comparison] : [])));
  const comparisons = crowdedPairs ? r.comparisons.filter((c) => headlines.has(c)) : [...r.comparisons];
  if (!crowdedSystems) return { systems: all, comparisons, leftOut: [], comparisonsLeftOut: r.comparisons.length - comparisons.length };
  const keep = new Set([...(r.reference === null ? [] : [r.reference]), ...v.systems.map((s) => s.id)]);
  return {
    systems: all.filter((id) => keep.has(id)),
    comparisons,
    leftOut: all.filter((id) => !keep.has(id)),
    comparisonsLeftOut: r.comparisons.length - comparisons.length,
  };
}
