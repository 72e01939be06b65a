import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../src/kube/kube-errors.js';
import {
  DEFAULT_RETRY_POLICY,
  RequestTimeoutError,
  backoffMs,
  isTransient,
  retryAfterMs,
  withRetry,
  type RetryPolicy,
} from '../src/kube/retry-policy.js';
import { FakeClock } from './helpers/fake-clock.js';

/** FakeClock that keeps every back-off it was asked to sleep. */
class SleepLog extends FakeClock {
  readonly sleeps: number[] = [];
  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    await super.sleep(ms, signal);
  }
}

/** client-node's ApiException, by the shape the policy reads (code, body, headers). */
function apiException(code: number, headers: Record<string, string> = {}): Error & { code: number; body: unknown; headers: Record<string, string> } {
  return Object.assign(new Error(`HTTP-Code: ${code}`), {
    code,
    body: { kind: 'Status', message: `answer ${code}`, code },
    headers,
  });
}

/** node-fetch's FetchError for a system error, by shape. */
function systemError(code: string, message: string): Error & { code: string } {
  return Object.assign(new Error(`request to https://127.0.0.1:6443/api failed, reason: ${message}`), { code, errno: code, type: 'system' });
}

const POLICY: RetryPolicy = { requestTimeoutMs: 5_000, operationTimeoutMs: 60_000, initialBackoffMs: 100, maxBackoffMs: 800 };

/** An attempt function that fails with each error in turn, then answers `ok`. */
function failing(...errors: unknown[]): { attempt: () => Promise<string>; calls: () => number } {
  let n = 0;
  return {
    attempt: async () => {
      const error = errors[n++];
      if (error !== undefined) throw error;
      return 'ok';
    },
    calls: () => n,
  };
}

describe('which failures are transient', () => {
  it('429, 502, 503 and 504 are; 400, 401, 403, 404, 409, 422 and 500 are not', () => {
    for (const code of [429, 502, 503, 504]) expect(isTransient(apiException(code)), String(code)).toBe(true);
    for (const code of [400, 401, 403, 404, 409, 422, 500]) expect(isTransient(apiException(code)), String(code)).toBe(false);
  });

  it('reset, refused and timed-out connections, a socket hang-up and our own request timeout are', () => {
    expect(isTransient(systemError('ECONNRESET', 'read ECONNRESET'))).toBe(true);
    expect(isTransient(systemError('ECONNRESET', 'socket hang up'))).toBe(true);
    expect(isTransient(systemError('ETIMEDOUT', 'connect ETIMEDOUT 172.18.0.2:6443'))).toBe(true);
    expect(isTransient(systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6443'))).toBe(true);
    expect(isTransient(new RequestTimeoutError(30_000))).toBe(true);
    expect(isTransient(new KubeApiError('GET x: y (HTTP 503)', 503))).toBe(true);
    expect(isTransient(new KubeApiError('GET x: socket hang up', undefined, { cause: systemError('ECONNRESET', 'socket hang up') }))).toBe(true);
  });

  it('a TLS or programming error is not', () => {
    expect(isTransient(systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'))).toBe(false);
    expect(isTransient(new TypeError('Cannot read properties of undefined'))).toBe(false);
  });
});

describe('Retry-After and back-off', () => {
  it('reads Retry-After in seconds and as an HTTP-date', () => {
    const now = Date.UTC(2026, 11, 1, 15, 0, 0);
    expect(retryAfterMs(apiException(429, { 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(apiException(503, { 'retry-after': new Date(now + 7000).toUTCString() }), now)).toBe(7000);
    expect(retryAfterMs(apiException(429), now)).toBeUndefined();
    expect(retryAfterMs(new KubeApiError('x', 429, { cause: { code: 429, headers: { 'retry-after': '2' } } }), now)).toBe(2000);
  });

  it('doubles the back-off after each failure up to its cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffMs(n, POLICY))).toEqual([100, 200, 400, 800, 800, 800]);
    expect(DEFAULT_RETRY_POLICY.requestTimeoutMs).toBe(30_000);
  });
});

describe('withRetry', () => {
  it('succeeds after one 503, having slept the first back-off', async () => {
    const clock = new SleepLog();
    const f = failing(apiException(503));
    await expect(withRetry('read Deployment bench/web', f.attempt, { policy: POLICY, clock })).resolves.toBe('ok');
    expect(f.calls()).toBe(2);
    expect(clock.sleeps).toEqual([100]);
  });

  it('waits what a 429’s Retry-After asks instead of its own back-off', async () => {
    const clock = new SleepLog();
    const f = failing(apiException(429, { 'retry-after': '2' }), systemError('ECONNRESET', 'socket hang up'));
    await expect(withRetry('apply Deployment bench/web', f.attempt, { policy: POLICY, clock })).resolves.toBe('ok');
    expect(clock.sleeps).toEqual([2000, 200]);
  });

  it('does not retry a 403, 404, 409 or 422: the first answer is final and reaches the caller as it was', async () => {
    for (const code of [403, 404, 409, 422]) {
      const clock = new SleepLog();
      const error = apiException(code);
      const f = failing(error);
      await expect(withRetry('apply x', f.attempt, { policy: POLICY, clock })).rejects.toBe(error);
      expect(f.calls()).toBe(1);
      expect(clock.sleeps).toEqual([]);
    }
  });

  it('gives up at the call’s deadline, naming the operation, the attempts and the last failure', async () => {
    const clock = new SleepLog();
    const f = failing(...Array.from({ length: 100 }, () => apiException(503)));
    const error = await withRetry('list pods in bench (app=load)', f.attempt, { policy: POLICY, clock, budget: { timeoutMs: 1000 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).message).toBe('list pods in bench (app=load): no success within 1 s (4 attempts; last: answer 503 (HTTP 503))');
    expect((error as KubeApiError).httpStatus).toBe(503);
    // 100 + 200 + 400 + 300 (what was left of the second): never past the deadline.
    expect(clock.sleeps).toEqual([100, 200, 400, 300]);
  });

  it('names the failure that made it retry, not the deadline-cut attempt after it', async () => {
    const clock = new SleepLog();
    let calls = 0;
    // A 503, then an attempt that never answers: the second is cut at the 200 ms left, and the message still says 503.
    const attempt = (signal: AbortSignal) => {
      calls++;
      if (calls === 1) return Promise.reject(apiException(503));
      return new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    const error = await withRetry('proxy GET nodes/w1/metrics/resource', attempt, { policy: POLICY, clock, budget: { timeoutMs: 300 } }).catch(
      (e: unknown) => e,
    );
    expect(calls).toBe(2);
    expect((error as Error).message).toBe(
      'proxy GET nodes/w1/metrics/resource: no success within 300 ms (2 attempts; last: answer 503 (HTTP 503))',
    );
  });

  it('starts no retry with almost no time left', async () => {
    const clock = new SleepLog();
    let calls = 0;
    const slow = async () => {
      calls++;
      await clock.sleep(890);
      throw apiException(503);
    };
    // 890 ms used, then the 100 ms back-off: 10 ms left, too little for an answer, so no second attempt.
    await expect(withRetry('events of bench/web', slow, { policy: POLICY, clock, budget: { timeoutMs: 1000 } })).rejects.toThrow(
      /no success within 1 s \(1 attempt; last: answer 503/,
    );
    expect(calls).toBe(1);
  });

  it('fails at once when Retry-After asks for more than the time left', async () => {
    const clock = new SleepLog();
    const f = failing(apiException(429, { 'retry-after': '30' }));
    await expect(withRetry('apply x', f.attempt, { policy: POLICY, clock, budget: { timeoutMs: 5000 } })).rejects.toThrow(
      'apply x: the API server asked to retry after 30 s, past this call’s deadline (5 s, 1 attempt; last: answer 429 (HTTP 429))'.replace('’', "'"),
    );
    expect(clock.sleeps).toEqual([]);
  });

  it('cuts off an attempt that never answers at the time left, and aborts its signal', async () => {
    const clock = new SleepLog();
    let aborted: unknown;
    const hang = (signal: AbortSignal) =>
      new Promise<string>(() => {
        signal.addEventListener('abort', () => (aborted = signal.reason));
      });
    const started = performance.now();
    const error = await withRetry('read Deployment bench/web', hang, { policy: POLICY, clock, budget: { timeoutMs: 50 } }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(aborted).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toBe('read Deployment bench/web: no success within 50 ms (1 attempt; last: no answer within 50 ms)');
  });

  it('checks the deadline before each attempt: none starts once the time is used up', async () => {
    const clock = new SleepLog();
    let calls = 0;
    const slow = async () => {
      calls++;
      await clock.sleep(950);
      throw apiException(503);
    };
    await expect(withRetry('events of bench/web', slow, { policy: POLICY, clock, budget: { timeoutMs: 1000 } })).rejects.toThrow(
      /no success within 1 s \(1 attempt;/,
    );
    // The back-off is cut to the 50 ms left; then the deadline has passed and no second attempt starts.
    expect(clock.sleeps).toEqual([950, 50]);
    expect(calls).toBe(1);
  });

  it('stops at once when the caller’s signal aborts', async () => {
    const clock = new SleepLog();
    const controller = new AbortController();
    controller.abort(new Error('SIGINT'));
    const f = failing();
    await expect(withRetry('apply x', f.attempt, { policy: POLICY, clock, budget: { signal: controller.signal } })).rejects.toThrow('SIGINT');
    expect(f.calls()).toBe(0);
  });
});
