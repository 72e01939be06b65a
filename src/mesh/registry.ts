import { baselineMesh } from './baseline.js';
import type { MeshAdapter } from './mesh-adapter.js';

/** Every system users can type after --mesh, in the order the systems table lists them. */
export const MESH_ADAPTERS: readonly MeshAdapter[] = [baselineMesh];

export const MESH_ADAPTERS_BY_ID: ReadonlyMap<string, MeshAdapter> = new Map(MESH_ADAPTERS.map((a) => [a.id, a]));
