import { describe, expect, it } from 'vitest';
import { watchParent, type ParentWatchHost } from '../src/workload/parent-watch.js';

/** The process the watch runs in: a parent pid the test changes, recorded exits and stderr, polls the test fires. */
class FakeHost implements ParentWatchHost {
  parent: number;
  readonly exits: number[] = [];
  readonly errors: string[] = [];
  readonly polls: { ms: number; check: () => void }[] = [];
  readonly stderr = { write: (text: string): void => void this.errors.push(text) };
  constructor(parent: number) {
    this.parent = parent;
  }
  ppid(): number {
    return this.parent;
  }
  exit(code: number): void {
    this.exits.push(code);
  }
  every(ms: number, check: () => void): void {
    this.polls.push({ ms, check });
  }
}

describe('a local workload server watching the harness that started it', () => {
  it('keeps running while its parent is the harness, and exits 1 with one line once it is re-parented', () => {
    const host = new FakeHost(1234);
    expect(watchParent('1234', host)).toBe(true);
    // Every 250 ms: an orphan is gone within a second (src/workload/README.md).
    expect(host.polls.map((p) => p.ms)).toEqual([250]);
    host.polls[0]!.check();
    expect(host.exits).toEqual([]);
    expect(host.errors).toEqual([]);
    host.parent = 1; // orphaned: re-parented to init
    host.polls[0]!.check();
    expect(host.exits).toEqual([1]);
    expect(host.errors).toEqual(['workload server: parent process 1234 is gone; exiting\n']);
  });

  it('exits at once when the harness is already gone at start', () => {
    const host = new FakeHost(1);
    watchParent('1234', host);
    expect(host.exits).toEqual([1]);
    expect(host.errors).toEqual(['workload server: parent process 1234 is gone; exiting\n']);
  });

  it.each([undefined, '', 'abc', '0', '-5', '12.5'])('does not watch when the parent pid is %j', (value) => {
    const host = new FakeHost(1234);
    expect(watchParent(value, host)).toBe(false);
    expect(host.polls).toEqual([]);
    expect(host.exits).toEqual([]);
  });
});
