import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ClosedBeforeResponseError, NotHttpError } from '../src/load/connection-errors.js';
import { open, openReady, pause, scriptedServerEachTest, sendAndRead } from './helpers/paced-connection-harness.js';

// The errors a paced connection hands its owner, exactly: which request they cost, what they say, and the back-off
// that keeps a refusing or broken target from being retried in a tight loop.
const { server, connections } = scriptedServerEachTest();

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('a refused connect', () => {
  it('is a socket error with no request, retried after a back-off of 10 ms doubling each time', async () => {
    const { conn, owner } = open(`http://127.0.0.1:${await closedPort()}/`, connections);
    const seen: Array<[number | null, string | undefined, number]> = [];
    for (let i = 0; i < 6; i++) {
      const e = await owner.expect('error');
      seen.push([e.intendedMs, (e.error as NodeJS.ErrnoException).code, e.backoffMs]);
    }
    // The back-off in force when each error arrived: none before the first, then 10, 20, 40… ms.
    expect(seen).toEqual([
      [null, 'ECONNREFUSED', 0],
      [null, 'ECONNREFUSED', 10],
      [null, 'ECONNREFUSED', 20],
      [null, 'ECONNREFUSED', 40],
      [null, 'ECONNREFUSED', 80],
      [null, 'ECONNREFUSED', 160],
    ]);
    expect(conn.available).toBe(false);
    expect(conn.backoffTimer).not.toBeNull();
  });

  it('backs off at most 1 s', async () => {
    const { owner } = open(`http://127.0.0.1:${await closedPort()}/`, connections);
    const backoffs: number[] = [];
    for (let i = 0; i < 10; i++) backoffs.push((await owner.expect('error', 5000)).backoffMs);
    expect(backoffs).toEqual([0, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
  }, 8000);

  it('a destroyed connection leaves no back-off timer behind', async () => {
    const { conn, owner } = open(`http://127.0.0.1:${await closedPort()}/`, connections);
    await owner.expect('error');
    expect(conn.backoffTimer).not.toBeNull();
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    conn.destroy();
    expect(timers()).toBe(before - 1);
    await pause(30);
    expect(owner.unread()).toEqual([]);
  });
});

describe('a socket closed before it answered', () => {
  it('closed by the server after reading the first request, with no byte sent: "closed before any response", charged to that request', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 77);
    side.socket.end();
    const e = await owner.expect('error');
    expect(e.intendedMs).toBe(77);
    expect(e.busy).toBe(false);
    expect(e.error).toBeInstanceOf(ClosedBeforeResponseError);
    expect(e.error.message).toBe('closed before any response');
    expect(e.backoffMs).toBe(0);
    expect(conn.backoffMs).toBe(10);
    // Not re-sent: it is an error, not a drop, and the connection comes back after the back-off.
    expect(await owner.expect('ready')).toMatchObject({ available: true, connects: 2 });
    expect(owner.unread()).toEqual([]);
  });

  it('closed after bytes that never made a response: "<n> bytes that are not an HTTP response, then closed"', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 78);
    const partial = 'HTTP/1.1 200 OK\r\nContent-Le';
    side.socket.end(partial);
    const e = await owner.expect('error');
    expect(e.intendedMs).toBe(78);
    expect(e.error).toBeInstanceOf(NotHttpError);
    expect(partial.length).toBe(27);
    expect(e.error.message).toBe('27 bytes that are not an HTTP response, then closed');
    expect(conn.bytesReceived).toBe(27);
  });

  it('reset by the server while a request is in flight: the socket error itself, charged to that request', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 79);
    side.socket.resetAndDestroy();
    const e = await owner.expect('error');
    expect(e.intendedMs).toBe(79);
    expect((e.error as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(e.error).not.toBeInstanceOf(ClosedBeforeResponseError);
    expect(await owner.expect('ready')).toMatchObject({ connects: 2 });
  });

  it('a response then a reset with the next request in flight: still the socket error, not a drop', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 1);
    side.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    await owner.expect('response');
    await sendAndRead(conn, side, 2);
    side.socket.resetAndDestroy();
    const e = await owner.expect('error');
    expect([e.intendedMs, (e.error as NodeJS.ErrnoException).code]).toEqual([2, 'ECONNRESET']);
  });
});

describe('bytes that are not HTTP', () => {
  it('are a NotHttpError with the parser\'s code, charged to the request in flight, and the socket is replaced after a back-off', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 90);
    side.socket.write('SSH-2.0-OpenSSH_9.6\r\n');
    const e = await owner.expect('error');
    expect(e.intendedMs).toBe(90);
    expect(e.error).toBeInstanceOf(NotHttpError);
    expect((e.error as Error & { parseCode?: string }).parseCode).toMatch(/^HPE_/);
    // The server did not close: the client did.
    await new Promise<void>((resolve) => (side.socket.readableEnded ? resolve() : side.socket.once('end', () => resolve())));
    expect(await owner.expect('ready')).toMatchObject({ available: true, connects: 2 });
    expect(conn.backoffMs).toBe(10);
  });

  it('after a good response on the same socket are still an error, and the back-off a response ended starts again at 10 ms', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 1);
    side.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    await owner.expect('response');
    await sendAndRead(conn, side, 2);
    side.socket.write('garbage\r\n\r\n');
    const e = await owner.expect('error');
    expect([e.intendedMs, e.error instanceof NotHttpError, e.backoffMs]).toEqual([2, true, 0]);
    await pause(30);
    expect(conn.backoffMs).toBe(10);
  });
});
