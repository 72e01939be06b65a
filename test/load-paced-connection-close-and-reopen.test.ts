import { describe, expect, it } from 'vitest';
import { OK_2, open, openReady, pause, scriptedServerEachTest, sendAndRead } from './helpers/paced-connection-harness.js';

// Which closes a paced connection follows with a new socket, and what happens to the request in flight: answered
// and closed (Connection: close), dropped by the server, given up by the owner, or no request at all.
const { server, connections } = scriptedServerEachTest();

const CLOSE_2 = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok';

describe('Connection: close', () => {
  it('answers the request, is not available in the meantime, then closes and reconnects on its own although the server keeps the socket open', async () => {
    const { conn, owner, side: first } = await openReady(server, connections);
    await sendAndRead(conn, first, 10);
    first.socket.write(CLOSE_2);
    // The owner sees the response while the connection is closing: nothing more may be written on it.
    expect(await owner.expect('response')).toMatchObject({ status: 200, intendedMs: 10, available: false, busy: false });
    const second = await server.nextSocket();
    expect(await owner.expect('ready')).toEqual({ kind: 'ready', available: true, busy: false, connects: 2 });
    expect(conn.closing).toBe(false);
    // The old socket was closed by the client: the server reads its end.
    await new Promise<void>((resolve) => (first.socket.readableEnded ? resolve() : first.socket.once('end', () => resolve())));
    await sendAndRead(conn, second, 11);
    second.socket.write(OK_2);
    expect(await owner.expect('response')).toMatchObject({ status: 200, intendedMs: 11, available: true });
    expect(owner.unread()).toEqual([]);
  });

  it('is read from a response split over two reads too (the general parser)', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 5);
    side.socket.write('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n');
    await pause(30);
    side.socket.write('Content-Length: 0\r\n\r\n');
    expect(await owner.expect('response')).toMatchObject({ status: 503, intendedMs: 5, available: false });
    expect(await owner.expect('ready')).toMatchObject({ available: true, connects: 2 });
  });

  it('a keep-alive response leaves the socket open: no reconnect', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    for (const intended of [1, 2]) {
      await sendAndRead(conn, side, intended);
      side.socket.write(OK_2);
      expect(await owner.expect('response')).toMatchObject({ intendedMs: intended, available: true });
    }
    await pause(50);
    expect(owner.unread()).toEqual([]);
    expect(server.accepted).toBe(1);
    expect(conn.connects).toBe(1);
  });
});

describe('the server closes the socket', () => {
  it('with no request in flight: reconnects at once, with no error, no back-off and nothing handed back', async () => {
    const { conn, owner, side: first } = await openReady(server, connections);
    first.socket.end();
    expect(await owner.expect('ready')).toEqual({ kind: 'ready', available: true, busy: false, connects: 2 });
    expect([conn.backoffMs, conn.backoffTimer, conn.lastError]).toEqual([0, null, null]);
    expect(owner.unread()).toEqual([]);
  });

  it('after answering one request and reading the next: hands that request back as dropped, with its intended instant, then reconnects', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 100);
    side.socket.write(OK_2);
    await owner.expect('response');
    await sendAndRead(conn, side, 200);
    side.socket.end();
    expect(await owner.expect('dropped')).toEqual({ kind: 'dropped', intendedMs: 200, busy: false });
    expect(await owner.expect('ready')).toMatchObject({ available: true, connects: 2 });
    expect(conn.backoffMs).toBe(0);
  });
});

describe('abandon (the owner timed the request out)', () => {
  it('drops the socket and reconnects, is idle and not available until the new socket connects, and hands nothing back', async () => {
    const { conn, owner, side: first } = await openReady(server, connections);
    await sendAndRead(conn, first, 42);
    conn.abandon();
    expect([conn.busy, conn.ready, conn.available]).toEqual([false, false, false]);
    const second = await server.nextSocket();
    expect(await owner.expect('ready')).toEqual({ kind: 'ready', available: true, busy: false, connects: 2 });
    // A late answer on the abandoned socket reaches nobody.
    first.socket.write(OK_2);
    await sendAndRead(conn, second, 43);
    second.socket.write('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
    expect(await owner.expect('response')).toMatchObject({ status: 202, intendedMs: 43 });
    await pause(30);
    expect(owner.unread()).toEqual([]);
  });
});
