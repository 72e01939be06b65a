import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
import { nightly } from './helpers/nightly-workflow.js';

/**
 * Every `bench` command the nightly runs exists, with every flag it passes: the workflow only runs on GitHub, so a
 * renamed command or flag would otherwise be found by a failed night.
 */
const program = buildProgram({ io: { out: () => {}, err: () => {} }, cwd: '/', env: {}, signal: new AbortController().signal }, () => {});

/** `node bin/bench.js <command> …` lines of every step, continuation lines joined. */
const invocations = Object.values(nightly.jobs)
  .flatMap((j) => j.steps)
  .flatMap((s) => (s.run ?? '').replace(/\\\n\s*/g, ' ').split('\n'))
  .flatMap((line) => [...line.matchAll(/node bin\/bench\.js ([a-z]+)((?: [^|;&)]*)?)/g)])
  .map((m) => ({ command: m[1]!, flags: [...(m[2] ?? '').matchAll(/(?:^|\s)(--[a-z-]+)/g)].map((f) => f[1]!) }));

describe('nightly workflow: bench commands', () => {
  it('finds the commands it runs: doctor, calibrate, run, report, merge, compare, history', () => {
    expect([...new Set(invocations.map((i) => i.command))].sort()).toEqual(['calibrate', 'compare', 'doctor', 'history', 'merge', 'report', 'run']);
  });

  it.each(invocations.map((i) => [`${i.command} ${i.flags.join(' ')}`, i] as const))('bench %s exists with these flags', (_title, i) => {
    const command = program.commands.find((c) => c.name() === i.command);
    expect(command, `bench ${i.command} is not a command`).toBeDefined();
    const known = command!.options.map((o) => o.long);
    for (const flag of i.flags) expect(known, `bench ${i.command} has no ${flag}`).toContain(flag);
  });
});
