import { describe, expect, it } from 'vitest';
import { ArrivalRecorder } from '../src/workload/arrivals.js';

describe('arrival recorder, a record older than the latest one', () => {
  it('counts it in its own window and keeps the later windows already counted', () => {
    const recorder = new ArrivalRecorder(0, 10);
    recorder.record(25); // window 2
    recorder.record(5); // window 0, recorded after window 2 (a timestamp taken earlier)
    recorder.record(26); // window 2 again
    expect(recorder.snapshot(29, 0).counts).toEqual([1, 0, 2]);
  });
});
