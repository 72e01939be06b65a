import type { CoreV1Event } from '@kubernetes/client-node';

/** How many events `events()` returns: enough to see why a rollout is stuck, short enough for an error message. */
export const MAX_EVENT_LINES = 20;

/**
 * Events oldest first as `Reason: message`, the last `limit` of them. An event's time is its lastTimestamp (core/v1
 * events from the kubelet and controllers), else its eventTime (events.k8s.io-style events, which leave
 * lastTimestamp empty), else its creation time.
 */
export function eventLines(events: readonly CoreV1Event[], limit = MAX_EVENT_LINES): string[] {
  const timed = events.map((event, index) => ({ event, index, at: eventTime(event) }));
  // Stable on ties: the API's order breaks them.
  timed.sort((a, b) => a.at - b.at || a.index - b.index);
  return timed.slice(-limit).map(({ event }) => formatEvent(event));
}

function formatEvent(event: CoreV1Event): string {
  const message = (event.message ?? '').trim();
  return event.reason ? `${event.reason}: ${message}` : message;
}

/** Epoch ms; events without any time sort first. */
function eventTime(event: CoreV1Event): number {
  for (const value of [event.lastTimestamp, event.eventTime, event.metadata?.creationTimestamp]) {
    const ms = toMillis(value);
    if (ms !== undefined) return ms;
  }
  return Number.NEGATIVE_INFINITY;
}

/** client-node types these as Date, but eventTime (a MicroTime) arrives as the API's string at run time. */
function toMillis(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
