import { execa, type ResultPromise } from 'execa';
import { CommandError } from '../core/errors.js';
import type { ProcessRunner, RunOptions, RunOutput } from '../core/deps.js';

/** How much of a failed command's output a CommandError keeps (the tail: where the error usually is). */
const OUTPUT_TAIL_CHARS = 8000;

function tail(s: string): string {
  return s.length > OUTPUT_TAIL_CHARS ? `…${s.slice(-OUTPUT_TAIL_CHARS)}` : s;
}

function execaOptions(o: RunOptions) {
  return {
    reject: false,
    all: true,
    stripFinalNewline: false,
    ...(o.input !== undefined ? { input: o.input } : { stdin: 'ignore' as const }),
    ...(o.env ? { env: o.env, extendEnv: true } : {}),
    ...(o.cwd ? { cwd: o.cwd } : {}),
    ...(o.timeoutMs ? { timeout: o.timeoutMs } : {}),
    ...(o.signal ? { cancelSignal: o.signal } : {}),
  };
}

type Finished = Awaited<ResultPromise<{ all: true; reject: false }>>;

function settle(argv: readonly string[], r: Finished): RunOutput {
  const stdout = String(r.stdout ?? '');
  const stderr = String(r.stderr ?? '');
  if (r.failed) {
    const reason = r.timedOut
      ? 'timed out'
      : r.isCanceled
        ? 'cancelled'
        : r.exitCode !== undefined
          ? `exit code ${r.exitCode}`
          : r.signal
            ? `killed by ${r.signal}`
            : (r.shortMessage ?? 'could not start');
    throw new CommandError(argv, r.exitCode ?? null, tail(String(r.all ?? `${stdout}${stderr}`) || (r.message ?? "")), reason, stdout);
  }
  return { stdout, stderr, exitCode: r.exitCode ?? 0 };
}

/** The real process runner: argv arrays only, never a shell. */
export class ExecaRunner implements ProcessRunner {
  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunOutput> {
    const [file, ...args] = argv;
    if (!file) throw new Error('empty argv');
    const r = (await execa(file, args, execaOptions(options))) as Finished;
    return settle(argv, r);
  }

  async pipe(from: readonly string[], to: readonly string[], options: RunOptions = {}): Promise<RunOutput> {
    const [f, ...fa] = from;
    const [t, ...ta] = to;
    if (!f || !t) throw new Error('empty argv');
    const { input: _input, ...rest } = options;
    const producer = execa(f, fa, { ...execaOptions(rest), stdin: 'ignore' as const, all: false });
    const r = (await producer.pipe(t, ta, execaOptions(rest))) as Finished;
    const p = (await producer) as unknown as Finished;
    if (p.failed) settle(from, p);
    return settle([...from, '|', ...to], r);
  }
}
