/**
 * Where mesh control planes run (issue 8, defect 9): on the kind control-plane node, never on the two measured
 * workers, whose CPU the benchmark measures. kubeadm labels that node `node-role.kubernetes.io/control-plane: ""` and
 * taints it `node-role.kubernetes.io/control-plane:NoSchedule` (kubernetes.io docs, kubeadm "Control plane node
 * isolation"; well-known label node-role.kubernetes.io/control-plane); kind keeps both. So a control-plane pod needs
 * this node selector and this toleration. Each adapter sets them through its own install options; DaemonSets (node
 * agents) and the waypoint stay where the mesh puts them, and every mesh pod's node is recorded in the result.
 */
export interface Toleration {
  key: string;
  operator: 'Exists';
  effect: 'NoSchedule';
}

export const CONTROL_PLANE_NODE_LABEL = 'node-role.kubernetes.io/control-plane';

export function controlPlaneNodeSelector(): Record<string, string> {
  return { [CONTROL_PLANE_NODE_LABEL]: '' };
}

export function controlPlaneTolerations(): Toleration[] {
  return [{ key: CONTROL_PLANE_NODE_LABEL, operator: 'Exists', effect: 'NoSchedule' }];
}
