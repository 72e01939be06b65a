/**
 * A fast path for the common case of the engine's response parsing: one socket read that holds exactly one whole,
 * plain HTTP/1.1 response with a Content-Length body. It reads the status code and whether the server asked to close
 * the connection straight from the bytes, with no strings, arrays or closures per response (http-parser-js, which
 * autocannon uses, builds a string per line, runs a regular expression per header and allocates per message: about
 * 2 µs per response, a large share of what one engine thread spends per request).
 *
 * It only answers when its answer is the one http-parser-js would give (test/load-whole-response-matches-http-parser.test.ts
 * checks this against http-parser-js on many shapes); anything else returns NOT_WHOLE and the chunk goes to
 * http-parser-js unchanged: a response split over reads, several in one read, chunked or upgrade responses, 1xx/204/304,
 * HTTP/1.0, obsolete line folding, bare LF line ends, repeated Content-Length or Connection headers, bytes ≥ 0x80
 * before the body, or anything malformed. The rules followed are RFC 9112 §4 (status line), §5 (field lines), §6.3 (message body length) and
 * §9.3 (persistence: HTTP/1.1 keeps the connection unless `Connection` has the `close` option), as http-parser-js
 * 0.5 applies them (a `Connection` value *containing* "close", case-insensitively).
 */

/** The chunk is not exactly one whole plain response: hand it to the general parser. */
export const NOT_WHOLE = -1;
/** Set in the result when the response asked to close the connection (`Connection: close`). */
export const CLOSE_FLAG = 0x400;
/** Larger reads go to the general parser (which also enforces its header size limit). */
const MAX_WHOLE_BYTES = 16 * 1024;

const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;

const CONTENT_LENGTH = codes('content-length');
const CONNECTION = codes('connection');
const TRANSFER_ENCODING = codes('transfer-encoding');
const UPGRADE = codes('upgrade');
const CLOSE = codes('close');

function codes(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/** ASCII lower case of one byte (only A–Z change, as String.prototype.toLowerCase does for Latin-1 letters A–Z). */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function nameIs(b: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let k = 0; k < name.length; k++) if (lower(b[start + k]!) !== name[k]) return false;
  return true;
}

function containsLower(b: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  outer: for (let i = start; i + word.length <= end; i++) {
    for (let k = 0; k < word.length; k++) if (lower(b[i + k]!) !== word[k]) continue outer;
    return true;
  }
  return false;
}

/** A run of decimal digits as a number, or -1. (A long run loses precision, but can then never equal a read's size.) */
function digits(b: Uint8Array, start: number, end: number): number {
  if (end <= start) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Parses `b` if it is exactly one whole plain HTTP/1.1 response: returns its status code, with CLOSE_FLAG set when
 * the server asked to close the connection; otherwise NOT_WHOLE.
 */
export function parseWholeResponse(b: Uint8Array): number {
  const n = b.length;
  // "HTTP/1.1 " then three digits.
  if (n < 16 || n > MAX_WHOLE_BYTES) return NOT_WHOLE;
  if (b[0] !== 0x48 || b[1] !== 0x54 || b[2] !== 0x54 || b[3] !== 0x50 || b[4] !== 0x2f) return NOT_WHOLE;
  if (b[5] !== 0x31 || b[6] !== 0x2e || b[7] !== 0x31 || b[8] !== SP) return NOT_WHOLE;
  const d0 = b[9]! - 48;
  const d1 = b[10]! - 48;
  const d2 = b[11]! - 48;
  // 1xx (interim), 6xx–9xx: the general parser's business.
  if (d0 < 2 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return NOT_WHOLE;
  const status = d0 * 100 + d1 * 10 + d2;
  // 204 and 304 have no body whatever Content-Length says.
  if (status === 204 || status === 304) return NOT_WHOLE;
  // The reason phrase: anything up to CRLF. No byte ≥ 0x80 anywhere before the body: http-parser-js decodes lines
  // as Node's 'ascii', which drops the high bit (0xE3 reads as "c", 0x8A as a line feed), so its reading differs.
  let i = 12;
  while (i < n && b[i] !== CR && b[i] !== LF && b[i]! < 0x80) i++;
  if (i + 1 >= n || b[i] !== CR || b[i + 1] !== LF) return NOT_WHOLE;
  i += 2;

  let contentLength = -1;
  let close = false;
  let connectionSeen = false;
  for (;;) {
    // Stryker disable next-line ArithmeticOperator: `i - 1 >= n` is never true (i <= n), the same as no guard, and the guard only saves reads past the end (undefined, which the CR/LF tests below refuse too)
    if (i + 1 >= n) return NOT_WHOLE;
    if (b[i] === CR) {
      // The empty line ending the header section.
      if (b[i + 1] !== LF) return NOT_WHOLE;
      i += 2;
      break;
    }
    const nameStart = i;
    for (; i < n; i++) {
      const c = b[i]!;
      if (c === COLON) break;
      // Whitespace in a name or a leading one (obsolete folding), or a line with no colon.
      if (c === SP || c === HT || c === CR || c === LF || c >= 0x80) return NOT_WHOLE;
    }
    if (i >= n || i === nameStart) return NOT_WHOLE;
    const nameEnd = i++;
    while (i < n && (b[i] === SP || b[i] === HT)) i++;
    const valueStart = i;
    while (i < n && b[i] !== CR && b[i] !== LF && b[i]! < 0x80) i++;
    if (i + 1 >= n || b[i] !== CR || b[i + 1] !== LF) return NOT_WHOLE;
    let valueEnd = i;
    while (valueEnd > valueStart && (b[valueEnd - 1] === SP || b[valueEnd - 1] === HT)) valueEnd--;
    i += 2;
    if (nameIs(b, nameStart, nameEnd, CONTENT_LENGTH)) {
      if (contentLength !== -1) return NOT_WHOLE;
      contentLength = digits(b, valueStart, valueEnd);
      if (contentLength < 0) return NOT_WHOLE;
    } else if (nameIs(b, nameStart, nameEnd, CONNECTION)) {
      if (connectionSeen) return NOT_WHOLE;
      connectionSeen = true;
      close = containsLower(b, valueStart, valueEnd, CLOSE);
    } else if (nameIs(b, nameStart, nameEnd, TRANSFER_ENCODING) || nameIs(b, nameStart, nameEnd, UPGRADE)) {
      return NOT_WHOLE;
    }
  }
  // Exactly the body, nothing after it.
  if (contentLength < 0 || i + contentLength !== n) return NOT_WHOLE;
  return close ? status | CLOSE_FLAG : status;
}
