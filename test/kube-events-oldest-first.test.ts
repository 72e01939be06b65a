import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { eventLines } from '../src/kube/event-lines.js';

/**
 * The order and length of the event lines (pure). Reading an object's events from the API (field selector, core/v1
 * and events.k8s.io-style events, oldest first) is asserted against a real kube-apiserver in
 * test/cluster/kube-lists-events-and-namespace-waits-on-a-real-api-server.test.ts (npm run test:cluster).
 */
describe('events', () => {
  it('keeps only the 20 most recent', () => {
    const many: CoreV1Event[] = Array.from({ length: 25 }, (_, i) => ({
      involvedObject: {},
      metadata: {},
      reason: `R${i}`,
      message: `m${i}`,
      lastTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 25 - i)),
    }));

    const lines = eventLines(many);

    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('R19: m19');
    expect(lines[19]).toBe('R0: m0');
  });

  it('keeps the API’s order for events at the same time and puts events without any time first', () => {
    const at = new Date(Date.UTC(2026, 0, 1));
    const events: CoreV1Event[] = [
      { involvedObject: {}, metadata: {}, reason: 'A', message: 'first', lastTimestamp: at },
      { involvedObject: {}, metadata: {}, reason: 'B', message: 'second', lastTimestamp: at },
      { involvedObject: {}, metadata: {}, message: 'no reason, no time' },
    ];

    expect(eventLines(events)).toEqual(['no reason, no time', 'A: first', 'B: second']);
  });
});
