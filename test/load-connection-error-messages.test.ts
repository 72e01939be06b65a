import { describe, expect, it } from 'vitest';
import { ClosedBeforeResponseError, NotHttpError, nameConnectionError } from '../src/load/connection-errors.js';

/**
 * Every failure a connection can report, named in one line a user can act on. Codes as Node reports them
 * (https://nodejs.org/api/errors.html#common-system-errors, https://nodejs.org/api/dns.html#error-codes), OpenSSL's
 * `ERR_SSL_*` on a TLS socket, and http-parser-js's `HPE_*`.
 */
const http = { hostname: 'svc.example', port: 8080, protocol: 'http:' };
const https = { hostname: 'svc.example', port: 8443, protocol: 'https:' };
const coded = (code: unknown, message = `connect ${String(code)} 10.0.0.1:8080`): Error => Object.assign(new Error(message), { code });

describe('nameConnectionError: exact kind and message per code', () => {
  it('names a refused connection: nothing is listening', () => {
    expect(nameConnectionError(coded('ECONNREFUSED'), http)).toEqual({
      kind: 'refused',
      message: 'connection refused by svc.example:8080: nothing is listening there (ECONNREFUSED)',
    });
  });

  it.each(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL'])('names %s as a failed DNS lookup of the host alone', (code) => {
    expect(nameConnectionError(coded(code), http)).toEqual({ kind: 'dns', message: `DNS lookup of svc.example failed (${code})` });
  });

  it.each(['ECONNRESET', 'EPIPE'])('names %s as a reset by the peer', (code) => {
    expect(nameConnectionError(coded(code), http)).toEqual({ kind: 'reset', message: `connection reset by svc.example:8080 (${code})` });
  });

  it.each(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])('names %s as an unreachable target', (code) => {
    expect(nameConnectionError(coded(code), http)).toEqual({ kind: 'unreachable', message: `cannot reach svc.example:8080 (${code})` });
  });

  it('names an https:// URL to a plain server: the peer does not speak TLS', () => {
    const plain = 'TLS handshake with svc.example:8443 failed: the server does not speak TLS (an https:// URL to a plain HTTP server?)';
    expect(nameConnectionError(coded('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl3_get_record:wrong version number'), https)).toEqual({
      kind: 'tls',
      message: `${plain} (ERR_SSL_WRONG_VERSION_NUMBER)`,
    });
    // The code alone is enough, whatever the message says.
    expect(nameConnectionError(coded('ERR_SSL_WRONG_VERSION_NUMBER', 'handshake failed'), https).message).toBe(`${plain} (ERR_SSL_WRONG_VERSION_NUMBER)`);
    // So are OpenSSL's words for it, under any code and in any case.
    for (const words of ['wrong version number', 'packet length too long', 'unknown protocol', 'SSL routines: WRONG VERSION NUMBER']) {
      expect(nameConnectionError(coded('EPROTO', `write EPROTO ${words}`), https).message, words).toBe(`${plain} (EPROTO)`);
      expect(nameConnectionError(coded('ERR_SSL_PACKET_LENGTH_TOO_LONG', words), https).message, words).toBe(`${plain} (ERR_SSL_PACKET_LENGTH_TOO_LONG)`);
    }
  });

  it('names any other TLS failure with the first line of what OpenSSL said', () => {
    expect(nameConnectionError(coded('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', '  tlsv1 alert unknown ca  \nSSL alert number 48\n'), https)).toEqual({
      kind: 'tls',
      message: 'TLS handshake with svc.example:8443 failed: tlsv1 alert unknown ca (ERR_SSL_TLSV1_ALERT_UNKNOWN_CA)',
    });
    expect(nameConnectionError(coded('EPROTO', 'handshake failure'), https)).toEqual({
      kind: 'tls',
      message: 'TLS handshake with svc.example:8443 failed: handshake failure (EPROTO)',
    });
  });

  it('names a TLS failure from its message when it carries no code, without a code in brackets', () => {
    expect(nameConnectionError(new Error('Client network socket disconnected before secure TLS connection was established'), https)).toEqual({
      kind: 'tls',
      message: 'TLS handshake with svc.example:8443 failed: Client network socket disconnected before secure TLS connection was established',
    });
    expect(nameConnectionError(new Error('ssl handshake: unknown protocol'), https)).toEqual({
      kind: 'tls',
      message: 'TLS handshake with svc.example:8443 failed: the server does not speak TLS (an https:// URL to a plain HTTP server?)',
    });
  });

  it('names a parse failure as not HTTP, with its HPE code, and suggests a TLS server behind http://', () => {
    expect(nameConnectionError(coded('HPE_INVALID_CONSTANT', 'Parse Error: Expected HTTP/'), http)).toEqual({
      kind: 'not-http',
      message:
        'not HTTP: svc.example:8080 answered with something that is not an HTTP/1.1 response (a TLS server, or another protocol, behind an http:// URL?) (HPE_INVALID_CONSTANT)',
    });
    expect(nameConnectionError(coded('HPE_HEADER_OVERFLOW', 'Parse Error'), https)).toEqual({
      kind: 'not-http',
      message: 'not HTTP: svc.example:8443 answered with something that is not an HTTP/1.1 response (HPE_HEADER_OVERFLOW)',
    });
  });

  it("names the connection's own NotHttpError without repeating its code", () => {
    expect(nameConnectionError(new NotHttpError('status line "SSH-2.0"'), http)).toEqual({
      kind: 'not-http',
      message: 'not HTTP: svc.example:8080 answered with something that is not an HTTP/1.1 response (a TLS server, or another protocol, behind an http:// URL?)',
    });
    expect(nameConnectionError(new NotHttpError('x'), https)).toEqual({
      kind: 'not-http',
      message: 'not HTTP: svc.example:8443 answered with something that is not an HTTP/1.1 response',
    });
  });

  it("names the connection's own ClosedBeforeResponseError", () => {
    expect(nameConnectionError(new ClosedBeforeResponseError('closed'), http)).toEqual({
      kind: 'closed',
      message: 'svc.example:8080 closed the connection without answering the request written on it',
    });
  });

  it('gives the connection errors stable codes that say what they are', () => {
    expect(new NotHttpError('x').code).toBe('NOT_HTTP');
    expect(new ClosedBeforeResponseError('x').code).toBe('CLOSED_BEFORE_RESPONSE');
    expect(new NotHttpError('x')).toBeInstanceOf(Error);
  });

  it('names anything else with the first line of its message, else its code, else "unknown error"', () => {
    expect(nameConnectionError(coded('EMFILE', ' too many open files \n  at Socket.connect'), http)).toEqual({
      kind: 'other',
      message: 'connection to svc.example:8080 failed: too many open files',
    });
    expect(nameConnectionError(coded('EMFILE', ''), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: EMFILE' });
    expect(nameConnectionError(coded('EMFILE', ' \n second line'), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: EMFILE' });
    expect(nameConnectionError(coded('EMFILE', '\nsecond line'), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: EMFILE' });
    expect(nameConnectionError(coded('EMFILE', 'one line, no end'), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: one line, no end' });
    expect(nameConnectionError(coded('EMFILE', 'first\r\nsecond'), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: first' });
    expect(nameConnectionError(new Error(''), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: unknown error' });
    expect(nameConnectionError(new Error('socket hang up'), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: socket hang up' });
  });

  it('ignores a code that is not a string', () => {
    expect(nameConnectionError(coded(111, ''), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: unknown error' });
    expect(nameConnectionError(coded(undefined, 'boom'), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: boom' });
  });
});

describe('nameConnectionError: which name wins when an error fits more than one', () => {
  it('takes a refused or DNS code before a TLS-looking message', () => {
    expect(nameConnectionError(coded('ECONNREFUSED', 'TLS connect ECONNREFUSED'), https).kind).toBe('refused');
    expect(nameConnectionError(coded('ENOTFOUND', 'getaddrinfo ENOTFOUND tls.example'), https).kind).toBe('dns');
  });

  it('takes TLS before not-HTTP, and not-HTTP before closed, reset and unreachable', () => {
    expect(nameConnectionError(coded('HPE_INVALID_CONSTANT', 'TLS record garbage'), http).kind).toBe('tls');
    expect(nameConnectionError(coded('ECONNRESET', 'read ECONNRESET'), http).kind).toBe('reset');
    expect(nameConnectionError(coded('ETIMEDOUT', 'connect ETIMEDOUT'), http).kind).toBe('unreachable');
    expect(nameConnectionError(coded('EPIPE', 'write EPIPE'), http).kind).toBe('reset');
  });

  it('does not take a code that only ends like a known prefix', () => {
    expect(nameConnectionError(coded('X_HPE_', 'odd'), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: odd' });
    expect(nameConnectionError(coded('X_ERR_SSL_', 'odd'), http)).toEqual({ kind: 'other', message: 'connection to svc.example:8080 failed: odd' });
  });

  it('uses the target host and port as given, for IPv4 loopback too', () => {
    expect(nameConnectionError(coded('ECONNREFUSED'), { hostname: '127.0.0.1', port: 1, protocol: 'http:' }).message).toBe(
      'connection refused by 127.0.0.1:1: nothing is listening there (ECONNREFUSED)',
    );
  });
});
