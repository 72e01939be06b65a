import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientNodeKube } from '../src/kube/client-node-kube.js';
import { execOutcome } from '../src/kube/exec-status.js';
import { KubeApiError } from '../src/kube/kube-errors.js';
import { startFakeApiServer, writeKubeconfig, wsAvailable, type ExecSession, type FakeApiServer } from './helpers/fake-api-server.js';

/** What the kubelet sends for `exit 3` (remotecommand's NonZeroExitCode status; Go's cause Type is JSON `reason`). */
const nonZeroExit = (code: number) => ({
  metadata: {},
  status: 'Failure',
  message: `command terminated with non-zero exit code: error executing command [sh -c exit ${code}], exit code ${code}`,
  reason: 'NonZeroExitCode',
  details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
});

describe('exec status to exit code', () => {
  it('Success is exit code 0', () => {
    expect(execOutcome({ metadata: {}, status: 'Success' } as never)).toEqual({ kind: 'exited', exitCode: 0 });
  });

  it('NonZeroExitCode takes the code from the ExitCode cause', () => {
    expect(execOutcome(nonZeroExit(3))).toEqual({ kind: 'exited', exitCode: 3 });
  });

  it('NonZeroExitCode without a readable code is a failure, not exit 0', () => {
    expect(execOutcome({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [] } }).kind).toBe('failed');
  });

  it('any other Failure carries the API message', () => {
    expect(
      execOutcome({ status: 'Failure', reason: 'InternalError', message: 'container not found ("web")' }),
    ).toEqual({ kind: 'failed', message: 'container not found ("web")' });
  });
});

/**
 * The exec channel protocol where only a scripted server can show or produce it: the subprotocols offered and the
 * query sent, v4 (API servers before 1.30), a kubelet's NonZeroExitCode status (kwok's local exec reports a non-zero
 * exit as an InternalError without the code), a command that never ends, a cancelled run and a dropped connection.
 * The round trip through a real API server and kwok (stdout, stderr, UTF-8, exit 0, a failure status, refusals for
 * a missing pod or container, the client certificate) is asserted in
 * test/cluster/rollout-waits-exec-and-node-proxy-on-kwok.test.ts (npm run test:cluster).
 */
describe.skipIf(!wsAvailable())('exec over the websocket channel protocol', () => {
  let api: FakeApiServer;
  let kube: ClientNodeKube;
  let removeKubeconfig: () => Promise<void>;
  let sessions: ExecSession[];

  beforeEach(async () => {
    api = await startFakeApiServer();
    const kubeconfig = await writeKubeconfig([{ name: 'bench', server: api.url, token: 'exec-token' }], 'bench');
    removeKubeconfig = kubeconfig.remove;
    kube = new ClientNodeKube({ kubeconfig: kubeconfig.path });
    sessions = [];
  });

  afterEach(async () => {
    await api.close();
    await removeKubeconfig();
  });

  function serve(script: (session: ExecSession) => void, protocols?: readonly string[]): void {
    api.onExec((session) => {
      sessions.push(session);
      script(session);
    }, protocols);
  }

  it('connects to the pod’s exec subresource with the command, container, no stdin, no tty, and the bearer token', async () => {
    serve((s) => s.status({ metadata: {}, status: 'Success' }));

    await kube.exec('bench', 'web-1', 'istio-proxy', ['pilot-agent', 'request', 'GET', 'stats'], 5000);

    const [session] = sessions;
    expect(session?.request.path).toBe('/api/v1/namespaces/bench/pods/web-1/exec');
    expect(session?.request.query.getAll('command')).toEqual(['pilot-agent', 'request', 'GET', 'stats']);
    expect(Object.fromEntries([...(session?.request.query ?? [])].filter(([k]) => k !== 'command'))).toEqual({
      container: 'istio-proxy',
      stdout: 'true',
      stderr: 'true',
      stdin: 'false',
      tty: 'false',
    });
    expect(session?.request.headers.authorization).toBe('Bearer exec-token');
    expect(session?.offered.slice(0, 2)).toEqual(['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    expect(session?.protocol).toBe('v5.channel.k8s.io');
  });

  it('works the same over v4.channel.k8s.io (API servers before 1.30)', async () => {
    serve(
      (s) => {
        s.stdout('out');
        s.stderr('err');
        s.status(nonZeroExit(2));
      },
      ['v4.channel.k8s.io'],
    );

    const result = await kube.exec('bench', 'web-1', 'web', ['false'], 5000);

    expect(sessions[0]?.protocol).toBe('v4.channel.k8s.io');
    expect(result).toEqual({ stdout: 'out', stderr: 'err', exitCode: 2 });
  });

  it('returns a non-zero exit code with the output rather than throwing', async () => {
    serve((s) => {
      s.stderr('sh: nope: not found\n');
      s.status(nonZeroExit(127));
    });

    const result = await kube.exec('bench', 'web-1', 'web', ['nope'], 5000);

    expect(result).toEqual({ stdout: '', stderr: 'sh: nope: not found\n', exitCode: 127 });
  });

  it('times out, naming the pod and container, and closes the connection', async () => {
    serve((s) => s.stdout('started\n'));

    const started = Date.now();
    const error = await kube.exec('bench', 'web-1', 'web', ['sleep', '3600'], 200).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as Error).message).toBe('exec in bench/web-1 container web (sleep 3600): no exit status after 200 ms');
    expect(Date.now() - started).toBeLessThan(2000);
    await sessions[0]?.closed;
  });

  it('is cut short by its signal (SIGTERM), closing the connection instead of waiting for the command', async () => {
    const controller = new AbortController();
    serve((s) => {
      s.stdout('started\n');
      controller.abort('SIGTERM');
    });

    const started = Date.now();
    const error = await kube.exec('bench', 'web-1', 'web', ['sleep', '3600'], 60_000, controller.signal).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as Error).message).toBe('exec in bench/web-1 container web (sleep 3600): cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
    await sessions[0]?.closed;
  });

  it('fails when the connection drops before an exit status', async () => {
    serve((s) => {
      s.stdout('partial');
      s.close();
    });

    await expect(kube.exec('bench', 'web-1', 'web', ['true'], 5000)).rejects.toThrow(
      'exec in bench/web-1 container web (true): connection closed before an exit status',
    );
  });
});
