import { describe, it } from 'vitest';
import { expectAnswered, expectDeclined, response } from './helpers/whole-response-reference.js';

/** RFC 9112 §5: field-line = field-name ":" OWS field-value OWS, each ending in CRLF; an empty line ends the section. */
const OK = 'HTTP/1.1 200 OK';
const raw = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('whole-response fast path: field lines', () => {
  it('matches the field names it acts on whatever their case', () => {
    for (const name of ['Content-Length', 'content-length', 'CONTENT-LENGTH', 'cOnTeNt-LeNgTh']) expectAnswered(response(OK, [`${name}: 2`], 'ok'), 200);
    for (const name of ['TRANSFER-ENCODING', 'Transfer-Encoding', 'transfer-encoding']) {
      expectDeclined(response(OK, [`${name}: chunked`, 'Content-Length: 5'], '0\r\n\r\n'));
    }
    for (const name of ['UPGRADE', 'Upgrade', 'upgrade']) expectDeclined(response(OK, [`${name}: h2c`, 'Content-Length: 2'], 'ok'));
  });

  it('leaves other fields alone, even those of the same length as a name it acts on or sharing its start', () => {
    // 14 letters like content-length, 10 like connection, 17 like transfer-encoding, 7 like upgrade.
    expectAnswered(response(OK, ['Content-Digest: 99', 'Content-Length: 2'], 'ok'), 200);
    expectAnswered(response(OK, ['Content-Lengthy: 9', 'Content-Length: 2'], 'ok'), 200);
    expectAnswered(response(OK, ['Content-Length: 2', 'Content-Len: 9'], 'ok'), 200);
    expectAnswered(response(OK, ['Set-Cookie: close', 'Connection: keep-alive', 'Content-Length: 2'], 'ok'), 200);
    expectAnswered(response(OK, ['X-Forwarded-Proto: http', 'Content-Length: 2'], 'ok'), 200);
    expectAnswered(response(OK, ['Expires: 0', 'Content-Length: 2'], 'ok'), 200);
    expectAnswered(response(OK, ['Transfer-Encodin: chunked', 'Upgrades: h2c', 'Content-Length: 2'], 'ok'), 200);
  });

  it('answers a typical server response with many fields', () => {
    expectAnswered(
      response(OK, ['Server: nginx/1.22.1', 'Date: Tue, 01 Dec 2026 18:28:25 GMT', 'Content-Type: text/plain', 'Content-Length: 2', 'Connection: keep-alive'], 'ok'),
      200,
    );
  });

  it('skips any spaces and tabs between the colon and the value, and after the value', () => {
    for (const value of ['2', ' 2', '  2', '\t2', ' \t 2', '2 ', '2\t', '2 \t ', '\t 2 \t']) expectAnswered(response(OK, [`Content-Length:${value}`], 'ok'), 200);
    expectAnswered(response(OK, ['X-Empty:', 'X-Blank: \t ', 'Content-Length: 2'], 'ok'), 200);
  });

  it('declines a field line with whitespace or a control line end in its name, or no name', () => {
    for (const line of ['Bad Name: x', 'Bad\tName: x', 'Content-Length : 2', 'X\r: y', 'X\n: y', ': x', ':', '\tX: y']) {
      expectDeclined(response(OK, [line, 'Content-Length: 2'], 'ok'));
    }
  });

  it('declines a field name or value holding a byte of 0x80 or above', () => {
    for (const high of ['\x80', '\xe3', '\xff']) {
      expectDeclined(response(OK, [`X-${high}: y`, 'Content-Length: 2'], 'ok'));
      expectDeclined(response(OK, ['Content-Length: 2', `X-Note: a${high}b`], 'ok'));
    }
  });

  it('declines obsolete line folding (a field line that starts with whitespace)', () => {
    expectDeclined(response(OK, ['X-A: 1', ' folded', 'Content-Length: 2'], 'ok'));
    expectDeclined(response(OK, ['X-A: 1', '\tfolded', 'Content-Length: 2'], 'ok'));
  });

  it('declines a field line with no colon', () => {
    expectDeclined(response(OK, ['X-No-Colon', 'Content-Length: 2'], 'ok'));
  });

  it('declines a field line that does not end in CRLF', () => {
    expectDeclined(raw('HTTP/1.1 200 OK\r\nX: a\rbContent-Length: 0\r\n\r\n'));
    expectDeclined(raw('HTTP/1.1 200 OK\r\nX: a\r\rContent-Length: 0\r\n\r\n'));
    expectDeclined(raw('HTTP/1.1 200 OK\r\nX: a\nb\r\nContent-Length: 0\r\n\r\n'));
    expectDeclined(raw('HTTP/1.1 200 OK\r\nX: a\n\nContent-Length: 0\r\n\r\n'));
    expectDeclined(raw('HTTP/1.1 200 OK\r\nX: a\x80\nContent-Length: 0\r\n\r\n'));
    expectDeclined(raw('HTTP/1.1 200 OK\r\nContent-Length: 0\nX: y\r\n\r\n'));
  });

  it('declines an empty line that is not CRLF', () => {
    expectDeclined(raw('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\rX'));
    expectDeclined(raw('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\r'));
    expectDeclined(raw('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n'));
    expectDeclined(raw('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\rXy'));
  });

  it('declines a read that stops anywhere inside the field section', () => {
    const whole = response(OK, ['Server: s', 'Content-Length: 2', 'Connection: keep-alive'], 'ok');
    const bodyStart = whole.length - 2;
    for (let cut = 'HTTP/1.1 200 OK\r\n'.length; cut < bodyStart; cut++) expectDeclined(whole.subarray(0, cut));
  });
});
