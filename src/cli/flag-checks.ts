import type { Command } from 'commander';
import { InputError, type InputProblem } from '../core/errors.js';

/**
 * Checks on flags that commander cannot express, made before anything is created. Each problem names its flag.
 */

/** `--scenario ''` or `--out ''`: an empty path would resolve to the current directory or to nothing. */
export function nonEmptyFlags(flags: Record<string, string | undefined>): InputProblem[] {
  return Object.entries(flags)
    .filter(([, value]) => value !== undefined && value.trim() === '')
    .map(([flag]) => ({ source: flag, field: '', message: 'must not be empty' }));
}

/** System ids nobody knows, before any target says whether it can run them. */
export function unknownSystems(systems: readonly string[], known: readonly string[]): InputProblem[] {
  return systems
    .filter((id) => !known.includes(id))
    .map((id) => ({ source: '--mesh', field: '', message: `unknown system "${id}"; known: ${known.join(', ')}` }));
}

/** Which flags mean something for which target (the others are refused rather than silently ignored). */
const FLAGS_BY_TARGET: Record<string, Record<string, readonly string[]>> = {
  local: { keepCluster: [], context: [], kubeconfig: [], image: [], clusterPrefix: [] },
  kind: { context: ['existing'], kubeconfig: ['existing'], image: ['existing'] },
  existing: { keepCluster: ['kind'], clusterPrefix: ['kind'] },
};

const FLAG_NAMES: Record<string, string> = {
  keepCluster: '--keep-cluster',
  context: '--context',
  kubeconfig: '--kubeconfig',
  image: '--image',
  clusterPrefix: '--cluster-prefix',
};

/** Flags given on the command line (not defaults) that mean nothing for `target`. */
export function flagsWithoutMeaning(target: string, cmd: Pick<Command, 'getOptionValueSource'>): InputProblem[] {
  const refused = FLAGS_BY_TARGET[target] ?? {};
  const problems: InputProblem[] = [];
  for (const [key, onlyWith] of Object.entries(refused)) {
    if (cmd.getOptionValueSource(key) !== 'cli') continue;
    const where = onlyWith.length ? `only with --target ${onlyWith.join(' or ')}` : 'only with a cluster target (kind or existing)';
    problems.push({ source: FLAG_NAMES[key] ?? key, field: '', message: `means nothing with --target ${target}: ${where}` });
  }
  return problems;
}

export function throwIfAny(problems: InputProblem[]): void {
  if (problems.length) throw new InputError(problems);
}
