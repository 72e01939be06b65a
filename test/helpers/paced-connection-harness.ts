import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, vi } from 'vitest';
import { connectionTarget } from '../../src/load/engine.js';
import { PacedConnection, type ConnectionOwner } from '../../src/load/paced-connection.js';

/**
 * A loopback TCP server whose every accepted socket is handed to the test, with the requests read off it (a GET has no
 * body: a request ends at the blank line). The test writes whatever bytes it wants back, split as it wants.
 */
export interface ScriptedServer {
  url: string;
  port: number;
  /** Sockets accepted so far, in order. */
  accepted: number;
  /** The next socket accepted (or one accepted and not yet taken). */
  nextSocket(): Promise<ServerSide>;
  stop(): Promise<void>;
}

export interface ServerSide {
  socket: Socket;
  /** Resolves with the next whole request read on this socket (its head, up to and including the blank line). */
  nextRequest(): Promise<string>;
}

export async function scriptedServer(): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  const waiting: Array<(s: ServerSide) => void> = [];
  const unclaimed: ServerSide[] = [];
  let accepted = 0;
  const srv: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const requests: string[] = [];
    const readers: Array<(r: string) => void> = [];
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const request = buffered.slice(0, end + 4);
        buffered = buffered.slice(end + 4);
        const reader = readers.shift();
        if (reader) reader(request);
        else requests.push(request);
      }
    });
    const side: ServerSide = {
      socket,
      nextRequest: () => {
        const r = requests.shift();
        return r !== undefined ? Promise.resolve(r) : new Promise((resolve) => readers.push(resolve));
      },
    };
    const w = waiting.shift();
    if (w) w(side);
    else unclaimed.push(side);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/probe?x=1`,
    port,
    get accepted() {
      return accepted;
    },
    nextSocket: () => {
      const s = unclaimed.shift();
      return s ? Promise.resolve(s) : new Promise((resolve) => waiting.push(resolve));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

/** One call the connection made to its owner, with what the connection looked like at that moment. */
export type OwnerEvent =
  | { kind: 'ready'; available: boolean; busy: boolean; connects: number }
  | { kind: 'response'; status: number; intendedMs: number; sentMs: number; nowMs: number; available: boolean; busy: boolean }
  | { kind: 'dropped'; intendedMs: number; busy: boolean }
  | { kind: 'error'; intendedMs: number | null; error: Error; backoffMs: number; busy: boolean };

/** An owner that records every call, in order, and lets a test wait for the next one. */
export class RecordingOwner implements ConnectionOwner {
  readonly events: OwnerEvent[] = [];
  private read = 0;
  private waiter: (() => void) | null = null;

  onReady(conn: PacedConnection): void {
    this.push({ kind: 'ready', available: conn.available, busy: conn.busy, connects: conn.connects });
  }
  onResponse(conn: PacedConnection, status: number, intendedMs: number, sentMs: number, nowMs: number): void {
    this.push({ kind: 'response', status, intendedMs, sentMs, nowMs, available: conn.available, busy: conn.busy });
  }
  onDropped(conn: PacedConnection, intendedMs: number): void {
    this.push({ kind: 'dropped', intendedMs, busy: conn.busy });
  }
  onSocketError(conn: PacedConnection, intendedMs: number | null, error: Error): void {
    this.push({ kind: 'error', intendedMs, error, backoffMs: conn.backoffMs, busy: conn.busy });
  }

  private push(e: OwnerEvent): void {
    this.events.push(e);
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** The next event not yet read; fails the test if none comes within `ms`. */
  async next(ms = 3000): Promise<OwnerEvent> {
    const deadline = performance.now() + ms;
    while (this.read >= this.events.length) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no owner event within ${ms} ms (had: ${this.events.map((e) => e.kind).join(', ') || 'none'})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return this.events[this.read++]!;
  }

  /** The next event, which must be of `kind`. */
  async expect<K extends OwnerEvent['kind']>(kind: K, ms?: number): Promise<Extract<OwnerEvent, { kind: K }>> {
    const e = await this.next(ms);
    if (e.kind !== kind) throw new Error(`expected owner event "${kind}", got "${e.kind}": ${JSON.stringify(e)}`);
    return e as Extract<OwnerEvent, { kind: K }>;
  }

  /** Events recorded and not yet read. */
  unread(): OwnerEvent[] {
    return this.events.slice(this.read);
  }
}

/** A connection to `url` owned by a fresh RecordingOwner; `connections` collects it for `destroyAll`. */
export function open(url: string, connections: PacedConnection[]): { conn: PacedConnection; owner: RecordingOwner } {
  const owner = new RecordingOwner();
  const conn = new PacedConnection(connectionTarget(url), owner);
  connections.push(conn);
  return { conn, owner };
}

export function destroyAll(connections: PacedConnection[]): void {
  for (const c of connections.splice(0)) c.destroy();
}

/** Waits for `ms` of real time (to let a socket deliver, or to show that nothing happens). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const OK_2 = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok';

/**
 * A fresh scripted server for each test of the file (beforeEach) and the list the test's connections go in; after each
 * test, mocks are restored, every connection is destroyed and the server stopped. `server` stands for the current test's.
 */
export function scriptedServerEachTest(): { server: ScriptedServer; connections: PacedConnection[] } {
  let current: ScriptedServer | null = null;
  const connections: PacedConnection[] = [];
  const now = (): ScriptedServer => {
    if (current === null) throw new Error('scriptedServerEachTest: no server outside a test');
    return current;
  };
  beforeEach(async () => {
    current = await scriptedServer();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    destroyAll(connections);
    await current?.stop();
    current = null;
  });
  const server: ScriptedServer = {
    get url() {
      return now().url;
    },
    get port() {
      return now().port;
    },
    get accepted() {
      return now().accepted;
    },
    nextSocket: () => now().nextSocket(),
    stop: () => now().stop(),
  };
  return { server, connections };
}

/** A connection to `server` that is ready, with the server's side of its socket. */
export async function openReady(server: ScriptedServer, connections: PacedConnection[]): Promise<{ conn: PacedConnection; owner: RecordingOwner; side: ServerSide }> {
  const { conn, owner } = open(server.url, connections);
  await owner.expect('ready');
  const side = await server.nextSocket();
  return { conn, owner, side };
}

/** Sends the request intended at `intendedMs` and waits until the server has read it (its head is returned). */
export async function sendAndRead(conn: PacedConnection, side: ServerSide, intendedMs: number): Promise<string> {
  conn.send(intendedMs);
  return side.nextRequest();
}
