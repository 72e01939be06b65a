import { describe, expect, it } from 'vitest';
import { load, server, step } from './helpers/loopback.js';
import { stallTruthQuantileMs } from '../src/calibration/stall-truth.js';

describe('a server that stalls', () => {
  it('shows the stall in open-loop latency measured from the intended instant, not in latency from the send', async () => {
    // 100 ms stall every 1 s: truth p99 = 100·(1 − 0.01/0.1) = 90 ms.
    expect(stallTruthQuantileMs(0.99, 1000, 100)).toBeCloseTo(90, 6);
    const chain = await server({ flags: ['--stall-every-ms', '1000', '--stall-for-ms', '100'] });
    try {
      const run = await load(chain.url, step({ mode: 'rate', rate: 500, connections: 16, maxConnections: 128, durationS: 2, warmupS: 0 }));
      const intended = run.latency.intended!.summary;
      // Sane bounds only: the truth is 90 ms; anything between 60 and 130 ms shows the stall was seen.
      expect(intended.p99Us).toBeGreaterThan(60_000);
      expect(intended.p99Us).toBeLessThan(130_000);
      // 90% of requests never meet a stall: the median stays far below it.
      expect(intended.p50Us).toBeLessThan(10_000);
      expect(run.status).toBe('valid');
    } finally {
      await chain.stop();
    }
  });
});
