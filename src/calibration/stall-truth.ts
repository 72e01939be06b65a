/**
 * The true latency distribution of an open-loop client against a server that answers nothing for `forMs` out of
 * every `everyMs` (and everything else at once, cost ≈ 0). A request intended at a uniformly random instant lands in
 * a stall with probability f = forMs/everyMs, at a uniform position in it, and waits the rest of it: latency is 0
 * with probability 1−f and uniform on (0, forMs] otherwise. So for q > 1−f the q-quantile is forMs·(1 − (1−q)/f):
 * at 200 ms every 2 s, p95 = 100 ms and p99 = 180 ms.
 */
export function stallTruthQuantileMs(q: number, everyMs: number, forMs: number): number {
  const f = forMs / everyMs;
  if (q <= 1 - f) return 0;
  return forMs * (1 - (1 - q) / f);
}
