import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { resolvedScenarioSchema } from '../src/core/scenario-types.js';
import { parseScenario } from '../src/scenario/load-scenario.js';

const parse = (scale: string) => parseScenario(`name: a\n${scale}steps:\n  - { mode: rate, rate: 5 }\n`, 'f.yaml', 2);
const problem = (scale: string): string => {
  try {
    parse(scale);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('expected an InputError');
};

describe('the scenario section scale:', () => {
  it('is absent unless written, and absent from older results’ scenarios', () => {
    const s = parse('');
    expect(s.scale).toBeUndefined();
    expect(resolvedScenarioSchema.parse(s)).toEqual(s);
  });

  it('fills its defaults: 1, 4, 8, 16 per node, 30 s settle, 60 s idle, 60 s at 100 req/s, 100 nodes × 1000 pods', () => {
    const s = parse('scale: {}\n');
    expect(s.scale).toEqual({
      replicasPerNode: [1, 4, 8, 16],
      settleS: 30,
      idleS: 60,
      load: { rate: 100, durationS: 60 },
      projection: { nodes: 100, pods: 1000 },
    });
    expect(resolvedScenarioSchema.parse(s)).toEqual(s);
  });

  it('reads units as written', () => {
    const s = parse('scale:\n  replicasPerNode: [2, 6]\n  settle: 1m\n  idle: 90s\n  load: { rate: 50, duration: 2m }\n  project: { nodes: 10, pods: 200 }\n');
    expect(s.scale).toEqual({ replicasPerNode: [2, 6], settleS: 60, idleS: 90, load: { rate: 50, durationS: 120 }, projection: { nodes: 10, pods: 200 } });
  });

  it('refuses a single replica count, which cannot separate per-pod from per-node memory', () => {
    expect(problem('scale: { replicasPerNode: [4] }\n')).toBe(
      'f.yaml: scale.replicasPerNode: must list at least 2 replica counts, e.g. [1, 4, 8, 16]: at one count per-pod and per-node memory cannot be told apart',
    );
  });

  it('refuses counts that do not increase, naming the entry', () => {
    expect(problem('scale: { replicasPerNode: [1, 8, 8] }\n')).toBe(
      'f.yaml: scale.replicasPerNode[2]: must be greater than the count before it (8), got 8',
    );
  });

  it('refuses more replicas per node than a 16 GB runner holds, saying why', () => {
    expect(problem('scale: { replicasPerNode: [1, 32] }\n')).toMatch(
      /^f\.yaml: scale\.replicasPerNode\[1\]: must be at most 16 \(scale runs fill 2 kind workers on one 16 GB runner: .*\), got 32$/,
    );
  });

  it('refuses an unknown field with a suggestion', () => {
    expect(problem('scale: { replicaPerNode: [1, 4] }\n')).toBe(
      'f.yaml: scale.replicaPerNode: unknown field (did you mean "replicasPerNode"?); allowed: replicasPerNode, settle, idle, load, project',
    );
  });
});
