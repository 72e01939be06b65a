import type { V1DaemonSet, V1Deployment, V1Node, V1Pod } from '@kubernetes/client-node';

/**
 * The Kubernetes seam: everything the harness asks of an API server. One client per cluster, built from a run-private
 * kubeconfig file (never the user's ~/.kube/config) by a KubeClientFactory. Real implementation:
 * src/kube/client-node-kube.ts (@kubernetes/client-node); tests pass fakes.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The remote command's exit code (from the exec status channel). */
  exitCode: number;
}

export interface KubeClient {
  /** Server-side apply with field manager `mesh-bench` (force: the harness owns what it applies). */
  apply(object: KubeObject): Promise<void>;
  /** Deletes an object; a missing object is not an error. */
  delete(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<void>;
  /** Labels of a namespace, or null when it does not exist. */
  namespaceLabels(name: string): Promise<Record<string, string> | null>;
  /** Deletes a namespace and waits until it is gone (or the timeout passes). */
  deleteNamespace(name: string, timeoutMs: number): Promise<void>;
  readDeployment(namespace: string, name: string): Promise<V1Deployment | null>;
  readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | null>;
  listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]>;
  /** Every pod in every namespace (what the mesh installed, with its requests and limits). */
  listAllPods(): Promise<V1Pod[]>;
  listNodes(): Promise<V1Node[]>;
  /** Recent events about an object, oldest first, as `reason: message` lines. */
  events(namespace: string, objectName: string): Promise<string[]>;
  /** GET through the API server's node proxy, e.g. `metrics/resource` (the kubelet's endpoint). */
  nodeProxyGet(node: string, path: string): Promise<string>;
  /** Runs a command in a container (the API's exec subresource); resolves when it exits. */
  exec(namespace: string, pod: string, container: string, argv: readonly string[], timeoutMs: number): Promise<ExecResult>;
  /** The API server's version, e.g. `v1.36.1`. */
  serverVersion(): Promise<string>;
}

export interface KubeTarget {
  /** Run-private kubeconfig file. */
  kubeconfig: string;
  /** Context in it; undefined = its current context. */
  context?: string;
}

export type KubeClientFactory = (target: KubeTarget) => KubeClient;
