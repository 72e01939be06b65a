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
});
