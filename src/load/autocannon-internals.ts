import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';

/**
 * The parts of autocannon's connection class (`autocannon/lib/httpClient.js`, pinned to 9.0.0 in package.json)
 * that the engine builds on: connecting (TCP, TLS or a Unix socket), building the request bytes from options,
 * and its HTTP response parser. Pacing, timing, timeouts and the in-flight bookkeeping are ours
 * (see paced-connection.ts for why). test/load-autocannon-internals.test.ts fails if an upgrade moves them.
 */
export interface AutocannonClientOptions {
  hostname: string;
  host: string;
  port: number;
  protocol: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  /** Seconds. We disable autocannon's own timer and keep our own; this only sizes its first timer. */
  timeout: number;
  pipelining: 1;
  setupClient: (client: AutocannonClientInstance) => void;
}

export interface ParserLike {
  initialize(type: string): void;
  execute(chunk: Buffer): unknown;
  /** http-parser-js 0.5's state between reads: 'RESPONSE_LINE' with `line` empty means "at a message boundary". */
  state: string;
  /** The part of a line carried over from the previous read. */
  line: string;
  /** Set once a parse error was returned (until `initialize`). */
  hadError: boolean;
  [k: number]: unknown;
}

export interface AutocannonClientInstance extends EventEmitter {
  opts: AutocannonClientOptions;
  conn: Socket;
  parser: ParserLike;
  destroyed: boolean;
  timeoutTicker: { reschedule(ms: number): void; clear(): void };
  pipelinedRequests: { addByteCount(n: number): void; clear(): void };
  getRequestBuffer(): Buffer;
  _connect(): void;
  _doRequest(): void;
  _destroyConnection(): void;
  destroy(): void;
}

export type AutocannonClientConstructor = new (opts: AutocannonClientOptions) => AutocannonClientInstance;

const require = createRequire(import.meta.url);
const clientPath = require.resolve('autocannon/lib/httpClient.js');

export const AutocannonClient = require(clientPath) as AutocannonClientConstructor;

/** http-parser-js as autocannon resolves it (its own dependency): the callback slots are numbered constants. */
export const HTTPParser = (createRequire(clientPath)('http-parser-js') as { HTTPParser: { RESPONSE: string; kOnHeadersComplete: number; kOnBody: number; kOnMessageComplete: number; kOnHeaders: number } }).HTTPParser;

export const autocannonVersion: string = (require('autocannon/package.json') as { version: string }).version;
