import { describe, expect, it } from 'vitest';
import { judgeStep, littlesLaw } from '../src/load/validity.js';
import { VALID_COUNTS, VALID_STEP } from './helpers/validity-input.js';

/**
 * The words a report prints for an invalid or doubtful step (src/load/validity.ts), whole: the reader of a published
 * number learns from them why it is missing or what to doubt, so each part of a message is asserted, not a prefix.
 */
const counts = VALID_COUNTS;
const none = { ...counts, sent: 0, completed: 0, ok: 0, statusCodes: {} };
const base = VALID_STEP;
const REFUSED = 'connection refused (ECONNREFUSED) by 127.0.0.1:9';

describe('the reasons a step is invalid', () => {
  it('says no response came, and why when a connection error explains it and the engine did not give up', () => {
    const closed = { ...base, mode: 'connections' as const, targetRate: null, achievedRate: 0, counts: { ...none, socketErrors: 3 } };
    expect(judgeStep({ ...closed, connectionError: REFUSED })).toEqual({
      status: 'invalid',
      invalidReasons: [`no responses in the measured window: ${REFUSED}`],
      warnings: [],
    });
    expect(judgeStep({ ...closed, connectionError: null }).invalidReasons).toEqual(['no responses in the measured window']);
  });

  it('names the give-up once, not again after "no responses", when the engine stopped because nothing could connect', () => {
    const gaveUp = 'gave up after 5 s: no connection could be opened';
    const v = judgeStep({ ...base, mode: 'connections', targetRate: null, achievedRate: 0, counts: { ...none, socketErrors: 9 }, connectionError: REFUSED, gaveUp });
    expect(v.invalidReasons).toEqual([gaveUp, 'no responses in the measured window']);
  });

  it('says an interrupted step was stopped before its window ended', () => {
    expect(judgeStep({ ...base, stoppedEarly: true }).invalidReasons).toEqual(['stopped early (interrupted before the measured window ended)']);
  });

  it('blames requests that never left on the missing connection when connections failed, not on a busy engine', () => {
    const v = judgeStep({ ...base, achievedRate: 500, notSent: 500, counts: { ...counts, socketErrors: 4 }, connectionError: REFUSED });
    expect(v.invalidReasons).toEqual([
      'achieved rate 500.0/1000 req/s (50.0%) is below 99% of target; 500 requests never left (no connection to send them on)',
    ]);
  });

  it('judges no error rate when nothing was sent: "no responses" already says why', () => {
    const v = judgeStep({ ...base, mode: 'connections', targetRate: null, achievedRate: 0, errorRate: 1, counts: none });
    expect(v.invalidReasons).toEqual(['no responses in the measured window']);
  });

  it('counts the requests lost to socket errors, not failed connects, in the error breakdown when it is given them', () => {
    const v = judgeStep({ ...base, errorRate: 0.002, counts: { ...counts, socketErrors: 50, unanswered: 3 }, requestErrors: 17 });
    expect(v.invalidReasons).toEqual(['error rate 0.20% exceeds budget 0.10% (non-2xx 0, socket errors 17, timeouts 0, unanswered 3 of 10000 sent)']);
  });
});

describe('the warnings on a valid step', () => {
  it("gives Little's law's numbers and what a mismatch means", () => {
    const ll = littlesLaw(32, 10_000, 4960, 0.1);
    const v = judgeStep({ ...base, mode: 'connections', targetRate: null, littlesLaw: ll });
    expect(v.warnings).toEqual([
      "mean latency 4960 µs is 1.55× what Little's law gives (connections ÷ throughput = 3200 µs; tolerance ±10%): " +
        'time outside measured requests (reconnects, client stalls) or a measuring fault',
    ]);
  });

  it('names the connection errors of a step that was still valid, and none once it is invalid', () => {
    const some = { ...counts, socketErrors: 2 };
    expect(judgeStep({ ...base, counts: some, connectionError: REFUSED }).warnings).toEqual([`2 connection errors, the first: ${REFUSED}`]);
    expect(judgeStep({ ...base, counts: some, connectionError: REFUSED, stoppedEarly: true }).warnings).toEqual([]);
  });

  it('says how many requests were re-sent after the server closed their connection, and nothing when none were', () => {
    expect(judgeStep({ ...base, counts: { ...counts, resent: 7 } }).warnings).toEqual(['7 requests re-sent after the server closed their connection']);
    expect(judgeStep(base).warnings).toEqual([]);
  });
});
