import { readFileSync } from 'node:fs';
import type { MeshContext } from '../../src/mesh/mesh-adapter.js';
import { parseVersions } from '../../src/platform/versions.js';

/** The shipped pins, as the adapters see them. */
export const SHIPPED_VERSIONS = parseVersions(readFileSync(new URL('../../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');

/** A mesh context with fixed run-private paths, so install plans can be golden files. */
export function meshTestContext(id: string, overrides: Partial<MeshContext> = {}): MeshContext {
  return {
    clusterName: `bench-${id}`,
    kubeconfig: `/tmp/mesh-bench/run-1/${id}/kubeconfig`,
    workDir: `/tmp/mesh-bench/run-1/${id}/work`,
    versions: SHIPPED_VERSIONS,
    namespace: 'bench',
    ...overrides,
  };
}
