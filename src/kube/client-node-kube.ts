import { AsyncLocalStorage } from 'node:async_hooks';
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
  type Middleware,
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
import type { ExecResult, KubeCallOptions, KubeClient, KubeClientFactory, KubeObject, KubeTarget } from '../core/kube.js';
import { SystemClock } from '../core/system-clock.js';
import { eventLines } from './event-lines.js';
import { execOutcome } from './exec-status.js';
import { KubeApiError, httpStatusOf, isNotFound, statusMessageOf, toKubeApiError } from './kube-errors.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy, formatMs, withRetry } from './retry-policy.js';

export const FIELD_MANAGER = 'mesh-bench';

export interface ClientNodeKubeOptions {
  /** Sleeps between namespace-deletion polls and retries, and measures deadlines. Default: the system clock. */
  clock?: Clock;
  /** Default 1000 ms. */
  namespacePollIntervalMs?: number;
  /** Per-request timeout, default deadline of a call, back-off (src/kube/retry-policy.ts). */
  retry?: Partial<RetryPolicy>;
}

/**
 * The abort signal of the attempt in progress. client-node builds each request deep inside its generated code; the
 * middleware below reads the signal of the attempt that made it, so concurrent calls each keep their own timeout.
 */
const attemptSignal = new AsyncLocalStorage<AbortSignal>();

/** Hands the attempt's signal to client-node's fetch (RequestContext.setSignal; node-fetch aborts on it). */
const abortOnAttemptSignal: Middleware = {
  pre: async (context) => {
    const signal = attemptSignal.getStore();
    if (signal) context.setSignal(signal);
    return context;
  },
  post: async (response) => response,
};

/** KubernetesObjectApi built on our configuration (its static makeApiClient would make its own, without the middleware). */
class ObjectApi extends KubernetesObjectApi {
  static on(kc: KubeConfig, configuration: Configuration): ObjectApi {
    const api = new ObjectApi(configuration);
    api.setDefaultNamespace(kc);
    return api;
  }
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
  private readonly policy: RetryPolicy;

  constructor(target: KubeTarget, options: ClientNodeKubeOptions = {}) {
    this.kc = loadKubeConfig(target);
    // loadKubeConfig checked that the current context names a cluster.
    this.server = (this.kc.getCurrentCluster() as { server: string }).server;
    // What KubeConfig.makeApiClient builds (client-node 1.4 config.js), plus the middleware that aborts a request
    // at its attempt's timeout.
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration<Record<string, string>>(this.server, {}),
      authMethods: { default: this.kc },
      promiseMiddleware: [abortOnAttemptSignal],
    });
    this.core = new CoreV1Api(configuration);
    this.apps = new AppsV1Api(configuration);
    this.version = new VersionApi(configuration);
    this.objects = ObjectApi.on(this.kc, configuration);
    this.clock = options.clock ?? new SystemClock();
    this.pollIntervalMs = options.namespacePollIntervalMs ?? 1000;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  async apply(object: KubeObject, options?: KubeCallOptions): Promise<void> {
    const what = `apply ${describe(object.kind, object.metadata.name, object.metadata.namespace)}`;
    const json = JSON.stringify(object);
    try {
      // Server-side apply is idempotent: repeating it after a lost answer is safe.
      await this.call(what, options, async () => {
        // patch() fills in a missing namespace and apiVersion on the object it is given; the caller's object stays as is.
        await this.objects.patch(
          structuredClone(object),
          undefined,
          undefined,
          FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
          verbatimBody(this.server, json),
        );
      });
    } catch (error) {
      throw toKubeApiError(what, error);
    }
  }

  async delete(ref: { apiVersion: string; kind: string; name: string; namespace?: string }, options?: KubeCallOptions): Promise<void> {
    const spec = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { name: ref.name, ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}) },
    };
    const what = `delete ${describe(ref.kind, ref.name, ref.namespace)}`;
    try {
      // A retried delete whose first attempt did land answers 404, which is success below.
      await this.call(what, options, () => this.objects.delete(spec));
    } catch (error) {
      // A 404 also comes from discovery when the API group itself is gone (a CRD deleted before its objects):
      // then no such object exists either.
      if (isNotFound(error) || isUnknownKind(error)) return;
      throw toKubeApiError(what, error);
    }
  }

  async namespaceLabels(name: string, options?: KubeCallOptions): Promise<Record<string, string> | null> {
    const namespace = await this.readNamespace(name, options);
    return namespace ? { ...(namespace.metadata?.labels ?? {}) } : null;
  }

  async deleteNamespace(name: string, timeoutMs: number): Promise<void> {
    const deadline = this.clock.monotonic() + timeoutMs;
    const left = (): KubeCallOptions => ({ timeoutMs: Math.max(1, deadline - this.clock.monotonic()) });
    try {
      await this.call(`delete namespace ${name}`, left(), () => this.core.deleteNamespace({ name }));
    } catch (error) {
      if (isNotFound(error)) return;
      // 409: already terminating ("The system is ensuring all content is removed…"); wait for it like any other.
      if (httpStatusOf(error) !== 409) throw toKubeApiError(`delete namespace ${name}`, error);
    }
    // The deadline is checked before each read, so a read never starts after it; the last state read is reported.
    let seen: V1Namespace | undefined;
    const stillExists = (last: V1Namespace) =>
      new KubeApiError(`namespace ${name} still exists ${formatMs(timeoutMs)} after deletion: ${namespaceState(last)}`);
    for (;;) {
      if (seen && this.clock.monotonic() >= deadline) throw stillExists(seen);
      let namespace: V1Namespace | null;
      try {
        namespace = await this.readNamespace(name, left());
      } catch (error) {
        // A read cut off by the deadline: what holds the namespace is what the last answer said.
        if (seen && this.clock.monotonic() >= deadline) throw stillExists(seen);
        throw error;
      }
      if (!namespace) return;
      seen = namespace;
      await this.clock.sleep(Math.min(this.pollIntervalMs, Math.max(0, deadline - this.clock.monotonic())));
    }
  }

  async readDeployment(namespace: string, name: string, options?: KubeCallOptions): Promise<V1Deployment | null> {
    return this.read(`read Deployment ${namespace}/${name}`, options, () => this.apps.readNamespacedDeployment({ namespace, name }));
  }

  async readDaemonSet(namespace: string, name: string, options?: KubeCallOptions): Promise<V1DaemonSet | null> {
    return this.read(`read DaemonSet ${namespace}/${name}`, options, () => this.apps.readNamespacedDaemonSet({ namespace, name }));
  }

  async listPods(namespace: string, labelSelector?: string, options?: KubeCallOptions): Promise<V1Pod[]> {
    const what = `list pods in ${namespace}${labelSelector ? ` (${labelSelector})` : ''}`;
    const query = { namespace, ...(labelSelector !== undefined ? { labelSelector } : {}) };
    return (await this.list(what, options, () => this.core.listNamespacedPod(query))).items;
  }

  async listAllPods(options?: KubeCallOptions): Promise<V1Pod[]> {
    return (await this.list('list pods in all namespaces', options, () => this.core.listPodForAllNamespaces())).items;
  }

  async listNodes(options?: KubeCallOptions): Promise<V1Node[]> {
    return (await this.list('list nodes', options, () => this.core.listNode())).items;
  }

  async events(namespace: string, objectName: string, options?: KubeCallOptions): Promise<string[]> {
    const query = { namespace, fieldSelector: `involvedObject.name=${objectName}` };
    return eventLines((await this.list(`list events of ${namespace}/${objectName}`, options, () => this.core.listNamespacedEvent(query))).items);
  }

  /**
   * Our own GET rather than CoreV1Api.connectGetNodeProxyWithPath: that method percent-encodes the whole path
   * (`metrics/resource` becomes `metrics%2Fresource`), asks for JSON, and throws on any content type that is neither
   * text/* nor JSON (OpenMetrics, protobuf). The kubeconfig's TLS and credentials still apply (applyToHTTPSOptions).
   */
  async nodeProxyGet(node: string, path: string, options?: KubeCallOptions): Promise<string> {
    const [pathPart = '', query] = path.replace(/^\/+/, '').split(/\?(.*)/s, 2);
    const encoded = pathPart.split('/').map(encodeURIComponent).join('/');
    const apiPath = `/api/v1/nodes/${encodeURIComponent(node)}/proxy/${encoded}${query !== undefined ? `?${query}` : ''}`;
    const what = `GET ${path} on node ${node}`;
    return this.call(what, options, (signal) => this.getText(apiPath, what, signal));
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
    signal?: AbortSignal,
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
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      // Cancelled (SIGINT/SIGTERM): close the stream now rather than wait for the command to finish.
      const onAbort = (): void => {
        settle(() => reject(new KubeApiError(`${what}: cancelled`)));
        if (socket) (socket.terminate ?? socket.close).call(socket);
      };
      const timer = setTimeout(() => {
        settle(() => reject(new KubeApiError(`${what}: no exit status after ${timeoutMs} ms`)));
        // terminate, not close: a server that stopped answering would hold a closing handshake for 30 s.
        if (socket) (socket.terminate ?? socket.close).call(socket);
      }, timeoutMs);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });

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

  async serverVersion(options?: KubeCallOptions): Promise<string> {
    return (await this.list('read server version', options, () => this.version.getCode())).gitVersion;
  }

  private async readNamespace(name: string, options?: KubeCallOptions): Promise<V1Namespace | null> {
    return this.read(`read namespace ${name}`, options, () => this.core.readNamespace({ name }));
  }

  /**
   * One API call under the retry policy: each attempt runs with its own abort signal in scope (the middleware hands
   * it to client-node's request), transient failures are retried until the call's deadline.
   */
  private call<T>(what: string, options: KubeCallOptions | undefined, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return withRetry(what, (signal) => attemptSignal.run(signal, () => attempt(signal)), {
      policy: this.policy,
      clock: this.clock,
      budget: options,
    });
  }

  /** A read: 404 is null. */
  private async read<T>(what: string, options: KubeCallOptions | undefined, attempt: () => Promise<T>): Promise<T | null> {
    try {
      return await this.call(what, options, attempt);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw toKubeApiError(what, error);
    }
  }

  /** A list (or any call where 404 is an error). */
  private async list<T>(what: string, options: KubeCallOptions | undefined, attempt: () => Promise<T>): Promise<T> {
    try {
      return await this.call(what, options, attempt);
    } catch (error) {
      throw toKubeApiError(what, error);
    }
  }

  private async getText(apiPath: string, what: string, signal: AbortSignal): Promise<string> {
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
          signal,
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
              // The cause carries the headers, for a Retry-After on 429/503.
              reject(new KubeApiError(`${what}: ${message} (HTTP ${status})`, status, { cause: { code: status, headers: res.headers } }));
            }
          });
        },
      );
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

function namespaceState(namespace: V1Namespace): string {
  const phase = namespace.status?.phase ?? 'unknown phase';
  const conditions = (namespace.status?.conditions ?? [])
    .filter((c) => c.status === 'True')
    .map((c) => `${c.type}: ${c.message ?? c.reason ?? ''}`.trim());
  return conditions.length > 0 ? `${phase}; ${conditions.join('; ')}` : phase;
}
