import type { KubeObject } from '../core/kube.js';

/**
 * What a cluster run does, as data. Every effect of `bench run` on a cluster is one of these, built by pure
 * functions (platform and mesh adapters), then executed in order by execute-operations.ts. `bench plan` prints the
 * same list without executing it, so the plan is the run by construction.
 */
export type Operation =
  /**
   * Run a program (argv, never a shell string). `stdin` feeds it text, e.g. a manifest. `capture` keeps its stdout
   * under that key (version queries); `optional` lets it fail without failing the run (teardown of what may not exist).
   */
  | { op: 'run'; title: string; argv: string[]; stdin?: string; timeoutMs: number; capture?: string; optional?: boolean }
  /** Write a run-private file (a kind config, values for helm). */
  | { op: 'write-file'; title: string; path: string; content: string }
  /** Server-side apply of objects through the API (in order). */
  | { op: 'apply'; title: string; objects: KubeObject[] }
  /**
   * Download a manifest, check it against a pinned digest (never apply an unverified download), and server-side
   * apply its objects. `git-blob-sha1` is the id git gives the file at the pinned upstream tag.
   */
  | { op: 'apply-url'; title: string; url: string; digest: { algorithm: 'sha256' | 'git-blob-sha1'; value: string }; timeoutMs: number }
  /** Run a program that prints manifests (`linkerd install`) and server-side apply what it printed. */
  | { op: 'run-apply'; title: string; argv: string[]; timeoutMs: number }
  /** Wait until a Deployment or DaemonSet has every replica updated and available. */
  | {
      op: 'wait-rollout';
      title: string;
      kind: 'Deployment' | 'DaemonSet';
      namespace: string;
      name: string;
      timeoutMs: number;
      /** Label selector of its pods, to describe them on timeout (default: the object's matchLabels). */
      selector?: string;
    }
  /**
   * Wait until the cluster has at least `minNodes` nodes and every one reports condition Ready=True (what
   * `kubectl wait --for=condition=Ready nodes --all` waits for). On a cluster without a CNI the nodes stay NotReady
   * until the CNI is installed, so this runs after it.
   */
  | { op: 'wait-nodes'; title: string; minNodes: number; timeoutMs: number }
  /** Run a command in the first ready pod of a Deployment (the load client). */
  | { op: 'exec'; title: string; namespace: string; deployment: string; container: string; argv: string[]; timeoutMs: number }
  /** Something the run does that is not a command: shown in plans, logged in runs (e.g. kubelet scraping). */
  | { op: 'note'; title: string; text: string }
  /** A named check implemented in code (e.g. "the workload pods carry a ready proxy"); described, not a command. */
  | { op: 'check'; title: string; check: string; description: string };

export type RunOperation = Extract<Operation, { op: 'run' }>;
