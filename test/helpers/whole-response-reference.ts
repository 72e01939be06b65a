import { expect } from 'vitest';
import { HTTPParser } from '../../src/load/autocannon-internals.js';
import { CLOSE_FLAG, NOT_WHOLE, parseWholeResponse } from '../../src/load/whole-response.js';

/** One response read: a status line, field lines and a body joined with CRLF, as bytes (latin1: one char, one byte). */
export function response(statusLine: string, fields: readonly string[], body = ''): Buffer {
  return Buffer.from(`${[statusLine, ...fields].join('\r\n')}\r\n\r\n${body}`, 'latin1');
}

/** What http-parser-js (the engine's general parser, via autocannon) makes of one read on a fresh parser. */
export function httpParserReading(chunk: Buffer): { error: boolean; messages: { status: number; keepAlive: boolean }[]; atBoundary: boolean } {
  const P = HTTPParser as unknown as new (type: string) => { execute(b: Buffer): unknown; state: string; line: string; [k: number]: unknown };
  const p = new P(HTTPParser.RESPONSE);
  const messages: { status: number; keepAlive: boolean }[] = [];
  let head: { statusCode: number; shouldKeepAlive: boolean } | null = null;
  p[HTTPParser.kOnHeadersComplete] = (info: { statusCode: number; shouldKeepAlive: boolean }) => {
    head = info;
  };
  p[HTTPParser.kOnBody] = () => {};
  p[HTTPParser.kOnMessageComplete] = () => {
    messages.push({ status: head!.statusCode, keepAlive: head!.shouldKeepAlive });
  };
  const r = p.execute(chunk);
  return { error: r instanceof Error, messages, atBoundary: p.state === 'RESPONSE_LINE' && p.line === '' };
}

/**
 * The fast path answers `expected` (a status, with CLOSE_FLAG when the server asked to close) and http-parser-js reads
 * the same read as exactly that one whole message, ending on a message boundary.
 */
export function expectAnswered(chunk: Buffer, expected: number): void {
  const shown = JSON.stringify(chunk.toString('latin1'));
  expect(parseWholeResponse(chunk), shown).toBe(expected);
  const ref = httpParserReading(chunk);
  expect(ref.error, shown).toBe(false);
  expect(ref.messages, shown).toEqual([{ status: expected & ~CLOSE_FLAG, keepAlive: (expected & CLOSE_FLAG) === 0 }]);
  expect(ref.atBoundary, shown).toBe(true);
}

/** The fast path declines the read: it goes to http-parser-js unchanged. */
export function expectDeclined(chunk: Buffer): void {
  expect(parseWholeResponse(chunk), JSON.stringify(chunk.toString('latin1'))).toBe(NOT_WHOLE);
}
