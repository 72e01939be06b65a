import { AutocannonClient, HTTPParser, type AutocannonClientOptions } from './autocannon-internals.js';
import { ClosedBeforeResponseError, NotHttpError } from './connection-errors.js';
import { CLOSE_FLAG, NOT_WHOLE, parseWholeResponse } from './whole-response.js';

/**
 * One HTTP/1.1 keep-alive connection, built on autocannon's client for connecting, request bytes and response
 * parsing, with autocannon's request loop replaced:
 *
 * - A read holding exactly one whole plain response (the usual case: one request in flight, a small response) is
 *   read by whole-response.ts, which answers only where http-parser-js would answer the same, and otherwise leaves the
 *   read to http-parser-js; this halves the engine's user CPU per request (see `npm run bench:engine`).
 *
 * - It never sends on its own. Its owner (the step runner) calls `send(intendedMs)` when a request is due, so
 *   pacing is the owner's, and each request carries the instant it was *intended* to leave (for rate steps) as
 *   well as the instant it was written.
 * - At most one request is in flight (no pipelining: meshes and real clients do not pipeline), held in two
 *   numbers instead of autocannon's queue. autocannon keeps a queue and, when the server closes a keep-alive
 *   connection, leaves a never-answered request at its head, so every later response on the connection is
 *   timed from an older request (mean latency 5–100× Little's law). Here a server close either comes with
 *   `Connection: close` (we stop sending on that connection and wait for the close) or drops a request already
 *   written (we hand it back to the owner to be re-sent on a new connection with its original intended time,
 *   so the reconnect cost stays in its latency).
 * - Timeouts are the owner's (one sweep timer for all connections, not one timer reset per request).
 * - Connection errors back off before reconnecting instead of spinning.
 * - What is not an HTTP response (the parser fails, or a fresh connection is closed after bytes that never made a
 *   response) is a connection error of its own (NotHttpError), and a fresh connection closed before answering its
 *   first request is one too (ClosedBeforeResponseError): neither is re-sent, so neither can loop without backoff.
 */
export interface ConnectionOwner {
  /** A response completed; `nowMs` is when its last byte was parsed. */
  onResponse(conn: PacedConnection, status: number, intendedMs: number, sentMs: number, nowMs: number): void;
  /** The connection is established and idle (first connect or reconnect). */
  onReady(conn: PacedConnection): void;
  /** The server closed the connection after a request was written but before it was answered. */
  onDropped(conn: PacedConnection, intendedMs: number): void;
  /** A socket error; `hadRequest` tells whether a request was in flight (it is counted as failed, not re-sent). */
  onSocketError(conn: PacedConnection, intendedMs: number | null, error: Error): void;
}

export type ConnectionTarget = Omit<AutocannonClientOptions, 'pipelining' | 'setupClient' | 'timeout'>;

const NO_REQUEST = -1;
const kOnHeadersComplete = HTTPParser.kOnHeadersComplete;
const kOnBody = HTTPParser.kOnBody;
const kOnMessageComplete = HTTPParser.kOnMessageComplete;

export class PacedConnection extends AutocannonClient {
  // `declare`: autocannon's constructor runs `_connect` before a subclass's field initialisers would; these are
  // set in `setupClient`, which it calls first.
  declare owner: ConnectionOwner;
  /** Intended instant of the request in flight, or NO_REQUEST. */
  declare intendedMs: number;
  /** When the request in flight was written. */
  declare sentMs: number;
  declare ready: boolean;
  /** The last response said `Connection: close`: send nothing more on this socket. */
  declare closing: boolean;
  declare status: number;
  declare bytesReceived: number;
  declare connects: number;
  declare lastError: Error | null;
  declare backoffMs: number;
  declare backoffTimer: NodeJS.Timeout | null;
  /** Responses completed on the current socket, and bytes read on it: a fresh socket closed with neither is an error. */
  declare responsesOnSocket: number;
  declare bytesOnSocket: number;
  declare requestBuffer: Buffer;

  constructor(target: ConnectionTarget, owner: ConnectionOwner) {
    super({
      ...target,
      pipelining: 1,
      timeout: 3600,
      setupClient: (c) => {
        const self = c as PacedConnection;
        self.owner = owner;
        self.intendedMs = NO_REQUEST;
        self.sentMs = 0;
        // Stryker disable next-line BooleanLiteral: _connect, which autocannon's constructor calls next, sets it before anything reads it.
        self.ready = false;
        // Stryker disable next-line BooleanLiteral: _connect, which autocannon's constructor calls next, sets it before anything reads it.
        self.closing = false;
        self.status = 0;
        self.bytesReceived = 0;
        self.connects = 0;
        self.lastError = null;
        self.backoffMs = 0;
        self.backoffTimer = null;
        self.responsesOnSocket = 0;
        self.bytesOnSocket = 0;
        self.pipelinedRequests = {
          addByteCount: (n: number) => {
            self.bytesReceived += n;
            self.bytesOnSocket += n;
          },
          clear: () => {},
        };
        c.on('connError', (err: Error) => {
          self.lastError = err;
        });
      },
    });
    // autocannon resets a per-client timer on every request; our owner sweeps timeouts instead.
    this.timeoutTicker.clear();
    this.timeoutTicker = { reschedule: () => {}, clear: () => {} };
    this.requestBuffer = this.getRequestBuffer();
    const parser = this.parser;
    // autocannon ignores what execute() returns; http-parser-js returns its parse error (HPE_* code) there.
    const execute = parser.execute.bind(parser);
    parser.execute = (chunk: Buffer): unknown => {
      // One whole plain response in this read, at a message boundary: read it without http-parser-js (whole-response.ts
      // answers only where its answer is http-parser-js's), then the same callbacks as the parser would call.
      if (parser.state === 'RESPONSE_LINE' && parser.line === '' && !parser.hadError) {
        const whole = parseWholeResponse(chunk);
        if (whole !== NOT_WHOLE) {
          this.onHeaders(whole & ~CLOSE_FLAG, (whole & CLOSE_FLAG) === 0);
          this.onMessageComplete();
          return chunk.length;
        }
      }
      const result = execute(chunk);
      if (result instanceof Error && this.lastError === null) {
        this.lastError = Object.assign(new NotHttpError(result.message), { parseCode: (result as { code?: string }).code });
        // Deferred: the parser is still inside the socket's data handler.
        process.nextTick(() => this.reopen());
      }
      return result;
    };
    parser[kOnHeadersComplete] = (info: { statusCode: number; shouldKeepAlive: boolean }) => this.onHeaders(info.statusCode, info.shouldKeepAlive);
    parser[kOnBody] = () => {};
    parser[kOnMessageComplete] = () => this.onMessageComplete();
  }

  private onHeaders(status: number, keepAlive: boolean): void {
    this.status = status;
    if (!keepAlive) this.closing = true;
  }

  private onMessageComplete(): void {
    const now = performance.now();
    const intended = this.intendedMs;
    if (intended === NO_REQUEST) return; // a response nobody asked for: ignore
    this.intendedMs = NO_REQUEST;
    // Stryker disable next-line UpdateOperator: only whether it is 0 is read (_connect); counting down leaves it non-zero just the same.
    this.responsesOnSocket++;
    // The back-off ends with a response, not a connect: a server that accepts and then fails every request (not
    // HTTP, closes at once) must not be retried every 10 ms.
    this.backoffMs = 0;
    const closing = this.closing;
    this.owner.onResponse(this, this.status, intended, this.sentMs, now);
    // HTTP/1.1: after `Connection: close` the client closes too. Deferred, because the parser is still
    // inside execute() for this chunk.
    if (closing) process.nextTick(() => this.reopen());
  }

  get busy(): boolean {
    return this.intendedMs !== NO_REQUEST;
  }

  /** True when a request may be written now. */
  get available(): boolean {
    return this.ready && !this.closing && this.intendedMs === NO_REQUEST && !this.destroyed;
  }

  /** Writes one request. The caller checks `available` first. */
  send(intendedMs: number): void {
    this.intendedMs = intendedMs;
    this.sentMs = performance.now();
    this.conn.write(this.requestBuffer);
  }

  /** Gives up on the request in flight (timed out): drops the socket and reconnects. */
  abandon(): void {
    this.intendedMs = NO_REQUEST;
    this.reopen();
  }

  private reopen(): void {
    if (this.destroyed) return;
    this._destroyConnection();
    this._connect();
  }

  override _doRequest(): void {
    // autocannon calls this on connect and after each response; sending is the owner's decision.
  }

  override _connect(): void {
    if (this.destroyed) return;
    const reconnect = this.connects > 0;
    let error = this.lastError;
    this.lastError = null;
    if (reconnect && error === null && this.intendedMs !== NO_REQUEST && this.responsesOnSocket === 0) {
      error =
        this.bytesOnSocket > 0
          ? new NotHttpError(`${this.bytesOnSocket} bytes that are not an HTTP response, then closed`)
          : new ClosedBeforeResponseError('closed before any response');
    }
    this.ready = false;
    this.closing = false;
    if (reconnect && this.intendedMs !== NO_REQUEST) {
      const intended = this.intendedMs;
      this.intendedMs = NO_REQUEST;
      if (error) this.owner.onSocketError(this, intended, error);
      else this.owner.onDropped(this, intended);
    } else if (error) {
      this.owner.onSocketError(this, null, error);
    }
    if (error) {
      // Back off (10 ms doubling to 1 s) while the target refuses connections, instead of spinning.
      this.backoffMs = Math.min(1000, this.backoffMs === 0 ? 10 : this.backoffMs * 2);
      this.backoffTimer = setTimeout(() => {
        this.backoffTimer = null;
        this.openSocket();
      }, this.backoffMs);
      return;
    }
    this.openSocket();
  }

  private openSocket(): void {
    if (this.destroyed) return;
    this.connects++;
    this.responsesOnSocket = 0;
    this.bytesOnSocket = 0;
    this.parser.initialize(HTTPParser.RESPONSE);
    super._connect();
    this.conn.setNoDelay(true);
    const event = this.opts.protocol === 'https:' ? 'secureConnect' : 'connect';
    this.conn.once(event, () => {
      this.ready = true;
      this.owner.onReady(this);
    });
  }

  override destroy(): void {
    clearTimeout(this.backoffTimer ?? undefined);
    super.destroy();
  }
}
