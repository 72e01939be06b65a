import { describe, expect, it } from 'vitest';
import { ArrivalRecorder } from '../src/workload/arrivals.js';
import { stallOpenAt } from '../src/workload/stall.js';

describe('arrival windows at their edges', () => {
  it('counts an arrival at the origin in window 0 and ignores one before it', () => {
    const recorder = new ArrivalRecorder(100, 10);
    recorder.record(99.999);
    expect(recorder.snapshot(105, 0)).toEqual({ windowMs: 10, startMs: 100, counts: [0] });
    recorder.record(100);
    recorder.record(109.999);
    recorder.record(110);
    expect(recorder.snapshot(110, 0)).toEqual({ windowMs: 10, startMs: 100, counts: [2, 1] });
  });

  it('answers a snapshot taken before the origin with one empty window', () => {
    const recorder = new ArrivalRecorder(100, 10);
    expect(recorder.snapshot(40, 5000)).toEqual({ windowMs: 10, startMs: 5100, counts: [0] });
  });

  it('places startMs at the epoch of the first window kept', () => {
    const recorder = new ArrivalRecorder(20, 4);
    for (const t of [21, 35, 46, 47, 58, 69]) recorder.record(t);
    // Windows 0…4 happened (t 20…69); a ring of 4 keeps 1…4, whose first starts at monotonic 30.
    expect(recorder.snapshot(69, 1_000)).toEqual({ windowMs: 10, startMs: 1_030, counts: [1, 2, 1, 1] });
    expect(recorder.snapshot(71, 1_000)).toEqual({ windowMs: 10, startMs: 1_040, counts: [2, 1, 1, 0] });
  });

  it('zeroes every window skipped by a silence longer than the ring', () => {
    const recorder = new ArrivalRecorder(0, 4);
    for (let t = 0; t < 40; t += 5) recorder.record(t);
    recorder.record(1_000); // window 100: every slot belongs to an earlier lap
    expect(recorder.snapshot(1_005, 0)).toEqual({ windowMs: 10, startMs: 970, counts: [0, 0, 0, 1] });
    recorder.record(1_012);
    recorder.record(1_013);
    expect(recorder.snapshot(1_019, 0)).toEqual({ windowMs: 10, startMs: 980, counts: [0, 0, 1, 2] });
  });

  it('starts over from the reset instant, keeping nothing from before', () => {
    const recorder = new ArrivalRecorder(0, 8);
    for (let t = 0; t < 80; t += 3) recorder.record(t);
    recorder.reset(200);
    expect(recorder.snapshot(235, 1_000)).toEqual({ windowMs: 10, startMs: 1_200, counts: [0, 0, 0, 0] });
    recorder.record(199);
    recorder.record(205);
    recorder.record(221);
    expect(recorder.snapshot(229, 1_000)).toEqual({ windowMs: 10, startMs: 1_200, counts: [1, 0, 1] });
  });

  it('counts each window on its own after a reset, even in a ring of one window', () => {
    const recorder = new ArrivalRecorder(0, 1);
    recorder.record(5);
    recorder.reset(100);
    recorder.record(105);
    expect(recorder.snapshot(105, 0)).toEqual({ windowMs: 10, startMs: 100, counts: [1] });
    recorder.record(115);
    expect(recorder.snapshot(115, 0)).toEqual({ windowMs: 10, startMs: 110, counts: [1] });
  });
});

describe('stall edges', () => {
  it('is shut from the first instant of each stall to just before its end, open otherwise', () => {
    const schedule = { everyMs: 50, forMs: 20, phaseMs: 0 };
    expect(stallOpenAt(schedule, 7, 7)).toBe(27);
    expect(stallOpenAt(schedule, 7, 26.999)).toBe(27);
    expect(stallOpenAt(schedule, 7, 27)).toBe(27);
    expect(stallOpenAt(schedule, 7, 56.999)).toBe(56.999);
    expect(stallOpenAt(schedule, 7, 57)).toBe(77);
    expect(stallOpenAt(schedule, 7, 6.999)).toBe(6.999);
  });

  it('counts periods from the origin plus the phase', () => {
    const schedule = { everyMs: 1000, forMs: 100, phaseMs: 250 };
    expect(stallOpenAt(schedule, 500, 749)).toBe(749);
    expect(stallOpenAt(schedule, 500, 750)).toBe(850);
    expect(stallOpenAt(schedule, 500, 850)).toBe(850);
    expect(stallOpenAt(schedule, 500, 10_760)).toBe(10_850); // k = 10
    expect(stallOpenAt(schedule, 500, 10_849)).toBe(10_850);
    expect(stallOpenAt(schedule, 500, 10_850)).toBe(10_850);
    expect(stallOpenAt(schedule, 500, 11_749)).toBe(11_749);
  });
});
