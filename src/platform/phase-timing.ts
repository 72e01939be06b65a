import type { SystemRecorder } from './platform.js';

/**
 * Phase durations (issue 8, build 5): every phase of a system — cluster create, image load, mesh install, readiness,
 * deploy, verify, versions, each measured step, teardown — timed on the injected clock and reported to the recorder,
 * also when it fails, so real runs measure what the README could only estimate. `timed` runs `fn` as the phase `name`
 * and records its duration and outcome (also when it throws).
 */
export async function timed<T>(
  recorder: SystemRecorder | undefined,
  clock: { now(): number; monotonic(): number },
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  const startedAt = new Date(clock.now()).toISOString();
  const start = clock.monotonic();
  let ok = false;
  try {
    const value = await fn();
    ok = true;
    return value;
  } finally {
    recorder?.phase({ name, startedAt, durationMs: Math.max(0, clock.monotonic() - start), ok });
  }
}
