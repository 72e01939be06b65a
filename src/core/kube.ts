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

/**
 * What a caller may bound one call by. Transient failures (429, 502–504, reset or hung connections) are retried
 * until `timeoutMs` has passed; each HTTP request has its own timeout, never past that deadline. Without it the
 * client's default operation deadline applies (src/kube/retry-policy.ts).
 */
export interface KubeCallOptions {
  /** How long this call may take, retries included: typically the caller's remaining deadline. */
  timeoutMs?: number;
  /** Aborts the call (and its retries) at once. */
  signal?: AbortSignal;
}

export interface KubeClient {
  /** Server-side apply with field manager `mesh-bench` (force: the harness owns what it applies). */
  apply(object: KubeObject, options?: KubeCallOptions): Promise<void>;
  /** Deletes an object; a missing object is not an error. */
  delete(ref: { apiVersion: string; kind: string; name: string; namespace?: string }, options?: KubeCallOptions): Promise<void>;
  /** Labels of a namespace, or null when it does not exist. */
  namespaceLabels(name: string, options?: KubeCallOptions): Promise<Record<string, string> | null>;
  /** Deletes a namespace and waits until it is gone (or the timeout passes). */
  deleteNamespace(name: string, timeoutMs: number): Promise<void>;
  readDeployment(namespace: string, name: string, options?: KubeCallOptions): Promise<V1Deployment | null>;
  readDaemonSet(namespace: string, name: string, options?: KubeCallOptions): Promise<V1DaemonSet | null>;
  listPods(namespace: string, labelSelector?: string, options?: KubeCallOptions): Promise<V1Pod[]>;
  /** Every pod in every namespace (what the mesh installed, with its requests and limits). */
  listAllPods(options?: KubeCallOptions): Promise<V1Pod[]>;
  listNodes(options?: KubeCallOptions): Promise<V1Node[]>;
  /** Recent events about an object, oldest first, as `reason: message` lines. */
  events(namespace: string, objectName: string, options?: KubeCallOptions): Promise<string[]>;
  /** GET through the API server's node proxy, e.g. `metrics/resource` (the kubelet's endpoint). */
  nodeProxyGet(node: string, path: string, options?: KubeCallOptions): Promise<string>;
  /**
   * Runs a command in a container (the API's exec subresource); resolves when it exits. Never retried: a command
   * that may have started must not run twice. `signal` closes the stream at once (SIGINT/SIGTERM must not wait for a
   * command that runs for minutes): the call rejects; what the command does after that is the pod's business.
   */
  exec(namespace: string, pod: string, container: string, argv: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<ExecResult>;
  /** The API server's version, e.g. `v1.36.1`. */
  serverVersion(options?: KubeCallOptions): Promise<string>;
}

export interface KubeTarget {
  /** Run-private kubeconfig file. */
  kubeconfig: string;
  /** Context in it; undefined = its current context. */
  context?: string;
}

export type KubeClientFactory = (target: KubeTarget) => KubeClient;
