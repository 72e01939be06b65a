import type { Logger } from '../../src/core/deps.js';

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  debug(m: string): void {
    this.lines.push(`debug ${m}`);
  }
  stepStart(t: string): void {
    this.lines.push(`start ${t}`);
  }
  stepEnd(t: string, ok: boolean): void {
    this.lines.push(`${ok ? 'ok' : 'FAIL'} ${t}`);
  }
}
