import type { Logger } from './deps.js';

/** Status lines on stderr (stdout stays for data such as `--json`): ` ✓ Creating cluster`, ` ✗ …`. */
export class ConsoleLogger implements Logger {
  constructor(
    private readonly write: (text: string) => void = (t) => process.stderr.write(t),
    private readonly verbose = false,
  ) {}
  info(message: string): void {
    this.write(`${message}\n`);
  }
  warn(message: string): void {
    this.write(`WARNING: ${message}\n`);
  }
  debug(message: string): void {
    if (this.verbose) this.write(`DEBUG: ${message}\n`);
  }
  stepStart(title: string): void {
    this.write(` • ${title} …\n`);
  }
  stepEnd(title: string, ok: boolean): void {
    this.write(` ${ok ? '✓' : '✗'} ${title}\n`);
  }
}
