import { describe, expect, it } from 'vitest';
import { ExitCode, InputError } from '../src/core/errors.js';
import { connectionTarget, redactUrl, splitEvenly } from '../src/load/engine.js';

// What the engine makes of the target URL: the connection options it opens, the Basic auth it sends, the one line it
// refuses a bad URL with, and the URL as it may be printed or stored (never with a password).
describe('redactUrl', () => {
  it('leaves a URL without credentials exactly as given', () => {
    expect(redactUrl('http://svc.ns:8080/a?b=1')).toBe('http://svc.ns:8080/a?b=1');
    expect(redactUrl('HTTP://Svc.NS/')).toBe('HTTP://Svc.NS/');
  });

  it('replaces user and password by ***', () => {
    expect(redactUrl('http://alice:s3cret@svc.ns:8080/a?b=1')).toBe('http://***@svc.ns:8080/a?b=1');
  });

  it('replaces a user alone, and a password alone', () => {
    expect(redactUrl('https://alice@svc.ns/')).toBe('https://***@svc.ns/');
    expect(redactUrl('https://:s3cret@svc.ns/')).toBe('https://***@svc.ns/');
  });

  it('hides what looks like userinfo in a string that is not a URL', () => {
    expect(redactUrl('http://alice:s3cret@exa mple.com/x')).toBe('http://***@exa mple.com/x');
    expect(redactUrl('svc+h2.x-1://u:p@[bad')).toBe('svc+h2.x-1://***@[bad');
  });

  it('leaves a non-URL alone when it does not start with scheme:// userinfo @', () => {
    for (const s of ['see http://alice:s3cret@host x', 'no url here', '//alice:s3cret@exa mple', 'http://exa mple/a@b']) {
      expect(redactUrl(s)).toBe(s);
    }
  });
});

describe('connectionTarget', () => {
  it('opens host, port and path+query of an http URL with a GET and no headers of its own', () => {
    expect(connectionTarget('http://svc.ns.svc.cluster.local:8080/echo/a?x=1&y=2')).toEqual({
      hostname: 'svc.ns.svc.cluster.local',
      host: 'svc.ns.svc.cluster.local:8080',
      port: 8080,
      protocol: 'http:',
      path: '/echo/a?x=1&y=2',
      method: 'GET',
      headers: {},
    });
  });

  it('defaults the port to 80 for http and 443 for https', () => {
    expect(connectionTarget('http://svc/').port).toBe(80);
    expect(connectionTarget('https://svc/')).toMatchObject({ port: 443, protocol: 'https:', host: 'svc', path: '/' });
    expect(connectionTarget('https://svc:8443/').port).toBe(8443);
  });

  it('connects to an IPv6 literal without its brackets', () => {
    expect(connectionTarget('http://[::1]:9000/')).toMatchObject({ hostname: '::1', host: '[::1]:9000', port: 9000 });
  });

  it('passes the given headers through unchanged', () => {
    expect(connectionTarget('http://svc/', { 'x-run': '7' }).headers).toEqual({ 'x-run': '7' });
  });

  it('sends the URL\'s credentials as RFC 7617 Basic auth, percent-decoded; an explicit authorization header wins', () => {
    const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(connectionTarget('http://alice:s3cret@svc/').headers).toEqual({ authorization: basic('alice:s3cret') });
    expect(connectionTarget('http://al%40ice:p%3Ass@svc/').headers).toEqual({ authorization: basic('al@ice:p:ss') });
    expect(connectionTarget('http://alice@svc/').headers).toEqual({ authorization: basic('alice:') });
    expect(connectionTarget('http://:s3cret@svc/', { 'x-run': '7' }).headers).toEqual({ authorization: basic(':s3cret'), 'x-run': '7' });
    expect(connectionTarget('http://alice:s3cret@svc/', { authorization: 'Bearer t' }).headers).toEqual({ authorization: 'Bearer t' });
  });

  it('refuses a string that is not a URL in one line naming <url>, without its password', () => {
    const e = catching(() => connectionTarget('http://alice:s3cret@exa mple.com/'));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('<url>: not a valid URL: http://***@exa mple.com/');
    expect((e as InputError).problems).toEqual([{ source: '<url>', field: '', message: 'not a valid URL: http://***@exa mple.com/' }]);
    expect((e as InputError).exitCode).toBe(ExitCode.invalidInput);
  });

  it('refuses any scheme but http and https, naming it', () => {
    for (const [url, scheme] of [
      ['ftp://svc/', 'ftp:'],
      ['ws://svc/', 'ws:'],
      ['file:///etc/passwd', 'file:'],
    ] as const) {
      const e = catching(() => connectionTarget(url));
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toBe(`<url>: only http:// and https:// URLs are supported, got ${scheme}`);
    }
  });
});

describe('splitEvenly', () => {
  it('splits into integers that differ by at most one, the larger first, adding up to the whole', () => {
    expect(splitEvenly(10, 3)).toEqual([4, 3, 3]);
    expect(splitEvenly(11, 3)).toEqual([4, 4, 3]);
    expect(splitEvenly(9, 3)).toEqual([3, 3, 3]);
    expect(splitEvenly(2, 4)).toEqual([1, 1, 0, 0]);
    expect(splitEvenly(7, 1)).toEqual([7]);
  });
});

function catching(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}
