import { isNode, type Document } from 'yaml';
import { fieldPath, parseYamlDocument, readInputFile, yamlData } from '../core/input-file.js';
import type { z } from 'zod';
import type { FileSystem } from '../core/deps.js';
import { InputError, type InputProblem } from '../core/errors.js';
import { resolvedScenarioSchema, type ResolvedScenario } from '../core/scenario-types.js';
import { resolveScenario } from './resolve-scenario.js';
import { scenarioFileSchema } from './schema.js';
import { LIMITS, limitText } from './limits.js';
import { loadSeconds } from './expected-duration.js';
import { formatDuration } from './durations.js';

export interface LoadScenarioDeps {
  fs: FileSystem;
  /** Cores the load client may use (os.availableParallelism() in the CLI); resolves `workers: auto`. */
  availableCores: number;
}

/**
 * Reads, validates and resolves a scenario file. Every problem in the file is reported at once, as one InputError
 * (exit 2) with one `file: field: message` line per problem.
 */
export async function loadScenario(path: string, deps: LoadScenarioDeps): Promise<ResolvedScenario> {
  return parseScenario(await readInputFile(path, deps.fs), path, deps.availableCores);
}

/** The pure part of loadScenario: `source` names the file in problems and in the resolved scenario. */
export function parseScenario(text: string, source: string, availableCores: number): ResolvedScenario {
  const doc = parseYamlDocument(text, source);
  const parsed = scenarioFileSchema.safeParse(yamlData(doc, source, 'is empty: a scenario needs at least "name" and "steps"'));
  if (!parsed.success) throw new InputError(problemsFromIssues(parsed.error.issues, source, (path) => positionOf(doc, path)));
  // A schema violation here is a bug in resolution, not bad input: let it surface as an internal error.
  const scenario = resolvedScenarioSchema.parse(resolveScenario(parsed.data, source, availableCores));
  const installs = scenario.installs ?? 1;
  if (installs * scenario.repetitions > LIMITS.totalRepetitions.max) {
    throw InputError.single(
      source,
      'installs',
      `${installs} × repetitions ${scenario.repetitions} gives ${installs * scenario.repetitions} repetitions of each step: must be ${limitText('totalRepetitions')}`,
    );
  }
  const total = loadSeconds(scenario);
  if (total > LIMITS.totalLoadS.max) {
    const over = installs > 1 ? `with these steps and ${installs} installs` : 'with these steps';
    throw InputError.single(source, 'repetitions', `${over} gives ${formatDuration(total)} of load: must be ${limitText('totalLoadS')}`);
  }
  return scenario;
}

/**
 * One problem per issue, and per unknown key (zod reports a mapping's unknown keys as one issue).
 * Sorted by where the field is in the file, so they read top to bottom (zod reports in schema order).
 */
function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  source: string,
  positionOf: (path: readonly PropertyKey[]) => number,
): InputProblem[] {
  const located: { problem: InputProblem; position: number }[] = [];
  const add = (path: readonly PropertyKey[], message: string): void => {
    located.push({ problem: { source, field: fieldPath(path), message }, position: positionOf(path) });
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // schema.ts writes one message line per unknown key, in the issue's key order.
      const lines = issue.message.split('\n');
      issue.keys.forEach((key, i) => add([...issue.path, key], lines[i] ?? issue.message));
    } else {
      add(issue.path, issue.message);
    }
  }
  return located.sort((a, b) => a.position - b.position).map((l) => l.problem);
}

/** Offset of the field in the file, or of its closest existing parent when it is missing. */
function positionOf(doc: Document, path: readonly PropertyKey[]): number {
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return 0;
}

