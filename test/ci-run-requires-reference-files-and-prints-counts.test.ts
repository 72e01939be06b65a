import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/reference.js';

/** .ci/run (CI: shared/ beside the clone): reference tests may not skip there, and the log ends its test part with counts. */
const script = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
const lines = script.split('\n');

describe('.ci/run', () => {
  it('sets REQUIRE_REFERENCE=1 for the tests, so a missing reference file fails instead of skipping', () => {
    const exported = lines.findIndex((l) => /^export REQUIRE_REFERENCE=1$/.test(l));
    const test = lines.findIndex((l) => /^npm test\b/.test(l));
    expect(exported).toBeGreaterThanOrEqual(0);
    expect(test).toBeGreaterThan(exported);
  });

  it('prints "N passed, N failed, N skipped" as its last line, summing both suites\' vitest JSON reports, also after failures', () => {
    expect(lines.filter((l) => l.trim() && !l.startsWith('#')).slice(-2)[0]).toContain('numPassedTests');
    expect(lines.find((l) => /^npm test\b/.test(l))).toMatch(/--outputFile\.json=\.tmp\/vitest\.json \|\| status=\$\?$/);
    const oneLiner = /node -e '([^']+)'/.exec(lines.find((l) => l.includes('numPassedTests')) ?? '')?.[1];
    expect(oneLiner).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'mesh-bench-ci-'));
    try {
      mkdirSync(join(dir, '.tmp'));
      writeFileSync(join(dir, '.tmp', 'vitest.json'), JSON.stringify({ numPassedTests: 1058, numFailedTests: 2, numPendingTests: 83, numTodoTests: 1 }));
      expect(execFileSync(process.execPath, ['-e', oneLiner!], { cwd: dir, encoding: 'utf8' })).toBe('1058 passed, 2 failed, 84 skipped\n');
      // With the real control-plane suite's report beside it, the one line counts both.
      writeFileSync(join(dir, '.tmp', 'vitest-cluster.json'), JSON.stringify({ numPassedTests: 13, numFailedTests: 1, numPendingTests: 0, numTodoTests: 0 }));
      expect(execFileSync(process.execPath, ['-e', oneLiner!], { cwd: dir, encoding: 'utf8' })).toBe('1071 passed, 3 failed, 84 skipped\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
