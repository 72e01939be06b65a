import { Agent, createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ArrivalRecorder } from './arrivals.js';
import { resolveWorkloadServerOptions } from './options.js';
import type { WorkloadServerOptions } from './options.js';
import { ReleaseQueue } from './release-queue.js';
import { stallOpenAt } from './stall.js';
import { MESH_EVIDENCE_PATH, MeshHeaderCounter } from './mesh-headers.js';

export type { ResolvedWorkloadServerOptions, StallOptions, WorkloadServerOptions } from './options.js';

export interface RunningWorkloadServer {
  url: string;
  port: number;
  /**
   * Graceful: stop accepting, answer what is in flight (delayed and held responses included, with
   * `Connection: close`), close idle keep-alive connections; after shutdownTimeoutMs destroy whatever is left.
   */
  close(): Promise<void>;
}

// A queued response's code packs the status with what to do to the connection afterwards.
const KEEP = 0;
const CLOSE = 1;
const CODE_SHIFT = 2;

const kRequests = Symbol('requestsOnConnection');
type CountedSocket = Socket & { [kRequests]: number };

/** Client-side keep-alive pool towards the next hop: enough sockets that the pool never queues a benchmark's requests. */
const NEXT_HOP_MAX_SOCKETS = 1024;
/** After an abrupt close, wait this long for the client to close its side before destroying the socket. */
const LINGER_MS = 2000;
const IDLE_SWEEP_MS = 50;

/**
 * The workload every benchmark measures against. Its own cost is in every baseline, so the request path allocates
 * nothing it can avoid: header lists and the body are built once, queued responses sit in preallocated arrays, the
 * per-connection request count lives on the socket. No logging.
 *
 * Order of a request: arrival (counted) → [forward to the next hop, wait for its answer] → service delay →
 * [held while a stall lasts] → response.
 */
export async function startWorkloadServer(options: WorkloadServerOptions): Promise<RunningWorkloadServer> {
  const config = resolveWorkloadServerOptions(options);
  const origin = performance.now();
  const delayMs = config.serviceDelayUs / 1000;
  const stall = config.stall;
  const arrivals = config.recordArrivals ? new ArrivalRecorder(origin) : null;
  const body = Buffer.alloc(config.responseBytes, 'x');
  const keepHeaders = headerList(config.name, body.length, false);
  const closeHeaders = headerList(config.name, body.length, true);
  const healthBody = Buffer.from('ok');
  const healthHeaders = { 'content-type': 'text/plain', 'content-length': '2', 'x-bench-hop': config.name };
  let closing = false;
  const meshHeaders = new MeshHeaderCounter();

  function respond(res: ServerResponse, code: number): void {
    const socket = res.socket;
    // A connection closed abruptly may still have pipelined requests queued: writing would only provoke a reset.
    if (socket !== null && socket.writableEnded) return;
    res.writeHead(code >> CODE_SHIFT, (code & CLOSE) !== 0 || closing ? closeHeaders : keepHeaders);
    res.end(body);
  }

  const queue = new ReleaseQueue<ServerResponse>(
    respond,
    stall === null ? {} : { gate: (now) => stallOpenAt(stall, origin, now) },
  );

  /** Answer now, or at the (stall-adjusted) end of the service delay. */
  function schedule(res: ServerResponse, status: number, connection: number): void {
    const code = (status << CODE_SHIFT) | connection;
    if (delayMs === 0 && stall === null) {
      respond(res, code);
      return;
    }
    const now = performance.now();
    const due = stall === null ? now + delayMs : stallOpenAt(stall, origin, now + delayMs);
    if (due <= now && queue.size === 0) respond(res, code);
    else queue.push(due, res, code);
  }

  const forward = config.nextHop === null ? null : createForwarder(config.nextHop, schedule);

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (url === '/healthz') {
      res.writeHead(200, healthHeaders);
      res.end(healthBody);
      return;
    }
    if (url.startsWith('/__bench/')) {
      serveBench(url, req, res);
      return;
    }
    if (url === MESH_EVIDENCE_PATH) {
      sendJson(res, 200, meshHeaders.snapshot());
      return;
    }
    meshHeaders.record(req.rawHeaders);
    if (arrivals !== null) arrivals.record(performance.now());
    let connection = KEEP;
    if (config.closeEvery > 0) {
      const socket = req.socket as CountedSocket;
      const n = ++socket[kRequests];
      // Pipelined behind the last request of this connection: lost with the connection, never answered.
      if (n > config.closeEvery) return;
      if (n === config.closeEvery) {
        if (config.closeEveryAbrupt) res.once('finish', () => lingerClose(socket));
        else connection = CLOSE;
      }
    }
    if (forward !== null) {
      forward(req, res, connection);
    } else if (req.method === 'GET' || req.method === 'HEAD') {
      // No body expected; node discards any that comes after the response.
      schedule(res, 200, connection);
    } else {
      req.on('end', () => schedule(res, 200, connection));
      req.resume();
    }
  }

  function serveBench(url: string, req: IncomingMessage, res: ServerResponse): void {
    if (arrivals === null) return sendJson(res, 404, { error: 'arrivals are not recorded (start with --record-arrivals)' });
    if (url === '/__bench/arrivals' && req.method === 'GET') {
      return sendJson(res, 200, arrivals.snapshot(performance.now(), performance.timeOrigin));
    }
    if (url === '/__bench/arrivals/reset' && req.method === 'POST') {
      req.resume();
      arrivals.reset(performance.now());
      return sendJson(res, 200, { reset: true });
    }
    sendJson(res, 404, { error: `no such endpoint: ${req.method ?? ''} ${url}` });
  }

  const server = createServer({ requestTimeout: 0, headersTimeout: 66_000, noDelay: true }, handle);
  // Longer than any client's idle timeout we know of, so the server is never the one to close an idle connection.
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    (socket as CountedSocket)[kRequests] = 0;
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: config.host, port: config.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`unexpected server address ${String(address)}`);
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closed: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      closing = true;
      // Connections that finish their last response while we wait become idle: sweep them.
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
        queue.clear();
        forward?.destroy();
        resolve();
      });
      server.closeIdleConnections();
    });
    return closed;
  };

  return { url: `http://${urlHost}:${address.port}`, port: address.port, close };
}

/** Flat [name, value, …] list: node writes it without building a header object. */
function headerList(name: string, contentLength: number, close: boolean): string[] {
  const list = ['content-type', 'application/octet-stream', 'content-length', String(contentLength), 'x-bench-hop', name];
  if (close) list.push('connection', 'close');
  return list;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Close like a server dropping an idle keep-alive connection: FIN right after the response, no `Connection: close`.
 * Reads continue (and are ignored) until the client closes, so unread requests never turn the close into a reset
 * that could also destroy the response the client has not read yet.
 */
function lingerClose(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

interface Forwarder {
  (req: IncomingMessage, res: ServerResponse, connection: number): void;
  destroy(): void;
}

/**
 * Forwards each request to the next hop over a keep-alive pool and schedules our own response with its status
 * (our own body). A connection error is a 502. A request without a body that failed on a reused connection the next
 * hop had just closed (the keep-alive race) is retried once on a fresh one, as node's documentation advises.
 */
function createForwarder(
  nextHop: string,
  schedule: (res: ServerResponse, status: number, connection: number) => void,
): Forwarder {
  const target = new URL(nextHop);
  const agent = new Agent({ keepAlive: true, maxSockets: NEXT_HOP_MAX_SOCKETS, maxFreeSockets: NEXT_HOP_MAX_SOCKETS });
  const hostname = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  const port = target.port === '' ? 80 : Number(target.port);

  const forward = (req: IncomingMessage, res: ServerResponse, connection: number): void => {
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    let headers: OutgoingHttpHeaders | undefined;
    if (hasBody) {
      headers = {};
      const { 'content-type': contentType, 'content-length': contentLength } = req.headers;
      if (contentType !== undefined) headers['content-type'] = contentType;
      if (contentLength !== undefined) headers['content-length'] = contentLength;
    }
    let answered = false;
    const answer = (status: number): void => {
      if (answered) return;
      answered = true;
      schedule(res, status, connection);
    };
    const send = (retry: boolean): void => {
      const upstream = httpRequest({ hostname, port, path: req.url, method, agent, headers }, (upRes) => {
        const status = upRes.statusCode ?? 502;
        upRes.on('end', () => answer(status));
        upRes.on('error', () => answer(502));
        upRes.resume();
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (retry && !hasBody && upstream.reusedSocket && error.code === 'ECONNRESET' && !answered) send(false);
        else answer(502);
      });
      if (hasBody) req.pipe(upstream);
      else upstream.end();
    };
    send(true);
  };
  return Object.assign(forward, { destroy: () => agent.destroy() });
}
