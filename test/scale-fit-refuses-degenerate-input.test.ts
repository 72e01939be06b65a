import { describe, expect, it } from 'vitest';
import { ExitCode, InputError } from '../src/core/errors.js';
import { fitMemory } from '../src/scale/fit-memory.js';

describe('the memory fit refuses input it cannot fit', () => {
  it('refuses points all at one pod count, in one line saying why (exit 2)', () => {
    const same = [1, 2, 3].map((i) => ({ pods: 4, bytes: i * 1e6 }));
    let error: unknown;
    try {
      fitMemory(same, 'istio sidecar-proxy idle');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(ExitCode.invalidInput);
    expect((error as InputError).message).toBe(
      'istio sidecar-proxy idle: pods: a memory fit needs points at 2 or more different pod counts, got 3 point(s) at pod count 4: per-pod and per-node terms cannot be told apart',
    );
  });

  it('refuses no points at all', () => {
    expect(() => fitMemory([], 'x')).toThrow('got 0 point(s) at pod count none');
  });

  it('refuses two points, which fit a line exactly and leave no degrees of freedom for an interval', () => {
    expect(() => fitMemory([{ pods: 1, bytes: 1 }, { pods: 2, bytes: 3 }], 'x')).toThrow('needs 3 or more points, got 2');
  });
});
