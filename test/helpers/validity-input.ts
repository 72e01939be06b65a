import type { ValidityInput } from '../../src/load/validity.js';

/** A rate step that met its 1000 req/s with no errors: 10 000 sent, all answered 200. */
export const VALID_COUNTS = { sent: 10_000, completed: 10_000, ok: 10_000, non2xx: 0, socketErrors: 0, timeouts: 0, unanswered: 0, reconnects: 0, resent: 0, statusCodes: { '200': 10_000 } };

/** What judgeStep is given for that step; tests change one field at a time. */
export const VALID_STEP: ValidityInput = {
  mode: 'rate',
  targetRate: 1000,
  achievedRate: 1000,
  errorRate: 0,
  errorBudget: 0.001,
  counts: VALID_COUNTS,
  notSent: 0,
  stoppedEarly: false,
  littlesLaw: null,
  thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 },
};
