import { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { OK_2, open, openReady, pause, scriptedServerEachTest, sendAndRead } from './helpers/paced-connection-harness.js';

// One paced connection against a loopback server the test scripts byte by byte: what the connection says about
// itself (ready, busy, available) at each point of a request's life, and what it hands its owner.
const { server, connections } = scriptedServerEachTest();

describe('a paced connection, request by request', () => {
  it('is neither ready nor available until its socket connects, then is available and idle', async () => {
    const { conn, owner } = open(server.url, connections);
    expect([conn.ready, conn.available, conn.busy, conn.closing]).toEqual([false, false, false, false]);
    const ready = await owner.expect('ready');
    expect(ready).toEqual({ kind: 'ready', available: true, busy: false, connects: 1 });
    expect([conn.ready, conn.available, conn.busy]).toEqual([true, true, false]);
  });

  it('never sends on its own: nothing reaches the server until the owner calls send', async () => {
    const { owner } = open(server.url, connections);
    await owner.expect('ready');
    const side = await server.nextSocket();
    let got = false;
    void side.nextRequest().then(() => (got = true));
    await pause(50);
    expect(got).toBe(false);
    expect(owner.unread()).toEqual([]);
  });

  it('writes the GET request of its URL, is busy until answered, then hands back status, intended and sent instants', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    const before = performance.now();
    conn.send(1234.5);
    const after = performance.now();
    expect([conn.busy, conn.available]).toEqual([true, false]);
    const request = await side.nextRequest();
    expect(request).toMatch(/^GET \/probe\?x=1 HTTP\/1\.1\r\n/);
    expect(request).toMatch(/\r\nHost: 127\.0\.0\.1:\d+\r\n/i);
    side.socket.write('HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok');
    const r = await owner.expect('response');
    expect(r).toMatchObject({ status: 201, intendedMs: 1234.5, available: true, busy: false });
    expect(r.sentMs).toBeGreaterThanOrEqual(before);
    expect(r.sentMs).toBeLessThanOrEqual(after);
    expect(r.nowMs).toBeGreaterThanOrEqual(r.sentMs);
    expect(r.nowMs).toBeLessThanOrEqual(performance.now());
    expect([conn.busy, conn.available]).toEqual([false, true]);
  });

  it('answers requests intended at the first instants of the clock (0 and 1 ms) like any other', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    for (const intended of [0, 1]) {
      conn.send(intended);
      expect(conn.busy).toBe(true);
      await side.nextRequest();
      side.socket.write(OK_2);
      expect(await owner.expect('response')).toMatchObject({ status: 200, intendedMs: intended });
      expect(conn.busy).toBe(false);
    }
  });

  it('ignores a response nobody asked for: no response reaches the owner and the connection stays available', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    side.socket.write(OK_2);
    await pause(50);
    expect(owner.unread()).toEqual([]);
    expect([conn.available, conn.busy]).toEqual([true, false]);
    // The next request is answered on its own, not by the stray response.
    await sendAndRead(conn, side, 7);
    side.socket.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    expect(await owner.expect('response')).toMatchObject({ status: 404, intendedMs: 7 });
  });

  it('counts every byte it reads, stray responses included', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    side.socket.write(OK_2);
    await pause(30);
    await sendAndRead(conn, side, 1);
    side.socket.write('HTTP/1.1 204 No Content\r\n\r\n');
    await owner.expect('response');
    expect(conn.bytesReceived).toBe(OK_2.length + 'HTTP/1.1 204 No Content\r\n\r\n'.length);
  });

  it('is no longer available once destroyed, and a destroyed connection does not reconnect', async () => {
    const { conn, owner } = open(server.url, connections);
    await owner.expect('ready');
    conn.destroy();
    expect(conn.destroyed).toBe(true);
    expect(conn.ready).toBe(true);
    expect(conn.available).toBe(false);
    conn.abandon();
    await pause(50);
    expect(server.accepted).toBe(1);
    expect(owner.unread()).toEqual([]);
  });

  it('turns off Nagle on its socket, so a request is written at once', async () => {
    const noDelay = vi.spyOn(Socket.prototype, 'setNoDelay');
    const { owner } = open(server.url, connections);
    await owner.expect('ready');
    // The server's own socket calls it too (the harness), also with true: every call was with true.
    expect(noDelay).toHaveBeenCalled();
    expect(noDelay.mock.calls.every((c) => c[0] === true)).toBe(true);
  });
});
