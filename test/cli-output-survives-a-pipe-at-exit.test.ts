import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Defect 6 of issue 8: `bench load --json` in a pod prints its step result to a pipe (the exec stream) and the CLI
 * exited right after; through a pipe only the first 64 KiB of a 300,000-byte result arrived. bin.ts now ends with
 * exitWhenFlushed (src/cli/io.ts). Here that function runs in a real child process whose stdout is a pipe the parent
 * does not read for a while (as a busy API server would not), so the pipe fills long before the child exits.
 */
const RESULT_BYTES = 300_000;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mesh-bench-pipe-'));
  // The source of src/cli/io.ts as the build emits it (it imports nothing at run time), so no dist/ is needed.
  const source = await readFile(new URL('../src/cli/io.ts', import.meta.url), 'utf8');
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  await writeFile(join(dir, 'io.mjs'), js);
  // A step result shaped like the real one: JSON with a long encoded histogram.
  const child = `
    import { exitWhenFlushed, processIo } from './io.mjs';
    const histogram = 'HISTFAAAA'.padEnd(${RESULT_BYTES} - 64, 'x');
    const result = JSON.stringify({ schemaVersion: 1, histogram });
    processIo.out(result.padEnd(${RESULT_BYTES} - 1, ' ') + '\\n');
    if (process.argv[2] === 'exit-at-once') process.exit(0);
    await exitWhenFlushed(0);
  `;
  await writeFile(join(dir, 'child.mjs'), child);
});

afterAll(() => rm(dir, { recursive: true, force: true }));

/**
 * Runs the child with its stdout on an OS pipe (like a container's stdout) whose reader starts after 300 ms; returns
 * the bytes that arrived and the child's exit code. (Node's own spawn 'pipe' is a socket pair with a far larger buffer,
 * so bash makes the pipe.)
 */
function throughSlowPipe(args: string[]): Promise<{ bytes: Buffer; code: number | null }> {
  return new Promise((resolve, reject) => {
    const script = 'set -o pipefail; "$0" "$1" "$2" | { sleep 0.3; cat; }';
    const child = spawn('bash', ['-c', script, process.execPath, join(dir, 'child.mjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ bytes: Buffer.concat(chunks), code }));
  });
}

describe('the CLI’s exit through a pipe', () => {
  it('delivers a 300,000-byte result whole before exiting, with the exit code', async () => {
    const { bytes, code } = await throughSlowPipe([]);
    expect(code).toBe(0);
    expect(bytes.length).toBe(RESULT_BYTES);
    expect((JSON.parse(bytes.toString('utf8')) as { histogram: string }).histogram).toMatch(/^HISTFAAAAx+$/);
  });

  it('exiting at once, as bin.ts did, loses what the pipe had not taken yet (the defect this guards against)', async () => {
    const { bytes } = await throughSlowPipe(['exit-at-once']);
    expect(bytes.length).toBeLessThan(RESULT_BYTES);
  });

  it('bin.ts ends through exitWhenFlushed, not process.exit', async () => {
    const bin = await readFile(new URL('../src/cli/bin.ts', import.meta.url), 'utf8');
    const code = bin.replace(/\/\/.*$/gm, '');
    expect(code).toMatch(/await exitWhenFlushed\(code\);\s*$/);
    expect(code.match(/process\.exit\(/g)).toHaveLength(1); // the second-signal escape hatch only
  });
});
