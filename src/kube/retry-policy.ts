import type { Clock } from '../core/deps.js';
import type { KubeCallOptions } from '../core/kube.js';
import { KubeApiError, httpStatusOf, toKubeApiError } from './kube-errors.js';

/**
 * The one retry policy of every Kubernetes API call. A call has a deadline (the caller's remaining time, else
 * `operationTimeoutMs`); each HTTP request in it has its own timeout (`requestTimeoutMs`, never past the deadline), and
 * a transient failure is retried after a back-off until the deadline. The deadline is checked before each request,
 * not only after one returns, so a hung connection cannot hold a call past it.
 *
 * Transient: HTTP 429 (API Priority and Fairness rejects with 429 and a Retry-After header: kubernetes.io docs
 * concepts/cluster-administration/flow-control), 502, 503, 504 (an API server restarting, or a proxy in front of it),
 * a reset, refused or timed-out connection, a socket hang-up, and our own per-request timeout. Never retried: other
 * 4xx (400, 401, 403, 404, 409, 422: the answer will not change) and 500 (the API server's own verdict, e.g. a
 * webhook that rejected the object). client-go's rest client likewise retries 429 and 5xx answers that carry
 * Retry-After (k8s.io/client-go/rest/with_retry.go) and connection resets on reads.
 */
export interface RetryPolicy {
  /** Time limit of one HTTP request. */
  requestTimeoutMs: number;
  /** Deadline of one call, retries included, when the caller gives none. */
  operationTimeoutMs: number;
  /** First back-off; doubled after every failed attempt up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  requestTimeoutMs: 30_000,
  operationTimeoutMs: 120_000,
  initialBackoffMs: 250,
  maxBackoffMs: 8_000,
};

const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);
/** A retry needs at least this long to be answered at all (one round trip to an API server on a busy runner). */
const MIN_RETRY_ATTEMPT_MS = 20;
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** The error an attempt ends with when its own request timeout fires. */
export class RequestTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${formatMs(timeoutMs)}`);
    this.name = 'RequestTimeoutError';
  }
}

export function isTransient(error: unknown): boolean {
  if (error instanceof RequestTimeoutError) return true;
  const status = error instanceof KubeApiError ? error.httpStatus : httpStatusOf(error);
  if (status !== undefined) return TRANSIENT_STATUS.has(status);
  if (error instanceof KubeApiError) return error.cause !== undefined && isTransient(error.cause);
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /socket hang up|ECONNRESET|ETIMEDOUT|ECONNREFUSED/.test(message)) return true;
  }
  return false;
}

/**
 * The wait a 429/503 asks for in its Retry-After header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), in ms.
 * Headers come lower-cased from client-node's fetch and from node:http.
 */
export function retryAfterMs(error: unknown, nowMs: number): number | undefined {
  let headers: unknown;
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    headers = (e as { headers?: unknown }).headers;
    if (headers) break;
  }
  if (!headers || typeof headers !== 'object') return undefined;
  const raw = (headers as Record<string, unknown>)['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export function backoffMs(failedAttempts: number, policy: RetryPolicy): number {
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.max(0, failedAttempts - 1));
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the call's deadline passes. Each attempt gets a signal that
 * aborts at its request timeout (or the deadline, or the caller's signal); it must abort its request on it. The
 * final error is a KubeApiError naming `what`, the number of attempts and the last failure.
 */
export async function withRetry<T>(
  what: string,
  attempt: (signal: AbortSignal) => Promise<T>,
  o: { policy: RetryPolicy; clock: Clock; budget?: KubeCallOptions | undefined },
): Promise<T> {
  const { policy, clock } = o;
  const budgetMs = o.budget?.timeoutMs ?? policy.operationTimeoutMs;
  const deadline = clock.monotonic() + budgetMs;
  let attempts = 0;
  let last: unknown;
  for (;;) {
    o.budget?.signal?.throwIfAborted();
    const remaining = deadline - clock.monotonic();
    // After a failure, an attempt with almost no time left could only time out: none is started.
    if (remaining <= 0 || (attempts > 0 && remaining < MIN_RETRY_ATTEMPT_MS)) throw exhausted(what, budgetMs, attempts, last);
    attempts++;
    const timeoutMs = Math.max(1, Math.min(policy.requestTimeoutMs, remaining));
    try {
      return await withTimeout(attempt, timeoutMs, o.budget?.signal);
    } catch (error) {
      if (o.budget?.signal?.aborted) throw o.budget.signal.reason;
      // The caller turns a final answer into its own result or error (a 404 read is null, not a failure).
      if (!isTransient(error)) throw error;
      // An attempt cut short by the call's deadline (not by its own request timeout) says only that time ran out: the
      // failure before it (a 503, a reset) is what the caller needs to read.
      const cutByDeadline = error instanceof RequestTimeoutError && timeoutMs < policy.requestTimeoutMs;
      if (!(cutByDeadline && last !== undefined)) last = error;
    }
    const left = deadline - clock.monotonic();
    if (left <= 0) throw exhausted(what, budgetMs, attempts, last);
    const asked = retryAfterMs(last, clock.now());
    const wait = asked ?? backoffMs(attempts, policy);
    if (asked !== undefined && asked > left) {
      throw new KubeApiError(
        `${what}: the API server asked to retry after ${formatMs(asked)}, past this call's deadline (${formatMs(budgetMs)}, ` +
          `${attempts} attempt${attempts === 1 ? '' : 's'}; last: ${describeFailure(what, last)})`,
        statusOf(last),
        { cause: last },
      );
    }
    await clock.sleep(Math.min(wait, left), o.budget?.signal);
  }
}

/** One attempt, aborted at `timeoutMs`; an attempt that ignores its signal still cannot outlive the timeout. */
async function withTimeout<T>(attempt: (signal: AbortSignal) => Promise<T>, timeoutMs: number, outer?: AbortSignal): Promise<T> {
  const controller = new AbortController();
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new RequestTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([attempt(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
    // A request still in flight after a failure (it lost the race) is cut off here.
    if (!controller.signal.aborted) controller.abort();
  }
}

function exhausted(what: string, budgetMs: number, attempts: number, last: unknown): KubeApiError {
  const tried = attempts === 0 ? 'no attempt made' : `${attempts} attempt${attempts === 1 ? '' : 's'}; last: ${describeFailure(what, last)}`;
  return new KubeApiError(`${what}: no success within ${formatMs(budgetMs)} (${tried})`, statusOf(last), { cause: last });
}

/** The last failure without the operation's name, which the final message already starts with. */
function describeFailure(what: string, error: unknown): string {
  const message = error instanceof RequestTimeoutError || error instanceof KubeApiError ? error.message : toKubeApiError('', error).message;
  for (const prefix of [`${what}: `, ': ']) if (message.startsWith(prefix)) return message.slice(prefix.length);
  return message;
}

function statusOf(error: unknown): number | undefined {
  return error instanceof KubeApiError ? error.httpStatus : httpStatusOf(error);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}
