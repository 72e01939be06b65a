/** Where commands print: the process streams in the CLI, buffers in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/**
 * Exits with `code` once everything written to stdout and stderr so far has been handed to the OS. When stdout is a
 * pipe (`bench load --json` in a pod, read through the exec stream), Node writes what the pipe takes at once and queues
 * the rest, and process.exit() drops the queue ("pending writes to process.stdout … may be lost": nodejs.org/api
 * process.html, process.exit): a 300,000-byte result arrived cut at 64 KiB (issue 8, defect 6). A write's callback
 * runs after every earlier write to that stream, so an empty write per stream is the barrier. A closed reader (EPIPE)
 * ends the wait too: nothing more can be delivered.
 */
export async function exitWhenFlushed(code: number, streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): Promise<never> {
  await Promise.all(
    streams.map(
      (stream) =>
        new Promise<void>((resolve) => {
          if (stream.destroyed || stream.writableEnded) return resolve();
          stream.once('error', () => resolve());
          stream.write('', () => resolve());
        }),
    ),
  );
  process.exit(code);
}
