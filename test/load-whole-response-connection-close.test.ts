import { describe, it } from 'vitest';
import { CLOSE_FLAG } from '../src/load/whole-response.js';
import { expectAnswered, expectDeclined, response } from './helpers/whole-response-reference.js';

/**
 * RFC 9112 §9.3: an HTTP/1.1 connection persists unless `Connection` has the `close` option; http-parser-js 0.5 looks for
 * "close" anywhere in the value, case-insensitively, and so does the fast path.
 */
const OK = 'HTTP/1.1 200 OK';
const body = (connection: string | null): Buffer =>
  response(OK, connection === null ? ['Content-Length: 2'] : ['Content-Length: 2', `Connection: ${connection}`], 'ok');

describe('whole-response fast path: Connection: close', () => {
  it('keeps the connection when there is no Connection field', () => {
    expectAnswered(body(null), 200);
    expectAnswered(response('HTTP/1.1 503 Service Unavailable', ['content-length: 0']), 503);
  });

  it('sets the close flag for "close" in any case, alone or among other options, at either end of the value', () => {
    for (const value of ['close', 'Close', 'CLOSE', 'cLoSe', 'keep-alive, close', 'close, keep-alive', 'Keep-Alive, CLOSE \t', 'upgrade,close', 'xclosex']) {
      expectAnswered(body(value), 200 | CLOSE_FLAG);
    }
    expectAnswered(response('HTTP/1.1 404 Not Found', ['Connection: close', 'Content-Length: 0']), 404 | CLOSE_FLAG);
  });

  it('keeps the connection for values that only come near "close"', () => {
    for (const value of ['keep-alive', 'Keep-Alive', 'clos', 'lose', 'clo se', 'CLOS', 'esolc', 'c', '', 'keep-alive, clos']) {
      expectAnswered(body(value), 200);
    }
  });

  it('reads "close" only in the Connection value, not in the fields around it or in the body', () => {
    expectAnswered(response(OK, ['Connection: keep-alive', 'X-Note: close', 'Content-Length: 2'], 'ok'), 200);
    expectAnswered(response(OK, ['Connection: clo', 'Xse: 1', 'Content-Length: 2'], 'ok'), 200);
    expectAnswered(response(OK, ['X-Note: close', 'Connection: keep-alive', 'Content-Length: 5'], 'close'), 200);
    expectAnswered(response(OK, ['Content-Length: 5', 'Connection: '], 'close'), 200);
    expectAnswered(response(OK, ['Keep-Alive: close', 'Content-Length: 2'], 'ok'), 200);
  });

  it('declines a repeated Connection field, however its values would combine', () => {
    expectDeclined(response(OK, ['Content-Length: 2', 'Connection: clo', 'Connection: se'], 'ok'));
    expectDeclined(response(OK, ['Connection: close', 'Connection: keep-alive', 'Content-Length: 2'], 'ok'));
    expectDeclined(response(OK, ['Connection: keep-alive', 'connection: keep-alive', 'Content-Length: 2'], 'ok'));
  });

  it('declines an upgrade response (the connection then speaks another protocol)', () => {
    expectDeclined(response(OK, ['Upgrade: websocket', 'Connection: upgrade', 'Content-Length: 0']));
    expectDeclined(response(OK, ['Connection: upgrade', 'Content-Length: 2', 'Upgrade: h2c'], 'ok'));
  });

  it('sets the close flag on every answered status, not only 200', () => {
    for (const status of [201, 302, 429, 500, 599]) expectAnswered(response(`HTTP/1.1 ${status} X`, ['Connection: close', 'Content-Length: 0']), status | CLOSE_FLAG);
  });
});
