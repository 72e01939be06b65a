import type { ProcessRunner } from '../core/deps.js';
import { CommandError } from '../core/errors.js';
import type { KubeClient } from '../core/kube.js';
import { checkSidecars, verification, workloadPods } from './istio-verify.js';
import type { MeshContext, Verification } from './mesh-adapter.js';

/**
 * Proof that the benchmark pods are in the Linkerd mesh: every server and load-client pod carries a ready
 * `linkerd-proxy` (a native sidecar by default since Linkerd 2.20: linkerd.io 2-edge features/native-sidecars, chart
 * value proxy.nativeSidecar: true in linkerd-control-plane values.yaml at edge-26.8.3; a regular container is accepted
 * too, for `config.linkerd.io/proxy-enable-native-sidecar: false`), and Linkerd's own data-plane checks pass.
 *
 * The namespace's `linkerd.io/inject` annotation is not checked here: KubeClient reads namespace labels only. The
 * injected proxies are the stronger proof anyway: the injector only acts on that annotation.
 */
export const LINKERD_PROXY_CONTAINER = 'linkerd-proxy';

/** `linkerd check -o json`: pkg/healthcheck/healthcheck_output.go CheckOutput at edge-26.8.3. */
export interface LinkerdCheckOutput {
  success: boolean;
  categories: Array<{
    categoryName: string;
    checks: Array<{ description: string; result: 'success' | 'warning' | 'error'; error?: string; hint?: string }>;
  }>;
}

const RESULTS = new Set(['success', 'warning', 'error']);

/**
 * Parses `linkerd check -o json`. The text may carry other output around the JSON object (a failed command's captured
 * output interleaves stderr), so the object is taken from the first `{` to the last `}`.
 */
export function parseLinkerdCheckJson(text: string): LinkerdCheckOutput {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('linkerd check -o json: no JSON object in the output');
  let data: unknown;
  try {
    data = JSON.parse(text.slice(start, end + 1));
  } catch (error) {
    throw new Error(`linkerd check -o json: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(data) || typeof data.success !== 'boolean' || !Array.isArray(data.categories)) {
    throw new Error('linkerd check -o json: expected {"success": boolean, "categories": [...]}');
  }
  const categories = data.categories.map((c, i) => {
    if (!isObject(c) || typeof c.categoryName !== 'string' || !Array.isArray(c.checks)) {
      throw new Error(`linkerd check -o json: categories[${i}] has no categoryName or checks`);
    }
    const checks = c.checks.map((k, j) => {
      if (!isObject(k) || typeof k.description !== 'string' || typeof k.result !== 'string' || !RESULTS.has(k.result)) {
        throw new Error(`linkerd check -o json: categories[${i}].checks[${j}] has no description or a result other than success/warning/error`);
      }
      return {
        description: k.description,
        result: k.result as 'success' | 'warning' | 'error',
        ...(typeof k.error === 'string' ? { error: k.error } : {}),
        ...(typeof k.hint === 'string' ? { hint: k.hint } : {}),
      };
    });
    return { categoryName: c.categoryName, checks };
  });
  return { success: data.success, categories };
}

/** One line per check that is not a success, `category: description: error`. */
export function checkFindings(report: LinkerdCheckOutput, result: 'warning' | 'error'): string[] {
  return report.categories.flatMap((c) =>
    c.checks.filter((k) => k.result === result).map((k) => `${c.categoryName}: ${k.description}${k.error ? `: ${k.error}` : ''}`),
  );
}

/** `linkerd check --proxy --namespace <ns> --output json --wait 2m` (flags: cli/cmd/check.go at edge-26.8.3). */
export function linkerdProxyCheckArgv(ctx: MeshContext): string[] {
  return [
    'linkerd',
    'check',
    '--proxy',
    '--namespace',
    ctx.namespace,
    '--output',
    'json',
    '--wait',
    '2m',
    '--kubeconfig',
    ctx.kubeconfig,
    ...(ctx.context ? ['--context', ctx.context] : []),
  ];
}

export async function verifyLinkerd(ctx: MeshContext, kube: KubeClient, runner: ProcessRunner): Promise<Verification> {
  const evidence: string[] = [];
  const problems: string[] = [];
  const { pods, problems: missing } = await workloadPods(kube, ctx.namespace);
  problems.push(...missing);
  checkSidecars(pods, LINKERD_PROXY_CONTAINER, evidence, problems, 'not injected: is the namespace annotated linkerd.io/inject=enabled, and was the pod created after?');

  const argv = linkerdProxyCheckArgv(ctx);
  let output: string;
  try {
    output = (await runner.run(argv, { timeoutMs: 3 * 60_000 })).stdout;
  } catch (error) {
    // linkerd check exits 1 when a check fails (cli/cmd/check.go os.Exit(1)); its JSON is still on stdout, whole
    // (a CommandError's `output` is only the tail of both streams, which cuts a long report mid-object).
    if (!(error instanceof CommandError)) throw error;
    output = error.stdout ?? error.output;
  }
  let report: LinkerdCheckOutput;
  try {
    report = parseLinkerdCheckJson(output);
  } catch (error) {
    problems.push(`linkerd check --proxy gave no usable result (${error instanceof Error ? error.message : String(error)}): ${output.slice(0, 500)}`);
    return verification(evidence, problems);
  }
  const total = report.categories.reduce((n, c) => n + c.checks.length, 0);
  const warnings = checkFindings(report, 'warning');
  const errors = checkFindings(report, 'error');
  evidence.push(`linkerd check --proxy: ${total} checks, ${warnings.length} warnings, ${errors.length} errors`);
  // Warnings (e.g. "can determine the latest version" without internet access) do not make the workload unmeshed.
  evidence.push(...warnings.map((w) => `linkerd check warning: ${w}`));
  problems.push(...errors.map((e) => `linkerd check: ${e}`));
  if (!report.success && errors.length === 0) problems.push('linkerd check --proxy reported failure without a failing check');
  return verification(evidence, problems);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
