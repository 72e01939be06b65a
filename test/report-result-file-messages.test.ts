import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { RunResult } from '../src/core/result-schema.js';
import { InputError } from '../src/core/errors.js';
import { describeIssue, parseRunResult, writeRunResult } from '../src/report/result-file.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const PATH = '/results/run/results.json';

type Issue = z.core.$ZodIssue;

/** One schema issue as zod reports it with `reportInput` (path and message filled in, the rest as given). */
function issue(fields: Record<string, unknown>): Issue {
  return { path: [], message: '', ...fields } as unknown as Issue;
}

function parseError(text: string): string {
  try {
    parseRunResult(text, PATH);
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  throw new Error('parseRunResult accepted the text');
}

function fixtureWith(edit: (data: Record<string, unknown>) => void): string {
  const data = structuredClone(loadTwoSystemFixture()) as unknown as Record<string, unknown>;
  edit(data);
  return JSON.stringify(data);
}

describe('a file that is not a run result gets one line naming it', () => {
  it('names the JSON type it holds instead of an object', () => {
    expect(parseError('null')).toBe(`${PATH}: not a mesh-bench run result (expected a JSON object, got null)`);
    expect(parseError('"results"')).toBe(`${PATH}: not a mesh-bench run result (expected a JSON object, got a string)`);
    expect(parseError('42')).toBe(`${PATH}: not a mesh-bench run result (expected a JSON object, got a number)`);
    expect(parseError('true')).toBe(`${PATH}: not a mesh-bench run result (expected a JSON object, got a boolean)`);
  });

  it('tells a compact record apart from a full results file', () => {
    expect(parseError(fixtureWith((d) => (d['kind'] = 'mesh-bench/record')))).toBe(
      `${PATH}: kind: is a compact record, not a full results.json (the workflow's artefact has it)`,
    );
  });

  it('quotes a kind that is not a string as JSON', () => {
    expect(parseError(fixtureWith((d) => (d['kind'] = 3)))).toBe(
      `${PATH}: kind: not a mesh-bench run result (kind is 3, expected "mesh-bench/run")`,
    );
  });

  it('quotes a schema version that is not a number as JSON', () => {
    expect(parseError(fixtureWith((d) => (d['schemaVersion'] = '1')))).toBe(
      `${PATH}: schemaVersion: unsupported schema version "1" (this harness reads 1)`,
    );
    expect(parseError(fixtureWith((d) => (d['schemaVersion'] = null)))).toBe(
      `${PATH}: schemaVersion: unsupported schema version null (this harness reads 1)`,
    );
  });
});

describe('writing refuses an invalid result with each problem on its own line', () => {
  it('gives the value that was there and names a problem at the top level as (root)', async () => {
    const fs = new MemoryFileSystem();
    const broken = { ...structuredClone(loadTwoSystemFixture()), runId: 12, extra: true } as unknown as RunResult;
    await expect(writeRunResult('/out', broken, { fs })).rejects.toThrow(
      'refusing to write an invalid run result (a harness bug):\nrunId: expected string, got 12\n(root): unknown field "extra"',
    );
    expect(fs.calls).toEqual([]);
  });
});

describe('schema issues in a short message', () => {
  it('says a field is missing when the issue carries no input or an undefined one', () => {
    expect(describeIssue(issue({ code: 'invalid_type', expected: 'string' }))).toBe('missing (expected string)');
    expect(describeIssue(issue({ code: 'invalid_type', expected: 'int', input: undefined }))).toBe(
      'missing (expected an integer)',
    );
  });

  it('describes the value found in place of the expected type', () => {
    const got = (input: unknown): string => describeIssue(issue({ code: 'invalid_type', expected: 'number', input }));
    expect(got(null)).toBe('expected number, got null');
    expect(got([1])).toBe('expected number, got an array');
    expect(got({ a: 1 })).toBe('expected number, got an object');
    expect(got('x'.repeat(40))).toBe(`expected number, got a string ("${'x'.repeat(40)}")`);
    expect(got('y'.repeat(41))).toBe(`expected number, got a string ("${'y'.repeat(40)}…")`);
    expect(got(false)).toBe('expected number, got false');
    expect(got(2.5)).toBe('expected number, got 2.5');
    expect(got(10n)).toBe('expected number, got bigint');
    expect(describeIssue(issue({ code: 'invalid_type', expected: 'int', input: 1.5 }))).toBe(
      'expected an integer, got 1.5',
    );
  });

  it('lists the allowed values, with "one of" only when there are several', () => {
    expect(describeIssue(issue({ code: 'invalid_value', values: ['completed'], input: 'done' }))).toBe(
      'expected "completed", got a string ("done")',
    );
    expect(describeIssue(issue({ code: 'invalid_value', values: ['a', 2], input: 3 }))).toBe('expected one of "a", 2, got 3');
    expect(describeIssue(issue({ code: 'invalid_value', values: ['a', 'b'] }))).toBe('missing (expected "a", "b")');
  });

  it('words array and set bounds in items', () => {
    const small = (origin: string, minimum: number): string =>
      describeIssue(issue({ code: 'too_small', origin, minimum, inclusive: true }));
    const big = (origin: string, maximum: number): string =>
      describeIssue(issue({ code: 'too_big', origin, maximum, inclusive: true }));
    expect(small('array', 1)).toBe('must have at least 1 item');
    expect(small('array', 2)).toBe('must have at least 2 items');
    expect(small('set', 3)).toBe('must have at least 3 items');
    expect(big('array', 1)).toBe('must have at most 1 item');
    expect(big('set', 4)).toBe('must have at most 4 items');
  });

  it('words string bounds in characters, and a minimum of one as not empty', () => {
    const small = (minimum: number): string => describeIssue(issue({ code: 'too_small', origin: 'string', minimum }));
    expect(small(1)).toBe('must not be empty');
    expect(small(3)).toBe('must be at least 3 characters');
    expect(describeIssue(issue({ code: 'too_big', origin: 'string', maximum: 1 }))).toBe('must be at most 1 character');
    expect(describeIssue(issue({ code: 'too_big', origin: 'string', maximum: 63 }))).toBe('must be at most 63 characters');
  });

  it('words number bounds as comparisons, inclusive unless the issue says otherwise', () => {
    const bound = (fields: Record<string, unknown>): string => describeIssue(issue({ origin: 'number', ...fields }));
    expect(bound({ code: 'too_small', minimum: 0, inclusive: true })).toBe('must be >= 0');
    expect(bound({ code: 'too_small', minimum: 0, inclusive: false })).toBe('must be > 0');
    expect(bound({ code: 'too_small', minimum: 5 })).toBe('must be >= 5');
    expect(bound({ code: 'too_big', maximum: 1, inclusive: true })).toBe('must be <= 1');
    expect(bound({ code: 'too_big', maximum: 1, inclusive: false })).toBe('must be < 1');
    expect(bound({ code: 'too_big', maximum: 100 })).toBe('must be <= 100');
  });

  it('names unknown fields, in the plural when there are several', () => {
    expect(describeIssue(issue({ code: 'unrecognized_keys', keys: ['argv'] }))).toBe('unknown field "argv"');
    expect(describeIssue(issue({ code: 'unrecognized_keys', keys: ['a', 'b c'] }))).toBe('unknown fields "a", "b c"');
  });

  it('drops zod’s leading "Invalid string: " and "Invalid input: ", and only when leading', () => {
    expect(describeIssue(issue({ code: 'invalid_format', message: 'Invalid string: must start with "/"' }))).toBe(
      'must start with "/"',
    );
    expect(describeIssue(issue({ code: 'invalid_format', message: 'path: Invalid string: x' }))).toBe(
      'path: Invalid string: x',
    );
    expect(describeIssue(issue({ code: 'custom', message: 'Invalid input: steps overlap' }))).toBe('steps overlap');
    expect(describeIssue(issue({ code: 'custom', message: 'a rate: Invalid input: x' }))).toBe('a rate: Invalid input: x');
  });
});
