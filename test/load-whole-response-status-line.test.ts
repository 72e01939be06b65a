import { describe, expect, it } from 'vitest';
import { CLOSE_FLAG, NOT_WHOLE } from '../src/load/whole-response.js';
import { expectAnswered, expectDeclined, response } from './helpers/whole-response-reference.js';

/** RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ], ending in CRLF. */
const EMPTY = ['Content-Length: 0'];

describe('whole-response fast path: the status line', () => {
  it('exports its two markers as fixed values the engine tests against', () => {
    expect(NOT_WHOLE).toBe(-1);
    expect(CLOSE_FLAG).toBe(0x400);
  });

  it('reads every three-digit status from 200 to 599 as its number', () => {
    for (const status of [200, 201, 209, 210, 234, 290, 299, 301, 307, 399, 400, 404, 418, 429, 490, 500, 503, 509, 590, 599]) {
      expectAnswered(response(`HTTP/1.1 ${status} X`, EMPTY), status);
    }
  });

  it('declines 1xx interim and 6xx–9xx status codes', () => {
    for (const status of [100, 101, 199, 600, 699, 700, 999]) expectDeclined(response(`HTTP/1.1 ${status} X`, EMPTY));
  });

  it('declines 204 and 304, which have no body whatever Content-Length says, but answers 205 and 305', () => {
    expectDeclined(response('HTTP/1.1 204 No Content', EMPTY));
    expectDeclined(response('HTTP/1.1 304 Not Modified', EMPTY));
    expectAnswered(response('HTTP/1.1 205 Reset Content', EMPTY), 205);
    expectAnswered(response('HTTP/1.1 305 Use Proxy', EMPTY), 305);
    expectAnswered(response('HTTP/1.1 203 X', EMPTY), 203);
  });

  it('declines a status code with a byte just outside 0–9 in any of its three places', () => {
    // '/' is the byte before '0' and ':' the one after '9'.
    for (const code of ['/00', ':00', '2/0', '2:0', '20/', '20:', '1:0', '6/0', '2 0', '20 ', 'x00']) {
      expectDeclined(response(`HTTP/1.1 ${code} X`, EMPTY));
    }
  });

  it('declines a version other than exactly "HTTP/1.1 ", byte by byte', () => {
    const prefix = 'HTTP/1.1 ';
    for (let at = 0; at < prefix.length; at++) {
      for (const other of ['X', 'h', '0', '\t']) {
        const version = prefix.slice(0, at) + other + prefix.slice(at + 1);
        if (version === prefix) continue;
        expectDeclined(response(`${version}200 OK`, EMPTY));
      }
    }
    expectDeclined(response('HTTP/1.0 200 OK', EMPTY));
    expectDeclined(response('HTTP/2.0 200 OK', EMPTY));
    expectDeclined(response('HTTP/1.2 200 OK', EMPTY));
    expectDeclined(response('http/1.1 200 OK', EMPTY));
  });

  it('answers an empty reason phrase, with or without the space before it, and any ASCII reason', () => {
    expectAnswered(response('HTTP/1.1 200', EMPTY), 200);
    expectAnswered(response('HTTP/1.1 200 ', EMPTY), 200);
    expectAnswered(response('HTTP/1.1 200 OK', EMPTY), 200);
    expectAnswered(response('HTTP/1.1 404 Not: Found\t(really) ~\x7f', EMPTY), 404);
  });

  it('declines a reason phrase holding a byte of 0x80 or above (http-parser-js reads those as other characters)', () => {
    for (const high of ['\x80', '\xe3', '\xff']) expectDeclined(response(`HTTP/1.1 200 O${high}K`, EMPTY));
  });

  it('declines a status line that does not end in CRLF', () => {
    // A bare LF, a bare CR, CR followed by something else, an LF or a high byte where the CR should be.
    expectDeclined(Buffer.from('HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n', 'latin1'));
    expectDeclined(Buffer.from('HTTP/1.1 200 OK\nX: y\r\nContent-Length: 0\r\n\r\n', 'latin1'));
    expectDeclined(Buffer.from('HTTP/1.1 200 OK\n\nContent-Length: 0\r\n\r\n', 'latin1'));
    expectDeclined(Buffer.from('HTTP/1.1 200 OK\x80\nContent-Length: 0\r\n\r\n', 'latin1'));
    expectDeclined(Buffer.from('HTTP/1.1 200 OK\rXContent-Length: 0\r\n\r\n', 'latin1'));
    expectDeclined(Buffer.from('HTTP/1.1 200 OK\r\rContent-Length: 0\r\n\r\n', 'latin1'));
  });

  it('declines a read that stops inside the status line, at every split point', () => {
    const whole = response('HTTP/1.1 200 OK', EMPTY);
    const statusLineEnd = 'HTTP/1.1 200 OK\r\n'.length;
    for (let cut = 0; cut <= statusLineEnd; cut++) expectDeclined(whole.subarray(0, cut));
  });

  it('declines a read whose status line runs to the end of the read', () => {
    expectDeclined(Buffer.from('HTTP/1.1 200 A long reason phrase with no end', 'latin1'));
    expectDeclined(Buffer.from('HTTP/1.1 200 A long reason phrase ending in CR\r', 'latin1'));
  });
});
