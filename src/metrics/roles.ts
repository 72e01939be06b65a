import type { ContainerRole } from '../core/result-schema.js';
import type { ContainerRef } from './types.js';

/**
 * Attribution of containers to roles. A classifier answers for the containers it knows and returns undefined for
 * the rest, so classifiers compose: the baseline one knows the benchmark's own containers, and each mesh adapter
 * supplies one for its proxies, agents and control plane.
 */
export type ContainerClassifier = (c: ContainerRef) => ContainerRole | undefined;

/** A classifier that always answers: the first classifier's answer that is not undefined, else 'other'. */
export type CompleteClassifier = (c: ContainerRef) => ContainerRole;

export function composeClassifiers(...classifiers: readonly ContainerClassifier[]): CompleteClassifier {
  return (c) => {
    for (const classify of classifiers) {
      const role = classify(c);
      if (role !== undefined) return role;
    }
    return 'other';
  };
}

/**
 * The benchmark's own containers, in `benchmarkNamespace` only: `server*` is the workload, `load*` and `client*` the
 * load generator. Undefined for everything else, including other containers of those pods (a sidecar proxy injected
 * next to the server is the mesh classifier's to claim).
 */
export function baselineClassifier(benchmarkNamespace: string): ContainerClassifier {
  return (c) => {
    if (c.namespace !== benchmarkNamespace) return undefined;
    if (c.container.startsWith('server')) return 'workload';
    if (c.container.startsWith('load') || c.container.startsWith('client')) return 'load-client';
    return undefined;
  };
}
