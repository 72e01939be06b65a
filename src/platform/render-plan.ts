import { stringify } from 'yaml';
import { shellQuote } from '../exec/shell-quote.js';
import type { Operation } from './operations.js';
import { downloadArgv } from './execute-operations.js';

/**
 * `bench plan` output: every operation of a run, in order, as paste-able shell. API operations are shown as the
 * kubectl command that does the same (the run itself goes through the API client, not kubectl).
 */
export interface PlanSection {
  title: string;
  /** The phase whose duration the run records for this section (`cluster create`, `mesh install`, …). */
  phase?: string;
  operations: Operation[];
}

/** `kubectl` with the section's cluster: its kubeconfig and context. */
export type KubectlBase = readonly string[];

export function renderPlan(header: string, sections: ReadonlyArray<PlanSection & { kubectl: KubectlBase }>): string {
  const out: string[] = [header, ''];
  for (const section of sections) {
    out.push(`# ${section.title}`, '');
    for (const op of section.operations) out.push(...renderOperation(op, section.kubectl), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function heredoc(first: string, content: string): string[] {
  const body = content.endsWith('\n') ? content.slice(0, -1) : content;
  return [`${first} <<'EOF'`, ...body.split('\n'), 'EOF'];
}

const SSA = ['apply', '--server-side', '--force-conflicts', '--field-manager=mesh-bench', '-f', '-'];

export function renderOperation(op: Operation, kubectl: KubectlBase): string[] {
  const comment = `## ${op.title}`;
  switch (op.op) {
    case 'run': {
      if (op.stdin !== undefined) return [comment, ...heredoc(shellQuote(op.argv), op.stdin)];
      return [comment, op.optional ? `${shellQuote(op.argv)} || true` : shellQuote(op.argv)];
    }
    case 'write-file':
      return [comment, ...heredoc(`cat >${shellQuote([op.path])}`, op.content)];
    case 'apply':
      return [comment, ...heredoc(shellQuote([...kubectl, ...SSA]), op.objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'))];
    case 'apply-url':
      return [
        comment,
        `# applied only if its ${op.digest.algorithm} is ${op.digest.value}`,
        `${shellQuote(downloadArgv(op.url))} | ${shellQuote([...kubectl, ...SSA])}`,
      ];
    case 'run-apply':
      return [comment, `${shellQuote(op.argv)} | ${shellQuote([...kubectl, ...SSA])}`];
    case 'wait-rollout':
      return [
        comment,
        shellQuote([...kubectl, '-n', op.namespace, 'rollout', 'status', `${op.kind.toLowerCase()}/${op.name}`, `--timeout=${Math.round(op.timeoutMs / 1000)}s`]),
      ];
    case 'wait-nodes':
      return [comment, shellQuote([...kubectl, 'wait', '--for=condition=Ready', 'nodes', '--all', `--timeout=${Math.round(op.timeoutMs / 1000)}s`])];
    case 'exec':
      return [comment, shellQuote([...kubectl, '-n', op.namespace, 'exec', `deploy/${op.deployment}`, '-c', op.container, '--', ...op.argv])];
    case 'note':
      return [comment, ...op.text.split('\n').map((l) => `# ${l}`)];
    case 'check':
      return [comment, `# check ${op.check}: ${op.description}`];
  }
}
