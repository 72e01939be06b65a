import http from 'node:http';
import https from 'node:https';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  AppsV1Api,
  CoreV1Api,
  Exec,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  RequestContext,
  ServerConfiguration,
  VersionApi,
  createConfiguration,
  type BaseServerConfiguration,
  type Configuration,
  type HttpMethod,
  type V1DaemonSet,
  type V1Deployment,
  type V1Namespace,
  type V1Node,
  type V1Pod,
  type V1Status,
} from '@kubernetes/client-node';
// Not re-exported from the package root; needed to keep exec's stream handling off process.stdout (see exec()).
import { WebSocketHandler } from '@kubernetes/client-node/dist/web-socket-handler.js';
import { InputError } from '../core/errors.js';
import type { Clock } from '../core/deps.js';
import type { ExecResult, KubeClient, KubeClientFactory, KubeObject, KubeTarget } from '../core/kube.js';
import { SystemClock } from '../core/system-clock.js';
import { eventLines } from './event-lines.js';
import { execOutcome } from './exec-status.js';
import { KubeApiError, httpStatusOf, isNotFound, statusMessageOf, toKubeApiError } from './kube-errors.js';

export const FIELD_MANAGER = 'mesh-bench';

export interface ClientNodeKubeOptions {
  /** Sleeps between namespace-deletion polls and measures their deadline. Default: the system clock. */
  clock?: Clock;
  /** Default 1000 ms. */
  namespacePollIntervalMs?: number;
  /** Timeout of one node-proxy GET. Default 30 s. */
  proxyTimeoutMs?: number;
}

/** The exec websocket as far as we use it (client-node types it via isomorphic-ws, whose `ws` types are absent). */
interface ExecSocket {
  close(): void;
  terminate?: () => void;
  on(event: 'close', listener: () => void): void;
}

/**
 * KubeClient on @kubernetes/client-node 1.x. Reads only the given kubeconfig file (never ~/.kube/config or
 * $KUBECONFIG). Where client-node's own path is wrong for us, the reason is at the call: apply keeps the object's
 * JSON verbatim, nodeProxyGet does its own GET, exec keeps the library's stream handling off process.stdout.
 */
export class ClientNodeKube implements KubeClient {
  private readonly kc: KubeConfig;
  private readonly server: string;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly version: VersionApi;
  /** One instance: it caches API discovery per apiVersion. */
  private readonly objects: KubernetesObjectApi;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly proxyTimeoutMs: number;

  constructor(target: KubeTarget, options: ClientNodeKubeOptions = {}) {
    this.kc = loadKubeConfig(target);
    // loadKubeConfig checked that the current context names a cluster.
    this.server = (this.kc.getCurrentCluster() as { server: string }).server;
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.apps = this.kc.makeApiClient(AppsV1Api);
    this.version = this.kc.makeApiClient(VersionApi);
    this.objects = KubernetesObjectApi.makeApiClient(this.kc);
    this.clock = options.clock ?? new SystemClock();
    this.pollIntervalMs = options.namespacePollIntervalMs ?? 1000;
    this.proxyTimeoutMs = options.proxyTimeoutMs ?? 30_000;
  }

  async apply(object: KubeObject): Promise<void> {
    // patch() fills in a missing namespace and apiVersion on the object it is given; the caller's object stays as is.
    const spec = structuredClone(object);
    try {
      await this.objects.patch(
        spec,
        undefined,
        undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
        verbatimBody(this.server, JSON.stringify(object)),
      );
    } catch (error) {
      throw toKubeApiError(`apply ${describe(object.kind, object.metadata.name, object.metadata.namespace)}`, error);
    }
  }

  async delete(ref: { apiVersion: string; kind: string; name: string; namespace?: string }): Promise<void> {
    const spec = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) },
    };
    try {
      await this.objects.delete(spec);
    } catch (error) {
      // A 404 also comes from discovery when the API group itself is gone (a CRD deleted before its objects):
      // then no such object exists either.
      if (isNotFound(error) || isUnknownKind(error)) return;
      throw toKubeApiError(`delete ${describe(ref.kind, ref.name, ref.namespace)}`, error);
    }
  }

  async namespaceLabels(name: string): Promise<Record<string, string> | null> {
    const namespace = await this.readNamespace(name);
    return namespace ? { ...(namespace.metadata?.labels ?? {}) } : null;
  }

  async deleteNamespace(name: string, timeoutMs: number): Promise<void> {
    try {
      await this.core.deleteNamespace({ name });
    } catch (error) {
      if (isNotFound(error)) return;
      // 409: already terminating ("The system is ensuring all content is removed…"); wait for it like any other.
      if (httpStatusOf(error) !== 409) throw toKubeApiError(`delete namespace ${name}`, error);
    }
    const deadline = this.clock.monotonic() + timeoutMs;
    for (;;) {
      const namespace = await this.readNamespace(name);
      if (!namespace) return;
      if (this.clock.monotonic() >= deadline) {
        throw new KubeApiError(
          `namespace ${name} still exists ${formatMs(timeoutMs)} after deletion: ${namespaceState(namespace)}`,
        );
      }
      await this.clock.sleep(Math.min(this.pollIntervalMs, Math.max(0, deadline - this.clock.monotonic())));
    }
  }

  async readDeployment(namespace: string, name: string): Promise<V1Deployment | null> {
    try {
      return await this.apps.readNamespacedDeployment({ namespace, name });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw toKubeApiError(`read Deployment ${namespace}/${name}`, error);
    }
  }

  async readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | null> {
    try {
      return await this.apps.readNamespacedDaemonSet({ namespace, name });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw toKubeApiError(`read DaemonSet ${namespace}/${name}`, error);
    }
  }

  async listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    try {
      const list = await this.core.listNamespacedPod({
        namespace,
        ...(labelSelector !== undefined ? { labelSelector } : {}),
      });
      return list.items;
    } catch (error) {
      throw toKubeApiError(`list pods in ${namespace}${labelSelector ? ` (${labelSelector})` : ''}`, error);
    }
  }

  async listAllPods(): Promise<V1Pod[]> {
    try {
      return (await this.core.listPodForAllNamespaces()).items;
    } catch (error) {
      throw toKubeApiError('list pods in all namespaces', error);
    }
  }

  async listNodes(): Promise<V1Node[]> {
    try {
      return (await this.core.listNode()).items;
    } catch (error) {
      throw toKubeApiError('list nodes', error);
    }
  }

  async events(namespace: string, objectName: string): Promise<string[]> {
    try {
      const list = await this.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${objectName}` });
      return eventLines(list.items);
    } catch (error) {
      throw toKubeApiError(`list events of ${namespace}/${objectName}`, error);
    }
  }

  /**
   * Our own GET rather than CoreV1Api.connectGetNodeProxyWithPath: that method percent-encodes the whole path
   * (`metrics/resource` becomes `metrics%2Fresource`), asks for JSON, and throws on any content type that is neither
   * text/* nor JSON (OpenMetrics, protobuf). The kubeconfig's TLS and credentials still apply (applyToHTTPSOptions).
   */
  async nodeProxyGet(node: string, path: string): Promise<string> {
    const [pathPart = '', query] = path.replace(/^\/+/, '').split(/\?(.*)/s, 2);
    const encoded = pathPart.split('/').map(encodeURIComponent).join('/');
    const apiPath = `/api/v1/nodes/${encodeURIComponent(node)}/proxy/${encoded}${query !== undefined ? `?${query}` : ''}`;
    return this.getText(apiPath, `GET ${path} on node ${node}`);
  }

  /**
   * client-node's Exec, resolved on the status channel. Its default WebSocketHandler closes *process* stdout/stderr
   * when the server sends a v5 close-stream frame, so we hand it one bound to our own collectors.
   */
  async exec(
    namespace: string,
    pod: string,
    container: string,
    argv: readonly string[],
    timeoutMs: number,
  ): Promise<ExecResult> {
    const what = `exec in ${namespace}/${pod} container ${container} (${argv.join(' ')})`;
    const stdout = new TextCollector();
    const stderr = new TextCollector();
    const handler = new WebSocketHandler(this.kc, undefined, { stdin: Readable.from([]), stdout, stderr });

    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      let statusReceived = false;
      let socket: ExecSocket | undefined;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const timer = setTimeout(() => {
        settle(() => reject(new KubeApiError(`${what}: no exit status after ${timeoutMs} ms`)));
        // terminate, not close: a server that stopped answering would hold a closing handshake for 30 s.
        if (socket) (socket.terminate ?? socket.close).call(socket);
      }, timeoutMs);

      const onStatus = (status: V1Status): void => {
        statusReceived = true;
        // client-node 1.4 ends both streams before calling back (ending again is harmless); wait for the writes.
        stdout.end();
        stderr.end();
        void Promise.all([finished(stdout), finished(stderr)]).then(
          () =>
            settle(() => {
              const outcome = execOutcome(status);
              if (outcome.kind === 'exited') {
                resolve({ stdout: stdout.text(), stderr: stderr.text(), exitCode: outcome.exitCode });
              } else {
                reject(new KubeApiError(`${what}: ${outcome.message}`));
              }
            }),
          (error: unknown) => settle(() => reject(toKubeApiError(what, error))),
        );
      };

      new Exec(this.kc, handler)
        .exec(namespace, pod, container, [...argv], stdout, stderr, null, false, onStatus)
        .then(
          (ws: ExecSocket) => {
            socket = ws;
            if (settled) {
              (ws.terminate ?? ws.close).call(ws);
              return;
            }
            ws.on('close', () => {
              if (!statusReceived) settle(() => reject(new KubeApiError(`${what}: connection closed before an exit status`)));
            });
          },
          (error: unknown) => settle(() => reject(toKubeApiError(what, error))),
        );
    });
  }

  async serverVersion(): Promise<string> {
    try {
      return (await this.version.getCode()).gitVersion;
    } catch (error) {
      throw toKubeApiError('read server version', error);
    }
  }

  private async readNamespace(name: string): Promise<V1Namespace | null> {
    try {
      return await this.core.readNamespace({ name });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw toKubeApiError(`read namespace ${name}`, error);
    }
  }

  private async getText(apiPath: string, what: string): Promise<string> {
    const options: https.RequestOptions = {};
    try {
      await this.kc.applyToHTTPSOptions(options);
    } catch (error) {
      throw toKubeApiError(what, error);
    }
    const url = new URL(this.server.replace(/\/+$/, '') + apiPath);
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<string>((resolve, reject) => {
      const req = request(
        url,
        {
          ...options,
          method: 'GET',
          // The kubelet's Prometheus endpoints negotiate; ask for the classic text format.
          headers: { ...options.headers, Accept: 'text/plain;version=0.0.4, */*;q=0.1' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(toKubeApiError(what, error)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) {
              resolve(text);
            } else {
              const message = statusMessageOf(text) ?? 'empty response';
              reject(new KubeApiError(`${what}: ${message} (HTTP ${status})`, status));
            }
          });
        },
      );
      req.setTimeout(this.proxyTimeoutMs, () => req.destroy(new Error(`no response after ${this.proxyTimeoutMs} ms`)));
      req.on('error', (error) => reject(toKubeApiError(what, error)));
      req.end();
    });
  }
}

export const clientNodeKubeFactory: KubeClientFactory = (target) => new ClientNodeKube(target);

/** Loads exactly the given file; a missing or unusable context is an input error naming the file. */
function loadKubeConfig(target: KubeTarget): KubeConfig {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(target.kubeconfig);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw InputError.single(target.kubeconfig, '', `cannot load kubeconfig: ${message}`);
  }
  const available = kc.getContexts().map((c) => c.name);
  const list = available.length > 0 ? available.join(', ') : 'none';
  if (target.context !== undefined) {
    if (!kc.getContextObject(target.context)) {
      throw InputError.single(target.kubeconfig, 'contexts', `no context "${target.context}" (available: ${list})`);
    }
    kc.setCurrentContext(target.context);
  }
  const current = kc.getCurrentContext();
  if (!current) {
    throw InputError.single(target.kubeconfig, 'current-context', `not set and no context given (available: ${list})`);
  }
  const context = kc.getContextObject(current);
  if (!context) {
    throw InputError.single(target.kubeconfig, 'current-context', `no context "${current}" (available: ${list})`);
  }
  if (!kc.getCurrentCluster()) {
    const problem = `context "${current}" names cluster "${context.cluster}", which is not in the file`;
    throw InputError.single(target.kubeconfig, 'clusters', problem);
  }
  return kc;
}

/**
 * KubernetesObjectApi.patch serialises known kinds through client-node's generated models, which silently drops every
 * field the models (Kubernetes 1.34 for client-node 1.4) do not know; with server-side apply that would also remove
 * such fields from the live object. patch() builds its request from the `options` configuration's baseServer, so we
 * hand it one whose request context replaces the serialised body with the object's own JSON (JSON is valid YAML for
 * application/apply-patch+yaml). The URL, query and headers stay client-node's.
 */
function verbatimBody(server: string, json: string): Configuration {
  const base = new ServerConfiguration<Record<string, string>>(server, {});
  const baseServer: BaseServerConfiguration = {
    makeRequestContext: (endpoint: string, method: HttpMethod) =>
      new VerbatimBodyRequest(base.makeRequestContext(endpoint, method).getUrl(), method, json),
  };
  return createConfiguration({ baseServer });
}

class VerbatimBodyRequest extends RequestContext {
  constructor(
    url: string,
    method: HttpMethod,
    private readonly json: string,
  ) {
    super(url, method);
  }
  override setBody(): void {
    super.setBody(this.json);
  }
}

/** Collects a stream's bytes; decoded once at the end so multi-byte characters split across frames survive. */
class TextCollector extends Writable {
  private readonly chunks: Buffer[] = [];
  constructor() {
    super();
    // A frame after the status (the stream is ended then) must not crash the process with an unhandled 'error'.
    this.on('error', () => undefined);
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function describe(kind: string, name: string, namespace: string | undefined): string {
  return `${kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** KubernetesObjectApi's error when discovery answers but does not list the kind. */
function isUnknownKind(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Unrecognized API version and kind');
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function namespaceState(namespace: V1Namespace): string {
  const phase = namespace.status?.phase ?? 'unknown phase';
  const conditions = (namespace.status?.conditions ?? [])
    .filter((c) => c.status === 'True')
    .map((c) => `${c.type}: ${c.message ?? c.reason ?? ''}`.trim());
  return conditions.length > 0 ? `${phase}; ${conditions.join('; ')}` : phase;
}
