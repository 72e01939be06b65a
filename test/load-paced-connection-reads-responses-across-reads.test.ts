import { describe, expect, it, vi } from 'vitest';
import { HTTPParser } from '../src/load/autocannon-internals.js';
import { NotHttpError } from '../src/load/connection-errors.js';
import { openReady, pause, scriptedServerEachTest, sendAndRead, type ServerSide } from './helpers/paced-connection-harness.js';

// A paced connection reads a read that holds exactly one whole plain response itself (whole-response.ts) and leaves
// everything else to http-parser-js. Which reader a read goes to must depend on where the parser stands: only at a
// message boundary may a read be taken as a new response. The server here writes a response in pieces, a pause
// apart, so that each piece arrives as a read of its own.
const { server, connections } = scriptedServerEachTest();

/** http-parser-js's parser class as the connection gets it: its `execute` is what the general path calls. */
const parserPrototype = (HTTPParser as unknown as { prototype: { execute: (b: Buffer) => unknown } }).prototype;

async function writeInPieces(side: ServerSide, pieces: string[]): Promise<void> {
  for (const [i, piece] of pieces.entries()) {
    if (i > 0) await pause(40);
    side.socket.write(piece);
  }
}

describe('a paced connection reading responses', () => {
  it('reads a read holding one whole plain response without http-parser-js, with its status and keep-alive', async () => {
    const execute = vi.spyOn(parserPrototype, 'execute');
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 1);
    side.socket.write('HTTP/1.1 418 I am a teapot\r\nContent-Length: 3\r\n\r\ntea');
    expect(await owner.expect('response')).toMatchObject({ status: 418, intendedMs: 1, available: true });
    expect(execute).not.toHaveBeenCalled();
  });

  it('hands a read that is not one whole response to http-parser-js', async () => {
    const execute = vi.spyOn(parserPrototype, 'execute');
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 1);
    side.socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n');
    expect(await owner.expect('response')).toMatchObject({ status: 200, intendedMs: 1, available: true });
    expect(execute).toHaveBeenCalled();
  });

  it('reads a response whose status line is split over two reads', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 3);
    await writeInPieces(side, ['HTTP/1.1 2', '06 Partial Content\r\nContent-Length: 2\r\n\r\nok']);
    expect(await owner.expect('response')).toMatchObject({ status: 206, intendedMs: 3 });
  });

  it('takes a body that looks like a response as the body it is, not as a second response', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    const inner = 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n';
    await sendAndRead(conn, side, 4);
    await writeInPieces(side, [`HTTP/1.1 200 OK\r\nContent-Length: ${inner.length}\r\n\r\n`, inner]);
    expect(await owner.expect('response')).toMatchObject({ status: 200, intendedMs: 4, available: true });
    await pause(30);
    expect(owner.unread()).toEqual([]);
  });

  it('takes a whole response read after a stray byte as the rest of a bad status line: not HTTP', async () => {
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 5);
    await writeInPieces(side, ['X', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
    const e = await owner.expect('error');
    expect(e.intendedMs).toBe(5);
    expect(e.error).toBeInstanceOf(NotHttpError);
    expect((e.error as Error & { parseCode?: string }).parseCode).toBe('HPE_INVALID_CONSTANT');
  });

  it('reads the next whole response on its own once the previous one, read in pieces, is complete', async () => {
    const execute = vi.spyOn(parserPrototype, 'execute');
    const { conn, owner, side } = await openReady(server, connections);
    await sendAndRead(conn, side, 6);
    await writeInPieces(side, ['HTTP/1.1 200 OK\r\nContent-Le', 'ngth: 2\r\n\r\nok']);
    expect(await owner.expect('response')).toMatchObject({ status: 200, intendedMs: 6 });
    const afterPieces = execute.mock.calls.length;
    await sendAndRead(conn, side, 7);
    side.socket.write('HTTP/1.1 304 Not Modified\r\n\r\n');
    expect(await owner.expect('response')).toMatchObject({ status: 304, intendedMs: 7 });
    // 304 has no body by definition: the general parser reads it.
    expect(execute).toHaveBeenCalledTimes(afterPieces + 1);
    await sendAndRead(conn, side, 8);
    side.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect(await owner.expect('response')).toMatchObject({ status: 200, intendedMs: 8 });
    // The last one is whole and plain, and the parser stands at a message boundary again.
    expect(execute).toHaveBeenCalledTimes(afterPieces + 1);
  });
});
