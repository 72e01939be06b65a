/**
 * `bench agent`: the load-client pod's main process. It does nothing but stay alive until told to stop; each step
 * runs as `bench load … --json` exec'd into the pod, so load leaves from the pod's own network namespace (through its
 * sidecar or ztunnel) and the runner reads the result from the exec's stdout.
 */
export function agentCommand(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => {}, 1 << 30);
    const stop = (): void => {
      clearInterval(keepAlive);
      resolve();
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}
