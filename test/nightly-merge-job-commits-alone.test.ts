import { describe, expect, it } from 'vitest';
import { COMPARE_REPORT_FILE_NAME } from '../src/compare/compare-report.js';
import { RECORD_FILE_NAME } from '../src/history/record-schema.js';
import { ExitCode } from '../src/core/errors.js';
import { mergeJob, mergeJobId, nightly, pkg, stepIndex, stepMatching, systemJob, systemJobId } from './helpers/nightly-workflow.js';

/** The nightly's final job (issue 9, builds 1, 5, 6, 9): merge, compare, history, commit, and the regression mark. */
describe('nightly workflow: the merge job', () => {
  it('depends on every system job (the matrix job as a whole) and runs also when some failed', () => {
    expect(Object.keys(nightly.jobs)).toEqual([systemJobId, mergeJobId]);
    expect([mergeJob.needs].flat()).toEqual([systemJobId]);
    expect(mergeJob.if).toBe('always()');
    expect(mergeJob['runs-on']).toBe('ubuntu-24.04');
  });

  it('is the only job that can write: read-only token for the workflow, contents: write for the merge job alone', () => {
    expect(nightly.permissions).toEqual({ contents: 'read' });
    expect(systemJob.permissions).toBeUndefined();
    expect(mergeJob.permissions).toEqual({ contents: 'write' });
    // The system jobs do not even keep the read token in their checkout.
    expect(stepMatching(systemJob, /^actions\/checkout@/)?.with?.['persist-credentials']).toBe(false);
  });

  it('commits the results from the merge job only', () => {
    const writes = /\bgit (commit|push)\b/;
    expect(systemJob.steps.filter((s) => writes.test(s.run ?? '')).map((s) => s.name)).toEqual([]);
    const commits = mergeJob.steps.filter((s) => writes.test(s.run ?? ''));
    expect(commits).toHaveLength(1);
    const script = commits[0]!.run!;
    expect(script).toContain('git add results');
    expect(script).toContain("git config user.name 'github-actions[bot]'");
    expect(script).toMatch(/git pull --rebase origin "\$GITHUB_REF_NAME"\ngit push origin "HEAD:\$GITHUB_REF_NAME"/);
  });

  it('downloads every system job’s artefact, each into its own directory, and merges whatever results it finds', () => {
    const download = stepMatching(mergeJob, /^actions\/download-artifact@/);
    const uploadName = String(stepMatching(systemJob, /^actions\/upload-artifact@/)?.with?.name);
    expect(download?.with).toEqual({ pattern: 'nightly-results-*', path: 'downloaded' });
    expect(uploadName.startsWith('nightly-results-')).toBe(true);
    const merge = mergeJob.steps.find((s) => s.id === 'merge')!;
    expect(merge.run).toContain('runs=(downloaded/*/*/results.json)');
    expect(merge.run).toContain(`node ${pkg.bin.bench} merge "\${runs[@]}" --out "$MERGED_DIR"`);
    // A night where no system wrote results is an error, not an empty commit.
    expect(merge.run).toMatch(/if \(\(\$\{#runs\[@\]\} == 0\)\); then\n\s+echo '::error title=No results::[^']+'\n\s+exit 1/);
  });

  it('commits the night into results/<UTC date> without the full results.json, which stays an artefact', () => {
    const merge = mergeJob.steps.find((s) => s.id === 'merge')!.run!;
    expect(merge).toContain('run_dir="results/$(date -u +%Y-%m-%d)"');
    expect(merge).toContain('merged=("$MERGED_DIR"/*/results.json)');
    expect(merge).toContain('cp -R "$(dirname "${merged[0]}")"/. "$run_dir"/');
    expect(merge).toContain('rm -f "$run_dir/results.json"');
    const upload = stepMatching(mergeJob, /^actions\/upload-artifact@/);
    expect(upload?.with?.path).toBe(`${mergeJob.env?.MERGED_DIR}/`);
    expect(mergeJob.env?.MERGED_DIR).not.toMatch(/^results/);
  });

  it('compares with the previous night using the history as noise floor, and keeps the comparison in the night’s directory', () => {
    const compare = mergeJob.steps.find((s) => s.id === 'compare')!;
    // The compact JSON under the name `bench history` reads beside each night's record (src/compare/compact-report.ts)
    // is committed; its markdown (the job summary's) and the full comparison go beside the merged results, into the
    // artefact only (issue 9, build 6: a night commits at most ~300 KB).
    expect(compare.run).toContain(
      `node ${pkg.bin.bench} compare "$previous" "$MERGED" --history results/ \\\n` +
        `  --compact-out "$full_dir/compare.md" --compact-json "$RUN_DIR/${COMPARE_REPORT_FILE_NAME}" \\\n` +
        `  --out "$full_dir/compare-full.md" --json "$full_dir/compare-full.json" || code=$?`,
    );
    expect(compare.run).toContain('full_dir=$(dirname "$MERGED")');
    // Only the nightly's own directories (results/YYYY-MM-DD…) are nights; the newest other than this one is "previous".
    // (No trailing slash on the glob: `2026-12-01-<run id>/` would sort before `2026-12-01/`; the scripts test runs it.)
    expect(compare.run).toContain('for dir in results/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*; do');
    // The code `bench compare` documents for a regression is recorded, any other failure fails the step.
    expect(compare.run).toContain(`if ((code == ${ExitCode.regression})); then\n  echo "regression=true" >> "$GITHUB_OUTPUT"`);
    expect(compare.run).toMatch(/elif \(\(code != 0\)\); then\n\s+exit "\$code"/);
  });

  it('regenerates results/README.md with bench history, writes the verdict table to the job summary', () => {
    expect(stepMatching(mergeJob, /bench\.js history/)?.run).toBe(`node ${pkg.bin.bench} history --results results/ --out results/README.md`);
    const summary = mergeJob.steps.find((s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? ''));
    expect(summary?.run).toContain(`node ${pkg.bin.bench} report --summary "$MERGED" --report-link "$RUN_DIR/report.md"`);
    expect(summary?.run).toContain('compare_md="$(dirname "$MERGED")/compare.md"');
    expect(summary?.run).toContain('cat "$compare_md"');
    expect(summary?.run).not.toContain('$RUN_DIR/compare.md');
  });

  it('in order: merge, compare, the comparison into the report, history, commit, then the regression marks the run (not the commit) with an annotation', () => {
    const merge = mergeJob.steps.findIndex((s) => s.id === 'merge');
    const compare = mergeJob.steps.findIndex((s) => s.id === 'compare');
    // `bench report` on the committed record, once compare.json.gz is beside it (issue 9, build 9).
    // Both files under the names the commands write (gzip-compressed, src/history/gzip-json-file.ts).
    const intoReport = stepIndex(mergeJob, /bench\.js report "\$RUN_DIR\/record\.json\.gz"/);
    expect(mergeJob.steps[intoReport]?.run).toContain(`if [[ -f "$RUN_DIR/${COMPARE_REPORT_FILE_NAME}" ]]; then node ${pkg.bin.bench} report "$RUN_DIR/${RECORD_FILE_NAME}"; fi`);
    const history = stepIndex(mergeJob, /bench\.js history/);
    const commit = stepIndex(mergeJob, /git commit/);
    const mark = mergeJob.steps.length - 1;
    expect(merge).toBeGreaterThanOrEqual(0);
    expect(merge).toBeLessThan(compare);
    expect(compare).toBeLessThan(intoReport);
    expect(intoReport).toBeLessThan(commit);
    expect(compare).toBeLessThan(history);
    expect(history).toBeLessThan(commit);
    expect(commit).toBeLessThan(mark);
    expect(merge).toBeGreaterThan(stepIndex(mergeJob, /^actions\/download-artifact@/));
    const last = mergeJob.steps[mark]!;
    expect(last.if).toBe("always() && steps.compare.outputs.regression == 'true'");
    expect(last.run).toMatch(/^echo "::error title=Regression::[^"]+"\nexit 1\n$/);
    // Everything after the merge runs even when a step before it failed, as long as there is a merged night.
    for (const s of mergeJob.steps.slice(compare, mark)) expect(s.if, s.name).toBe("always() && steps.merge.outcome == 'success'");
  });
});
