import type { MeshAdapter } from './mesh-adapter.js';

/**
 * `baseline`: kind's default CNI (kindnet) and kube-proxy, no mesh: the reference every overhead is measured
 * against. Nothing to install, enrol or verify; only the workload and load-client containers are classified
 * (by the platform), everything else is `other`.
 */
export const baselineMesh: MeshAdapter = {
  id: 'baseline',
  description: 'kindnet CNI and kube-proxy, no mesh (the reference)',
  kindConfig: 'default',
  tools: [],
  installOperations: () => [],
  namespaceLabels: () => ({}),
  workloadObjects: () => [],
  postDeployOperations: () => [],
  verify: async () => ({ ok: true, evidence: ['no mesh: nothing to verify'] }),
  classify: () => undefined,
  installedVersions: async () => ({}),
};
