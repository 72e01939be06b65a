import type { CoreV1Event } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import { eventLines } from '../src/kube/event-lines.js';
import { type FakeApiServer, kubeOnFakeApi } from './helpers/fake-api-server.js';

let api: FakeApiServer;
let kube: ClientNodeKube;
let close: () => Promise<void>;

beforeEach(async () => {
  ({ api, kube, close } = await kubeOnFakeApi({ token: 't' }));
});

afterEach(() => close());

/** Events as the API serves them (JSON), in a deliberately scrambled order. */
const wireEvents = [
  {
    metadata: { name: 'web.3', creationTimestamp: '2026-01-01T00:00:30Z' },
    reason: 'Pulled',
    message: 'Successfully pulled image "mesh-bench/workload:abc"',
    lastTimestamp: '2026-01-01T00:00:30Z',
  },
  {
    // events.k8s.io-style: no lastTimestamp, a MicroTime eventTime.
    metadata: { name: 'web.1', creationTimestamp: '2026-01-01T00:00:50Z' },
    reason: 'Scheduled',
    message: 'Successfully assigned bench/web-1 to kind-worker',
    eventTime: '2026-01-01T00:00:10.123456Z',
  },
  {
    metadata: { name: 'web.4', creationTimestamp: '2026-01-01T00:00:40Z' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container web in pod web-1\n',
  },
  {
    metadata: { name: 'web.2', creationTimestamp: '2026-01-01T00:00:20Z' },
    reason: 'Pulling',
    message: 'Pulling image "mesh-bench/workload:abc"',
    firstTimestamp: '2026-01-01T00:00:01Z',
    lastTimestamp: '2026-01-01T00:00:20Z',
  },
];

describe('events', () => {
  it('asks for the object’s events by field selector and returns them oldest first as "Reason: message"', async () => {
    api.route('GET', '/api/v1/namespaces/bench/events', { body: { apiVersion: 'v1', kind: 'EventList', items: wireEvents } });

    const lines = await kube.events('bench', 'web-1');

    expect(lines).toEqual([
      'Scheduled: Successfully assigned bench/web-1 to kind-worker',
      'Pulling: Pulling image "mesh-bench/workload:abc"',
      'Pulled: Successfully pulled image "mesh-bench/workload:abc"',
      'BackOff: Back-off restarting failed container web in pod web-1',
    ]);
    const [request] = api.apiRequests();
    expect(Object.fromEntries(request?.query ?? [])).toEqual({ fieldSelector: 'involvedObject.name=web-1' });
  });

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
