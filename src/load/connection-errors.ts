/**
 * Connection failures in words. A user who points `bench load` at the wrong port, at a plain server with https://,
 * or at something that is not an HTTP server must read which of these it was, not "socket errors".
 *
 * The codes are Node's (https://nodejs.org/api/errors.html#common-system-errors: ECONNREFUSED, ECONNRESET, EPIPE,
 * ETIMEDOUT; DNS: https://nodejs.org/api/dns.html#error-codes, ENOTFOUND, EAI_AGAIN) and OpenSSL's, as Node reports
 * them on a TLS socket (`ERR_SSL_*` codes, e.g. ERR_SSL_WRONG_VERSION_NUMBER when the peer does not speak TLS).
 * Parse failures come from http-parser-js, autocannon's parser, as `HPE_*` codes.
 */
export type ConnectionErrorKind = 'refused' | 'reset' | 'dns' | 'tls' | 'not-http' | 'closed' | 'unreachable' | 'other';

export interface NamedConnectionError {
  kind: ConnectionErrorKind;
  /** One phrase a user can act on, e.g. "connection refused by 127.0.0.1:1 (nothing listening there?)". */
  message: string;
}

/** Raised by the connection itself when what came back cannot be an HTTP/1.1 response. */
export class NotHttpError extends Error {
  readonly code = 'NOT_HTTP';
}

/** The server closed a fresh connection without answering the request written on it. */
export class ClosedBeforeResponseError extends Error {
  readonly code = 'CLOSED_BEFORE_RESPONSE';
}

function codeOf(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

export function nameConnectionError(error: Error, target: { hostname: string; port: number; protocol: string }): NamedConnectionError {
  const code = codeOf(error);
  const where = `${target.hostname}:${target.port}`;
  const tail = code ? ` (${code})` : '';
  if (code === 'ECONNREFUSED') return { kind: 'refused', message: `connection refused by ${where}: nothing is listening there${tail}` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return { kind: 'dns', message: `DNS lookup of ${target.hostname} failed${tail}` };
  }
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || /SSL|TLS/i.test(error.message)) {
    const plain = code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|unknown protocol/i.test(error.message);
    return {
      kind: 'tls',
      message:
        `TLS handshake with ${where} failed` +
        (plain ? ': the server does not speak TLS (an https:// URL to a plain HTTP server?)' : `: ${firstLine(error.message)}`) +
        tail,
    };
  }
  if (error instanceof NotHttpError || code.startsWith('HPE_')) {
    return {
      kind: 'not-http',
      message:
        `not HTTP: ${where} answered with something that is not an HTTP/1.1 response` +
        (target.protocol === 'http:' ? ' (a TLS server, or another protocol, behind an http:// URL?)' : '') +
        (code && code !== 'NOT_HTTP' ? tail : ''),
    };
  }
  if (error instanceof ClosedBeforeResponseError) {
    return { kind: 'closed', message: `${where} closed the connection without answering the request written on it` };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return { kind: 'reset', message: `connection reset by ${where}${tail}` };
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') {
    return { kind: 'unreachable', message: `cannot reach ${where}${tail}` };
  }
  return { kind: 'other', message: `connection to ${where} failed: ${firstLine(error.message) || code || 'unknown error'}` };
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return (end < 0 ? text : text.slice(0, end)).trim();
}
