import { join } from 'node:path';
import type { Deps } from '../../core/deps.js';
import { ExitCode, type ExitCodeValue } from '../../core/errors.js';
import { collectEnvironment } from '../../core/environment.js';
import { packageRoot } from '../../core/package-root.js';
import { calibrate } from '../../calibration/calibration.js';
import { renderCalibration } from '../../report/render-calibration.js';
import { checkOutputDir } from '../../report/output-location.js';
import type { CliIo } from '../io.js';

/**
 * `bench calibrate`: measures this machine on loopback and writes calibration.json + calibration.md. Exit 0 when
 * every check passed, 1 when one did not (the numbers are still written: they say what this machine can do).
 */
export async function calibrateCommand(p: {
  outDir: string;
  quick: boolean;
  deps: Deps;
  io: CliIo;
  signal: AbortSignal;
  cores: number;
}): Promise<ExitCodeValue> {
  // Before measuring: minutes of calibration must not be lost to an --out that cannot be written.
  await checkOutputDir('--out', p.outDir, p.deps);
  const environment = await collectEnvironment(p.deps.runner, packageRoot());
  const c = await calibrate({
    quick: p.quick,
    cores: p.cores,
    environment,
    now: () => new Date(p.deps.clock.now()),
    signal: p.signal,
    log: (line) => p.deps.logger.info(line),
  });
  if (p.signal.aborted) return ExitCode.interrupted;
  await p.deps.fs.mkdir(p.outDir);
  await p.deps.fs.writeFileAtomic(join(p.outDir, 'calibration.json'), `${JSON.stringify(c, null, 2)}\n`);
  const md = renderCalibration(c);
  await p.deps.fs.writeFileAtomic(join(p.outDir, 'calibration.md'), md);
  p.io.out(md);
  p.io.out(`\nwrote ${join(p.outDir, 'calibration.json')} and ${join(p.outDir, 'calibration.md')}\n`);
  return c.checks.every((k) => k.ok) ? ExitCode.ok : ExitCode.failure;
}
