import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * vitest globalSetup: tests that start the CLI, the workload server or a worker thread run the compiled dist/, so after
 * an edit in src/ a plain `npx vitest run test/x.test.ts` would test yesterday's code. Before any test runs, every
 * compiled folder's .ts file must have a dist/ .js at least as new; if one does not, dist/ is rebuilt (`npm test`
 * builds first, so there this finds nothing to do).
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The folders tsconfig.build.json compiles. */
export const COMPILED_FOLDERS = ['src', 'bench', 'test/reference'] as const;

/** Sources (relative to `repo`) whose dist/ output is missing or older than they are. */
export function staleCompiledSources(repo: string, folders: readonly string[] = COMPILED_FOLDERS): string[] {
  const stale: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const rel = relative(repo, path);
        const out = join(repo, 'dist', rel.replace(/\.ts$/, '.js'));
        if (!existsSync(out) || statSync(out).mtimeMs < statSync(path).mtimeMs) stale.push(rel);
      }
    }
  };
  for (const folder of folders) walk(join(repo, folder));
  return stale.sort();
}

export function buildIfStale(repo: string, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string[] {
  if (staleCompiledSources(repo).length === 0) return [];
  // Two test runs at once (several people or agents in one checkout) must not both write dist/ while the other's
  // tests read it: one builds, the other waits and then finds dist/ current.
  const release = lock(join(repo, '.cache', 'dist-build.lock'));
  try {
    return build(repo, log);
  } finally {
    release();
  }
}

function build(repo: string, log: (line: string) => void): string[] {
  const stale = staleCompiledSources(repo);
  if (stale.length === 0) return stale;
  const tsc = createRequire(join(repo, 'package.json')).resolve('typescript/bin/tsc');
  const started = Date.now();
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    // tsc emits despite type errors (noEmitOnError is off): what matters here is that dist/ is current; the
    // typecheck reports the errors.
    const still = staleCompiledSources(repo);
    if (still.length > 0) throw new Error(`dist/ is stale and tsc could not rebuild it (${still[0]}…): ${(e as Error).message}`);
  }
  log(`dist/ was older than ${stale[0]}${stale.length > 1 ? ` and ${stale.length - 1} more` : ''}: rebuilt (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return stale;
}

const sleepSync = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** An exclusive lock by directory creation (atomic); a lock older than ten minutes is a crashed run's and is taken over. */
function lock(dir: string, timeoutMs = 10 * 60_000): () => void {
  mkdirSync(dirname(dir), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(dir).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      if (age > 10 * 60_000) rmSync(dir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another test run has been building dist/ for ${Math.round(age / 1000)} s (${dir})`);
      else sleepSync(200);
    }
  }
}

export default function setup(): void {
  buildIfStale(REPO);
}
