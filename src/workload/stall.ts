/** A periodic stall: the server answers nothing during [origin + phase + k·every, … + for) for k = 0, 1, 2, … */
export interface StallSchedule {
  everyMs: number;
  forMs: number;
  phaseMs: number;
}

/**
 * The instant (same clock as `t` and `origin`) a response that would go out at `t` may go out: `t` itself outside a
 * stall, the stall's end inside one. Monotonic non-decreasing in `t`, so mapping due instants through it keeps their order.
 */
export function stallOpenAt(schedule: StallSchedule, origin: number, t: number): number {
  const sinceFirst = t - origin - schedule.phaseMs;
  if (sinceFirst < 0) return t;
  const k = Math.floor(sinceFirst / schedule.everyMs);
  const intoStall = sinceFirst - k * schedule.everyMs;
  if (intoStall >= schedule.forMs) return t;
  return origin + schedule.phaseMs + k * schedule.everyMs + schedule.forMs;
}
