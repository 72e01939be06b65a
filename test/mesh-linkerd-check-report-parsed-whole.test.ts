import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../src/core/errors.js';
import { ExecaRunner } from '../src/exec/execa-runner.js';
import { checkFindings, parseLinkerdCheckJson, verifyLinkerd } from '../src/mesh/linkerd-verify.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import { parseVersions } from '../src/platform/versions.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { referenceFiles } from './helpers/reference.js';

/**
 * Defect 8 of issue 8: `linkerd check --proxy -o json` exits 1 when a check fails, and the runner's CommandError kept
 * only the last 8000 characters of the output, so a long report lost its opening `{` and the failing checks were never
 * named. The report is built from the real check list of edge-26.8.3 (cli-samples/linkerd/check.proxy.golden, the
 * categories and descriptions `linkerd check --proxy` prints) in the JSON shape of healthcheck_output.go, and is
 * printed by a real child process that exits 1, through the real ExecaRunner.
 */
const GOLDEN = 'cli-samples/linkerd/check.proxy.golden';
const golden = referenceFiles('the linkerd check --proxy report tests', [GOLDEN]);
const haveGolden = golden.available;

const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const ctx: MeshContext = { clusterName: 'bench-linkerd', kubeconfig: '/tmp/run/kubeconfig', workDir: '/tmp/run/work', versions: VERSIONS, namespace: 'bench' };

/** Pods whose proxies carry an old trust bundle: linkerd's own message lists every one of them. */
const STALE_PODS = Array.from({ length: 60 }, (_, i) => `\t* bench/server-${i}-6d8f9c7b5d-${String(i).padStart(5, 'x')}`).join('\n');
const FAILURES: Record<string, string> = {
  'data plane proxies certificate match CA': `Some pods do not have the current trust anchor and must be restarted:\n${STALE_PODS}`,
  'data plane proxies are ready': 'No "linkerd-proxy" containers found in the "bench" namespace',
};

/** `linkerd check --proxy -o json` as edge-26.8.3 would print it for the golden's checks, two of them failing. */
function longReport(golden: string): string {
  const categories: Array<{ categoryName: string; checks: object[] }> = [];
  const lines = golden.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^-+$/.test(lines[i + 1] ?? '') && line.trim()) categories.push({ categoryName: line.trim(), checks: [] });
    const check = /^√ (.+)$/.exec(line);
    if (!check || !categories.length) continue;
    const description = check[1]!;
    const error = FAILURES[description];
    categories.at(-1)!.checks.push(
      error === undefined ? { description, result: 'success' } : { description, hint: 'https://linkerd.io/2/checks/#l5d-data-plane', error, result: 'error' },
    );
  }
  return JSON.stringify({ success: false, categories }, null, 2);
}

/** The CommandError the real runner throws for a child that prints `text` on stdout and exits 1. */
async function realFailure(text: string): Promise<CommandError> {
  const script = `process.stdout.write(${JSON.stringify(text)}); process.stderr.write('\\n'); process.exitCode = 1;`;
  const error = await new ExecaRunner().run([process.execPath, '-e', script]).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CommandError)) throw new Error(`expected a CommandError, got ${String(error)}`);
  return error;
}

describe.skipIf(!haveGolden)('linkerd check --proxy -o json, longer than the output tail a CommandError keeps', () => {
  const report = haveGolden ? longReport(golden.read(GOLDEN)) : '';

  it('is a report of every golden check, long enough to be cut', () => {
    const parsed = parseLinkerdCheckJson(report);
    const goldenChecks = golden.read(GOLDEN).split('\n').filter((l) => l.startsWith('√ ')).length;
    expect(goldenChecks).toBeGreaterThan(40);
    expect(parsed.categories.reduce((n, c) => n + c.checks.length, 0)).toBe(goldenChecks);
    expect(report.length).toBeGreaterThan(8000);
  });

  it('reaches the verifier whole through the real runner when linkerd exits 1', async () => {
    const error = await realFailure(report);
    expect(error.output.length).toBeLessThan(report.length);
    expect(error.stdout).toBe(report);
  });

  it('fails verification naming every failing check, the first one too', async () => {
    const error = await realFailure(report);
    const runner = new FakeRunner().on(['linkerd', 'check'], () => {
      throw error;
    });
    const kube = new FakeKube();
    const result = await verifyLinkerd(ctx, kube, runner);
    expect(result.ok).toBe(false);
    const findings = checkFindings(parseLinkerdCheckJson(report), 'error');
    expect(findings).toHaveLength(2);
    for (const finding of findings) expect(result.problem).toContain(`linkerd check: ${finding.split('\n')[0]}`);
    expect(result.problem).toContain('linkerd-identity-data-plane: data plane proxies certificate match CA: Some pods do not have the current trust anchor');
    expect(result.problem).toContain('linkerd-data-plane: data plane proxies are ready: No "linkerd-proxy" containers found');
    expect(result.problem).not.toMatch(/no usable result/);
  });
});
