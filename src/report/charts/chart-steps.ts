import type { ReportRun as RunResult, ReportStep as StepResult, ReportSystem as SystemResult } from '../report-input.js';
import type { ResolvedLoadStep } from '../../core/scenario-types.js';

/** A load step as the charts name it: in scenario order, with a short label for an axis and a file-name slug. */
export interface ChartStep {
  name: string;
  config: ResolvedLoadStep | undefined;
  /** `1000 req/s`, `32 conn`, `max, 32 conn`, `SLO search`; the step's name when its config is unknown. */
  label: string;
  /** Lower-case letters, digits, dots and dashes; unique within the run. */
  slug: string;
}

/** Every step of the run, the scenario's first (in its order), then any only the systems recorded. */
export function chartSteps(r: RunResult): ChartStep[] {
  const names = [...new Set([...r.scenario.steps.map((s) => s.name), ...r.systems.flatMap((s) => s.steps.map((st) => st.name))])];
  const used = new Set<string>();
  return names.map((name) => {
    const config = r.scenario.steps.find((s) => s.name === name) ?? r.systems.flatMap((s) => s.steps).find((s) => s.name === name)?.config;
    return { name, config, label: config ? stepLabel(config) : name, slug: uniqueSlug(name, used) };
  });
}

export function stepLabel(c: ResolvedLoadStep): string {
  switch (c.mode) {
    case 'rate':
      return `${formatNumber(c.rate ?? 0)} req/s`;
    case 'connections':
      return `${c.connections} conn`;
    case 'max':
      return `max, ${c.connections} conn`;
    case 'slo':
      // A search over rates: its load is what it found, per repetition, not a setting of the step.
      return 'SLO search';
  }
}

export function findStep(sys: SystemResult, name: string): StepResult | undefined {
  return sys.steps.find((s) => s.name === name);
}

/** Plain digits, no grouping: the charts must not depend on a locale. */
function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3)));
}

/** A file-name part from a step name the user chose: safe on every file system, and never the same for two steps. */
function uniqueSlug(name: string, used: Set<string>): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 60) || 'step';
  let slug = base;
  for (let i = 2; used.has(slug); i++) slug = `${base}-${i}`;
  used.add(slug);
  return slug;
}
