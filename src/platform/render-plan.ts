import { stringify } from 'yaml';
import { shellQuote } from '../exec/shell-quote.js';
import type { Operation } from './operations.js';

/**
 * `bench plan` output: every operation of a run, in order, as paste-able shell. API operations are shown as the
 * kubectl command that does the same (the run itself goes through the API client, not kubectl).
 */
export interface PlanSection {
  title: string;
  operations: Operation[];
}

export function renderPlan(header: string, sections: readonly PlanSection[], kubeconfigOf: (section: PlanSection) => string): string {
  const out: string[] = [header, ''];
  for (const section of sections) {
    out.push(`# ${section.title}`, '');
    for (const op of section.operations) out.push(...renderOperation(op, kubeconfigOf(section)), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function heredoc(argv: string[], content: string): string[] {
  const body = content.endsWith('\n') ? content : `${content}\n`;
  return [`${shellQuote(argv)} <<'EOF'`, ...body.slice(0, -1).split('\n'), 'EOF'];
}

export function renderOperation(op: Operation, kubeconfig: string): string[] {
  const comment = `## ${op.title}`;
  switch (op.op) {
    case 'run': {
      const line = op.optional ? `${shellQuote(op.argv)} || true` : shellQuote(op.argv);
      return op.stdin !== undefined ? [comment, ...heredoc(op.argv, op.stdin)] : [comment, line];
    }
    case 'write-file': {
      const body = op.content.endsWith('\n') ? op.content.slice(0, -1) : op.content;
      return [comment, `cat >${shellQuote([op.path])} <<'EOF'`, ...body.split('\n'), 'EOF'];
    }
    case 'exec':
      return [
        comment,
        shellQuote(['kubectl', '--kubeconfig', kubeconfig, '-n', op.namespace, 'exec', `deploy/${op.deployment}`, '-c', op.container, '--', ...op.argv]),
      ];
    case 'note':
      return [comment, ...op.text.split('\n').map((l) => `# ${l}`)];
    case 'apply':
      return [
        comment,
        ...heredoc(
          ['kubectl', '--kubeconfig', kubeconfig, 'apply', '--server-side', '--force-conflicts', '--field-manager=mesh-bench', '-f', '-'],
          op.objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'),
        ),
      ];
    case 'run-apply':
      return [
        comment,
        `${shellQuote(op.argv)} | ${shellQuote(['kubectl', '--kubeconfig', kubeconfig, 'apply', '--server-side', '--force-conflicts', '--field-manager=mesh-bench', '-f', '-'])}`,
      ];
    case 'wait-rollout':
      return [
        comment,
        shellQuote([
          'kubectl',
          '--kubeconfig',
          kubeconfig,
          '-n',
          op.namespace,
          'rollout',
          'status',
          `${op.kind.toLowerCase()}/${op.name}`,
          `--timeout=${Math.round(op.timeoutMs / 1000)}s`,
        ]),
      ];
    case 'check':
      return [comment, `# check ${op.check}: ${op.description}`];
  }
}
