import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIfStale, staleCompiledSources } from './helpers/build-dist-if-stale.js';
import { REPO_ROOT } from './helpers/reference.js';

/** The globalSetup that keeps tests of dist/ (CLI, workload server, workers) from running code older than src/. */
let repo: string;
const write = (path: string, text: string, ageS = 0) => {
  const file = join(repo, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  const at = Date.now() / 1000 - ageS;
  utimesSync(file, at, at);
};

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'mesh-bench-dist-'));
});
afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('staleCompiledSources', () => {
  it('names sources whose compiled file is missing or older, in src, bench and test/reference', () => {
    write('src/fresh.ts', 'export {};', 60);
    write('dist/src/fresh.js', '', 30);
    write('src/edited.ts', 'export {};', 10);
    write('dist/src/edited.js', '', 30);
    write('src/deep/new.ts', 'export {};');
    write('bench/b.ts', 'export {};');
    write('test/reference/s.ts', 'export {};', 60);
    write('dist/test/reference/s.js', '', 30);
    write('src/types.d.ts', 'export {};');
    write('test/not-compiled.ts', 'export {};');
    expect(staleCompiledSources(repo)).toEqual(['bench/b.ts', 'src/deep/new.ts', 'src/edited.ts']);
  });

  it('finds nothing when every compiled file is at least as new as its source', () => {
    write('src/a.ts', 'export {};', 60);
    write('dist/src/a.js', '', 60);
    expect(staleCompiledSources(repo)).toEqual([]);
  });
});

describe('buildIfStale', () => {
  const project = () => {
    writeFileSync(join(repo, 'package.json'), '{"name":"probe","type":"module"}');
    writeFileSync(
      join(repo, 'tsconfig.build.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'dist', rootDir: '.', types: [] }, include: ['src'] }),
    );
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(repo, 'node_modules'));
  };

  it('rebuilds dist/ with tsc when a source is newer, saying which, and then finds it current', () => {
    project();
    write('src/answer.ts', 'export const answer: number = 42;\n');
    const lines: string[] = [];

    expect(buildIfStale(repo, (l) => lines.push(l))).toEqual(['src/answer.ts']);

    expect(readFileSync(join(repo, 'dist/src/answer.js'), 'utf8')).toContain('export const answer = 42;');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^dist\/ was older than src\/answer\.ts: rebuilt \(\d+\.\d s\)$/);
    expect(staleCompiledSources(repo)).toEqual([]);
    expect(buildIfStale(repo, (l) => lines.push(l))).toEqual([]);
    expect(lines).toHaveLength(1);
  });

  it('waits while another test run holds the build lock, then builds and releases it', async () => {
    project();
    write('src/a.ts', 'export const a = 1;\n');
    const lockDir = join(repo, '.cache', 'dist-build.lock');
    mkdirSync(lockDir, { recursive: true });
    // The other run: releases its lock after 600 ms, from another process (buildIfStale blocks this one).
    const other = spawn(process.execPath, ['-e', `setTimeout(() => require('node:fs').rmSync(${JSON.stringify(lockDir)}, { recursive: true }), 600)`]);
    const started = Date.now();
    expect(buildIfStale(repo, () => {})).toEqual(['src/a.ts']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(existsSync(lockDir)).toBe(false);
    await new Promise((resolve) => (other.exitCode === null ? other.once('exit', resolve) : resolve(undefined)));
  });

  it('takes over a lock left by a run that crashed ten minutes ago', () => {
    project();
    write('src/a.ts', 'export const a = 1;\n');
    const lockDir = join(repo, '.cache', 'dist-build.lock');
    mkdirSync(lockDir, { recursive: true });
    const longAgo = Date.now() / 1000 - 11 * 60;
    utimesSync(lockDir, longAgo, longAgo);
    expect(buildIfStale(repo, () => {})).toEqual(['src/a.ts']);
    expect(existsSync(lockDir)).toBe(false);
  });

  it('still emits when the sources have type errors (the typecheck reports those, not the test run)', () => {
    project();
    write('src/wrong.ts', 'export const n: number = "not a number";\n');
    expect(buildIfStale(repo, () => {})).toEqual(['src/wrong.ts']);
    expect(readFileSync(join(repo, 'dist/src/wrong.js'), 'utf8')).toContain('export const n = "not a number";');
  });
});
