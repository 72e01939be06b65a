import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';

/**
 * How the API server reaches the emulated kubelets without any traffic leaving loopback.
 *
 * The real API server refuses to proxy to a node whose address is not a global unicast IP (node registry
 * strategy.go, isProxyableHostname), so 127.0.0.1 cannot be a node address. The nodes get addresses from TEST-NET-1
 * (192.0.2.0/24, RFC 5737: never routed), and the API server's `cluster` egress (kubelet exec, logs and node proxy) is
 * sent through an HTTP CONNECT proxy on a Unix socket (--egress-selector-config-file, apiserver.k8s.io/v1beta1
 * EgressSelectorConfiguration; the Konnectivity task page, kubernetes.io/docs/tasks/extend-kubernetes/setup-konnectivity,
 * shows the format, with "HTTPConnect" as a supported proxyProtocol and "uds" as a transport). The proxy never dials the requested address: it hands the connection to the TLS
 * "kubelet" of that node, in this process, which forwards to kwok's server on 127.0.0.1.
 *
 * kwok serves every node's kubelet metrics on one port under `/metrics/nodes/{nodeName}/metrics/resource` (its Metric
 * `spec.path`); the kubelet path `/metrics/resource` carries no node name, so each node's front adds it. Everything
 * else (exec and its stream upgrade, logs) passes through unchanged.
 */
export interface KubeletFronts {
  /** TEST-NET address per node name. */
  addresses: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

export async function startKubeletFronts(o: {
  socketPath: string;
  nodes: ReadonlyArray<{ name: string; address: string }>;
  kubeletPort: number;
  kwokPort: number;
  tls: { cert: string; key: string };
}): Promise<KubeletFronts> {
  const fronts = new Map<string, HttpsServer>();
  const cert = readFileSync(o.tls.cert);
  const key = readFileSync(o.tls.key);
  for (const node of o.nodes) fronts.set(`${node.address}:${o.kubeletPort}`, kubeletFront(node.name, o.kwokPort, { cert, key }));
  const sockets = new Set<Socket>();
  const egress: NetServer = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      const target = /^CONNECT (\S+) HTTP\/1\.[01]\r\n/.exec(head)?.[1];
      const front = target ? fronts.get(target) : undefined;
      if (!front || end + 4 !== head.length) {
        socket.end(`HTTP/1.1 403 Forbidden\r\n\r\nno emulated kubelet at ${target ?? '?'}\n`);
        return;
      }
      socket.write('HTTP/1.1 200 Connection established\r\n\r\n');
      front.emit('connection', socket);
      socket.resume();
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    egress.once('error', reject);
    egress.listen(o.socketPath, () => resolve());
  });
  return {
    addresses: new Map(o.nodes.map((n) => [n.name, n.address])),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => egress.close(() => resolve()));
      for (const f of fronts.values()) f.closeAllConnections();
    },
  };
}

function kubeletFront(node: string, kwokPort: number, tls: { cert: Buffer; key: Buffer }): HttpsServer {
  const server = createHttpsServer(tls, (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] === '/metrics/resource' ? `/metrics/nodes/${node}/metrics/resource` : url;
    const upstream = httpRequest({ host: '127.0.0.1', port: kwokPort, method: req.method, path, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`kwok unreachable: ${e.message}\n`);
    });
    req.pipe(upstream);
  });
  // exec and attach switch protocols (SPDY or WebSocket): pass the raw bytes both ways.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const upstream = connect(kwokPort, '127.0.0.1', () => {
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const drop = (): void => {
      upstream.destroy();
      socket.destroy();
    };
    upstream.on('error', drop);
    socket.on('error', drop);
    upstream.on('close', () => socket.end());
    socket.on('close', () => upstream.end());
  });
  return server;
}
