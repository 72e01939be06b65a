import { describe, expect, it } from 'vitest';
import { CLOSE_FLAG, NOT_WHOLE, parseWholeResponse } from '../src/load/whole-response.js';
import { createRandom } from '../src/analysis/random.js';
import { httpParserReading } from './helpers/whole-response-reference.js';

/** The fast path's answer must be http-parser-js's: exactly one message, same status, same keep-alive. */
function expectAgrees(chunk: Buffer): number {
  const fast = parseWholeResponse(chunk);
  if (fast === NOT_WHOLE) return fast;
  const ref = httpParserReading(chunk);
  const shown = JSON.stringify(chunk.toString('latin1'));
  expect(ref.error, shown).toBe(false);
  expect(ref.messages, shown).toEqual([{ status: fast & ~CLOSE_FLAG, keepAlive: (fast & CLOSE_FLAG) === 0 }]);
  expect(ref.atBoundary, shown).toBe(true);
  return fast;
}

const crlf = (lines: string[], body = ''): Buffer => Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'latin1');

const NGINX = crlf(
  ['HTTP/1.1 200 OK', 'Server: nginx/1.22.1', 'Date: Tue, 01 Dec 2026 18:28:25 GMT', 'Content-Type: text/plain', 'Content-Length: 2', 'Connection: keep-alive'],
  'ok',
);

describe('whole-response fast path', () => {
  it("reads a typical server's whole response (status, keep-alive) without the general parser", () => {
    expect(expectAgrees(NGINX)).toBe(200);
    expect(expectAgrees(crlf(['HTTP/1.1 503 Service Unavailable', 'content-length: 0']))).toBe(503);
    expect(expectAgrees(crlf(['HTTP/1.1 200 OK', 'Content-Length: 5', 'Connection: close'], 'hello'))).toBe(200 | CLOSE_FLAG);
    expect(expectAgrees(crlf(['HTTP/1.1 404 Not Found', 'CONNECTION:  Keep-Alive, CLOSE \t', 'Content-Length:\t3 '], 'abc'))).toBe(404 | CLOSE_FLAG);
  });

  it('declines what it cannot answer exactly as http-parser-js would, leaving it to the general parser', () => {
    const declined = [
      NGINX.subarray(0, NGINX.length - 1), // body not all here
      Buffer.concat([NGINX, NGINX]), // two responses in one read
      NGINX.subarray(0, 40), // split inside the headers
      crlf(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked'], '2\r\nok\r\n0\r\n\r\n'),
      crlf(['HTTP/1.1 200 OK']), // no length: body runs to the close
      crlf(['HTTP/1.0 200 OK', 'Content-Length: 0']),
      crlf(['HTTP/1.1 100 Continue']),
      crlf(['HTTP/1.1 204 No Content', 'Content-Length: 0']),
      crlf(['HTTP/1.1 304 Not Modified', 'Content-Length: 0']),
      crlf(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: upgrade', 'Content-Length: 0']),
      crlf(['HTTP/1.1 200 OK', 'Content-Length: 2', 'Content-Length: 2'], 'ok'),
      crlf(['HTTP/1.1 200 OK', 'Content-Length: 2', 'Connection: clo', 'Connection: se'], 'ok'),
      crlf(['HTTP/1.1 200 OK', 'Content-Length: +2'], 'ok'),
      crlf(['HTTP/1.1 200 OK', 'X-A: 1', ' folded', 'Content-Length: 2'], 'ok'),
      Buffer.from('HTTP/1.1 200 OK\nContent-Length: 2\n\nok'), // bare LF
      Buffer.from('\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
      crlf(['HTTP/1.1 200 OK', '\xe3ontent-length: 2', 'Content-Length: 2'], 'ok'), // reads as a duplicate in 'ascii'
      crlf(['HTTP/1.1 200 OK', 'Content-Length: 2', 'Connection: \xe3lose'], 'ok'),
      crlf(['HTTP/1.1 200 OK', 'Bad Name: x', 'Content-Length: 2'], 'ok'),
      crlf(['HTTP/1.1 200 OK', 'Content-Length: 2', 'X: a\rb'], 'ok'),
      Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian\r\n'),
    ];
    for (const b of declined) expect(parseWholeResponse(b), JSON.stringify(b.toString('latin1'))).toBe(NOT_WHOLE);
  });

  it('agrees with http-parser-js on 20 000 generated reads, and answers a fair share of them itself', () => {
    const rnd = createRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const names = ['Content-Length', 'content-length', 'CONTENT-LENGTH', 'Connection', 'connection', 'Transfer-Encoding', 'Upgrade', 'Server', 'X-Mesh', 'Content-Type', 'Keep-Alive'];
    const values = ['close', 'Close', 'keep-alive', 'Keep-Alive, close', 'upgrade', 'chunked', '0', '2', '5', '12', ' 2 ', '\t2', 'abc', '', 'x\xe3', '18446744073709551616'];
    const statusLines = ['HTTP/1.1 200 OK', 'HTTP/1.1 200', 'HTTP/1.1 200 ', 'HTTP/1.1 301 Moved', 'HTTP/1.1 599 X', 'HTTP/1.1 600 X', 'HTTP/1.0 200 OK', 'HTTP/1.1 20 OK', 'HTTP/1.1 2000 OK', 'HTTP/1.1 204 No Content', 'HTTP/2 200'];
    const seps = ['\r\n', '\r\n', '\r\n', '\n', '\r'];
    let answered = 0;
    for (let i = 0; i < 20_000; i++) {
      const sep = rnd() < 0.1 ? pick(seps) : '\r\n';
      const lines = [pick(statusLines)];
      const headers = Math.floor(rnd() * 5);
      for (let h = 0; h < headers; h++) lines.push(`${pick(names)}:${rnd() < 0.5 ? ' ' : ''}${pick(values)}`);
      const bodyLen = pick([0, 1, 2, 5, 12]);
      if (rnd() < 0.7) lines.push(`Content-Length: ${bodyLen + (rnd() < 0.1 ? 1 : 0)}`);
      let text = `${lines.join(sep)}${sep}${sep}${'b'.repeat(bodyLen)}`;
      if (rnd() < 0.05) text = text.slice(0, Math.floor(rnd() * text.length));
      if (expectAgrees(Buffer.from(text, 'latin1')) !== NOT_WHOLE) answered++;
    }
    // Not a vacuous agreement: the fast path takes a good share of the generated reads.
    expect(answered).toBeGreaterThan(2000);
  });
});
