import { describe, expect, it } from 'vitest';
import { AutocannonClient, HTTPParser, autocannonVersion } from '../src/load/autocannon-internals.js';

// The engine subclasses autocannon's connection class and replaces its request loop. These are the members it
// relies on; an autocannon upgrade that moves them must fail here, not in a benchmark.
describe("autocannon's client internals the engine builds on", () => {
  it('are present in the pinned version', () => {
    expect(autocannonVersion).toBe('9.0.0');
    for (const m of ['_connect', '_doRequest', '_destroyConnection', 'destroy', 'getRequestBuffer']) {
      expect(typeof (AutocannonClient.prototype as unknown as Record<string, unknown>)[m]).toBe('function');
    }
  });

  it("number http-parser-js's callback slots as the connection expects", () => {
    expect(HTTPParser.RESPONSE).toBe('RESPONSE');
    expect([HTTPParser.kOnHeadersComplete, HTTPParser.kOnBody, HTTPParser.kOnMessageComplete]).toEqual([2, 3, 4]);
  });

  it("show a message boundary in http-parser-js's state and carried-over line, as the whole-response fast path reads them", () => {
    const P = HTTPParser as unknown as new (type: string) => { execute(b: Buffer): unknown; state: string; line: string; hadError: boolean };
    const p = new P(HTTPParser.RESPONSE);
    const atBoundary = (): boolean => p.state === 'RESPONSE_LINE' && p.line === '' && !p.hadError;
    expect(atBoundary()).toBe(true);
    p.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'));
    expect(atBoundary()).toBe(false);
    p.execute(Buffer.from('ngth: 2\r\n\r\nok'));
    expect(atBoundary()).toBe(true);
    p.execute(Buffer.from('HTTP/1.1 2'));
    expect([p.state, p.line]).toEqual(['RESPONSE_LINE', 'HTTP/1.1 2']);
    p.execute(Buffer.from('00 OK\r\nContent-Length: 0\r\n\r\n'));
    expect(atBoundary()).toBe(true);
    expect(p.execute(Buffer.from('SSH-2.0\r\n'))).toBeInstanceOf(Error);
    expect(p.hadError).toBe(true);
  });
});
