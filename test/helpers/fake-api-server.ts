import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fake Kubernetes API server on 127.0.0.1 for testing the real client-node code paths: it records every request
 * (method, path, query, headers, body), answers API discovery for core/v1 and apps/v1 itself, answers 404 with a
 * NotFound Status like a real API server for anything not routed, and speaks the exec websocket channel protocol.
 * Since issue 11 it stands in only where a real server cannot be made to misbehave on demand (hangs, one 503, resets,
 * 429 with Retry-After, deadlines, aborts) or cannot show what it received (request counts, headers, subprotocols);
 * normal API behaviour is asserted against a real kube-apiserver in test/cluster/ (npm run test:cluster).
 */

export interface RecordedRequest {
  method: string;
  /** Path as sent, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** Set when the client gave up on a request the server held (closed the connection before any answer). */
  abandoned?: boolean;
}

export interface FakeResponse {
  status?: number;
  /** An object is sent as JSON; a string is sent as is. */
  body: unknown;
  /** Defaults to application/json. */
  contentType?: string;
  /** Never answer (the connection stays open until the server closes). */
  hold?: boolean;
  /** Reset the connection (TCP RST) instead of answering: the client sees ECONNRESET. */
  reset?: boolean;
  /** Extra response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
}

export type Responder = (request: RecordedRequest) => FakeResponse;

/** One exec websocket session, as the API server sees it. */
export interface ExecSession {
  /** The subprotocol the server chose from the client's offer. */
  protocol: string;
  /** The subprotocols the client offered, in its order. */
  offered: string[];
  request: RecordedRequest;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Sends a metav1.Status on channel 3 (the error channel), which ends the command for the client. */
  status(status: object): void;
  close(): void;
  /** Resolves when the client closes the connection. */
  closed: Promise<void>;
}

export interface FakeApiServer {
  url: string;
  requests: RecordedRequest[];
  /** Routes `METHOD /exact/path` (without the query) to a responder; the last route set for a path wins. */
  route(method: string, path: string, responder: Responder | FakeResponse): void;
  /**
   * Handles exec websocket upgrades (needs the `ws` package, which client-node depends on). `protocols`: the
   * subprotocols the server accepts, best first (default v5 then v4, like an API server of 1.30 or later).
   */
  onExec(handler: (session: ExecSession) => void, protocols?: readonly string[]): void;
  /** Requests other than API discovery. */
  apiRequests(): RecordedRequest[];
  close(): Promise<void>;
}

export const notFound = (what: string): FakeResponse => ({
  status: 404,
  body: {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${what} not found`,
    reason: 'NotFound',
    code: 404,
  },
});

/** A metav1.Status failure as the API server sends it. */
export const statusFailure = (code: number, reason: string, message: string, headers?: Record<string, string>): FakeResponse => ({
  status: code,
  body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code },
  ...(headers ? { headers } : {}),
});

/** Faults a real API server (or what stands in front of it) produces. */
export const faults = {
  /** The connection is accepted and the request read, but nothing is ever answered. */
  hang: (): FakeResponse => ({ body: '', hold: true }),
  /** An API server that is starting or overloaded. */
  unavailable: (): FakeResponse => statusFailure(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'),
  /** API Priority and Fairness rejecting a request: 429 with Retry-After in seconds. */
  tooManyRequests: (retryAfterSeconds: number): FakeResponse =>
    statusFailure(429, 'TooManyRequests', 'too many requests, please try again later', { 'Retry-After': String(retryAfterSeconds) }),
  /** The TCP connection reset under the request. */
  reset: (): FakeResponse => ({ body: '', reset: true }),
};

/** Answers with each response in turn, then with the last one for ever: `sequence(faults.unavailable(), ok)`. */
export function sequence(...answers: Array<FakeResponse | Responder>): Responder {
  let next = 0;
  return (request) => {
    const answer = answers[Math.min(next++, answers.length - 1)];
    if (answer === undefined) throw new Error('sequence() needs at least one answer');
    return typeof answer === 'function' ? answer(request) : answer;
  };
}

const discovery: Record<string, FakeResponse> = {
  '/api/v1': {
    body: {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [
        { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: [] },
        { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: [] },
        { name: 'services', singularName: 'service', namespaced: true, kind: 'Service', verbs: [] },
        { name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: [] },
        { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: [] },
      ],
    },
  },
  '/apis/apps/v1': {
    body: {
      kind: 'APIResourceList',
      groupVersion: 'apps/v1',
      resources: [
        { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: [] },
        { name: 'daemonsets', singularName: 'daemonset', namespaced: true, kind: 'DaemonSet', verbs: [] },
      ],
    },
  },
};

/** The `ws` package, typed locally: @types/ws is not installed, and an ambient declaration would leak into src/. */
interface WsSocket {
  protocol: string;
  send(data: Buffer): void;
  close(): void;
  on(event: 'close', listener: () => void): void;
}
interface WsServer {
  handleUpgrade(request: http.IncomingMessage, socket: Socket, head: Buffer, done: (ws: WsSocket) => void): void;
  close(): void;
}
interface WsModule {
  WebSocketServer: new (options: {
    noServer: true;
    handleProtocols: (protocols: Set<string>) => string | false;
  }) => WsServer;
}

/** Whether the `ws` package resolves (client-node's dependency; tests may use it, src may not install it). */
export function wsAvailable(): boolean {
  try {
    createRequire(import.meta.url).resolve('ws');
    return true;
  } catch {
    return false;
  }
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  const routes = new Map<string, Responder>();
  const requests: RecordedRequest[] = [];
  let execHandler: ((session: ExecSession) => void) | undefined;
  let execProtocols: readonly string[] = [];

  const record = (req: http.IncomingMessage, body: string): RecordedRequest => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    requests.push(recorded);
    return recorded;
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = record(req, Buffer.concat(chunks).toString('utf8'));
      const responder = routes.get(`${recorded.method} ${recorded.path}`);
      const answer = responder ? responder(recorded) : (discovery[recorded.path] ?? notFound(recorded.path));
      if (answer.hold) {
        res.on('close', () => {
          if (!res.writableEnded) recorded.abandoned = true;
        });
        return;
      }
      if (answer.reset) {
        req.socket.resetAndDestroy();
        return;
      }
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status ?? 200, { 'content-type': answer.contentType ?? 'application/json', ...answer.headers });
      res.end(text);
    });
  };
  const server = http.createServer(handle);

  let wss: WsServer | undefined;
  const offeredBy = new WeakMap<http.IncomingMessage, string[]>();
  server.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const recorded = record(req, '');
    if (!execHandler || !wss) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const handler = execHandler;
    offeredBy.set(
      req,
      String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    );
    wss.handleUpgrade(req, socket, head, (ws) => {
      const frame = (channel: number, text: string) =>
        ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(text, 'utf8')]));
      const closed = new Promise<void>((resolve) => ws.on('close', resolve));
      handler({
        protocol: ws.protocol,
        offered: offeredBy.get(req) ?? [],
        request: recorded,
        stdout: (text) => frame(1, text),
        stderr: (text) => frame(2, text),
        status: (status) => frame(3, JSON.stringify(status)),
        close: () => ws.close(),
        closed,
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(method, path, responder) {
      routes.set(`${method} ${path}`, typeof responder === 'function' ? responder : () => responder);
    },
    onExec(handler, protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io']) {
      const ws = createRequire(import.meta.url)('ws') as WsModule;
      execProtocols = protocols;
      // Like the API server: the best channel protocol both sides speak.
      wss ??= new ws.WebSocketServer({
        noServer: true,
        handleProtocols: (offered) => execProtocols.find((p) => offered.has(p)) ?? false,
      });
      execHandler = handler;
    },
    apiRequests: () => requests.filter((r) => !(r.path in discovery)),
    async close() {
      wss?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface KubeconfigContext {
  name: string;
  server: string;
  /** Bearer token user; or a client-certificate user with `pki`. */
  token?: string;
  /** CA to trust and client certificate to present (https servers), PEM. */
  pki?: { ca: string; clientCert: string; clientKey: string };
  namespace?: string;
}

/**
 * Writes a kubeconfig with one cluster and one user per context into a fresh temporary directory. For http:// servers
 * `insecure-skip-tls-verify` is set because client-node refuses plain http without it.
 */
export async function writeKubeconfig(
  contexts: KubeconfigContext[],
  currentContext: string | undefined,
): Promise<{ path: string; dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'mesh-bench-kubeconfig-'));
  const path = join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: contexts.map((c) => ({
      name: `${c.name}-cluster`,
      cluster: c.pki
        ? { server: c.server, 'certificate-authority-data': base64(c.pki.ca) }
        : { server: c.server, 'insecure-skip-tls-verify': true },
    })),
    users: contexts.map((c) => ({
      name: `${c.name}-user`,
      user: {
        ...(c.token ? { token: c.token } : {}),
        ...(c.pki
          ? { 'client-certificate-data': base64(c.pki.clientCert), 'client-key-data': base64(c.pki.clientKey) }
          : {}),
      },
    })),
    contexts: contexts.map((c) => ({
      name: c.name,
      context: { cluster: `${c.name}-cluster`, user: `${c.name}-user`, ...(c.namespace ? { namespace: c.namespace } : {}) },
    })),
    ...(currentContext ? { 'current-context': currentContext } : {}),
  };
  // JSON is YAML; the kubeconfig loader parses it as such.
  await writeFile(path, JSON.stringify(config, null, 2));
  return { path, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

const base64 = (pem: string): string => Buffer.from(pem).toString('base64');

/** A fake API server, a kubeconfig pointing at it with a bearer token, and a ClientNodeKube reading that file. */
export async function kubeOnFakeApi(
  o: { token?: string; options?: import('../../src/kube/client-node-kube.js').ClientNodeKubeOptions } = {},
): Promise<{ api: FakeApiServer; kube: import('../../src/kube/client-node-kube.js').ClientNodeKube; close: () => Promise<void> }> {
  const { ClientNodeKube } = await import('../../src/kube/client-node-kube.js');
  const api = await startFakeApiServer();
  const kubeconfig = await writeKubeconfig([{ name: 'bench', server: api.url, token: o.token ?? 't' }], 'bench');
  const kube = new ClientNodeKube({ kubeconfig: kubeconfig.path }, o.options);
  return {
    api,
    kube,
    close: async () => {
      await api.close();
      await kubeconfig.remove();
    },
  };
}
