import { describe, it } from 'vitest';
import { expectAnswered, expectDeclined, response } from './helpers/whole-response-reference.js';

/** RFC 9112 §6.3: with a valid Content-Length, the body is exactly that many bytes; the read must end with it. */
const OK = 'HTTP/1.1 200 OK';

describe('whole-response fast path: the body and Content-Length', () => {
  it('answers a body of exactly Content-Length bytes, from 0 up', () => {
    for (const length of [0, 1, 2, 9, 10, 12, 19, 99, 100, 1000]) {
      expectAnswered(response(OK, [`Content-Length: ${length}`], 'b'.repeat(length)), 200);
    }
  });

  it('reads leading zeros as part of the decimal number', () => {
    expectAnswered(response(OK, ['Content-Length: 00'], ''), 200);
    expectAnswered(response(OK, ['Content-Length: 007'], 'seven!!'), 200);
  });

  it('declines a read one byte short of the body, or one byte past it', () => {
    for (const length of [0, 1, 2, 12]) {
      const whole = response(OK, [`Content-Length: ${length}`], 'b'.repeat(length));
      if (length > 0) expectDeclined(whole.subarray(0, whole.length - 1));
      expectDeclined(Buffer.concat([whole, Buffer.from('x')]));
    }
  });

  it('declines a read at every split point of a whole response', () => {
    const whole = response(OK, ['Content-Length: 5'], 'hello');
    for (let cut = 0; cut < whole.length; cut++) expectDeclined(whole.subarray(0, cut));
    expectAnswered(whole, 200);
  });

  it('declines two whole responses in one read (pipelined), and a response followed by the start of the next', () => {
    const one = response(OK, ['Content-Length: 2'], 'ok');
    expectDeclined(Buffer.concat([one, one]));
    expectDeclined(Buffer.concat([one, Buffer.from('HTTP/1.1 2')]));
    const empty = response(OK, ['Content-Length: 0']);
    expectDeclined(Buffer.concat([empty, empty]));
  });

  it('declines a response without Content-Length (its body runs to the close)', () => {
    expectDeclined(response(OK, []));
    expectDeclined(response(OK, [], 'x'));
    expectDeclined(response(OK, ['Server: s'], 'body'));
  });

  it('declines a Content-Length that is not a run of digits, whatever body follows', () => {
    // ':' and '/' are the bytes either side of the digits; an empty value; a sign; a non-digit after the digits.
    const cases: Array<[string, number]> = [
      ['', 0],
      ['', 1],
      [' ', 0],
      ['x', 1],
      ['+2', 2],
      ['-1', 0],
      ['1:', 20],
      ['1:', 2],
      ['2/', 19],
      ['2/', 2],
      ['/', 0],
      [':', 10],
      ['1 2', 12],
      ['0x10', 16],
    ];
    for (const [value, bodyLength] of cases) expectDeclined(response(OK, [`Content-Length: ${value}`], 'b'.repeat(bodyLength)));
  });

  it('declines a repeated Content-Length, even when the first is not a number', () => {
    expectDeclined(response(OK, ['Content-Length: 2', 'Content-Length: 2'], 'ok'));
    expectDeclined(response(OK, ['Content-Length: x', 'Content-Length: 2'], 'ok'));
    expectDeclined(response(OK, ['Content-Length: 0', 'Content-Length: 0']));
  });

  it('declines a Content-Length too long to be this read', () => {
    expectDeclined(response(OK, ['Content-Length: 18446744073709551616'], 'ok'));
  });

  it('answers reads up to 16 KiB and leaves longer ones to the general parser (which enforces its own limits)', () => {
    const head = (length: number): Buffer => response(OK, [`Content-Length: ${length}`]);
    const headBytes = head(16000).length;
    const exact = response(OK, ['Content-Length: ' + String(16 * 1024 - headBytes)], 'b'.repeat(16 * 1024 - headBytes));
    expectAnswered(exact, 200);
    const over = response(OK, ['Content-Length: ' + String(16 * 1024 + 1 - headBytes)], 'b'.repeat(16 * 1024 + 1 - headBytes));
    expectDeclined(over);
  });

  it('answers the smallest whole response there is', () => {
    expectAnswered(Buffer.from('HTTP/1.1 200\r\ncontent-length:0\r\n\r\n', 'latin1'), 200);
  });

  it('declines a chunked response, with or without Content-Length too', () => {
    expectDeclined(response(OK, ['Transfer-Encoding: chunked'], '2\r\nok\r\n0\r\n\r\n'));
    expectDeclined(response(OK, ['Transfer-Encoding: chunked', 'Content-Length: 15'], '2\r\nok\r\n0\r\n\r\n'));
    expectDeclined(response(OK, ['Content-Length: 15', 'Transfer-Encoding: chunked'], '2\r\nok\r\n0\r\n\r\n'));
    expectDeclined(response(OK, ['Transfer-Encoding: chunked', 'Content-Length: 0']));
  });
});
