import { baselineMesh } from './baseline.js';
import { ciliumMesh } from './cilium-mesh.js';
import { ciliumWireguardMesh } from './cilium-wireguard-mesh.js';
import { ciliumL7Mesh } from './cilium-l7-mesh.js';
import { ciliumZtunnelMesh } from './cilium-ztunnel-mesh.js';
import { istioAmbient, istioAmbientCilium, istioAmbientWaypoint, istioSidecar } from './istio.js';
import { linkerdMesh } from './linkerd.js';
import type { MeshAdapter } from './mesh-adapter.js';

/** Every system users can type after --mesh, in the order the README's systems table lists them. */
export const MESH_ADAPTERS: readonly MeshAdapter[] = [
  baselineMesh,
  ciliumMesh,
  ciliumWireguardMesh,
  ciliumL7Mesh,
  istioSidecar,
  istioAmbient,
  istioAmbientWaypoint,
  linkerdMesh,
  istioAmbientCilium,
  ciliumZtunnelMesh,
];

export const MESH_ADAPTERS_BY_ID: ReadonlyMap<string, MeshAdapter> = new Map(MESH_ADAPTERS.map((a) => [a.id, a]));
