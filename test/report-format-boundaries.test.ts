import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  formatBytes,
  formatDeltaEstimate,
  formatMicros,
  formatPValue,
  formatRate,
  formatRateEstimate,
  formatSeconds,
  formatSignedMicros,
  inlineCode,
  oneLine,
  stripAnsi,
  table,
  tableCell,
  trimNumber,
} from '../src/report/format.js';

describe('number formats at their boundaries', () => {
  it('chooses the time unit by magnitude, so negative latencies switch at the same points', () => {
    expect(formatMicros(-999.4)).toBe('-999 µs');
    expect(formatMicros(-1000)).toBe('-1.00 ms');
    expect(formatMicros(-10_000_000)).toBe('-10000.00 ms');
    expect(formatMicros(-10_000_001)).toBe('-10.00 s');
  });

  it('gives rates whole from exactly 100 req/s and one decimal from exactly 10 req/s, by magnitude', () => {
    expect(formatRate(100)).toBe('100 req/s');
    expect(formatRate(99.94)).toBe('99.9 req/s');
    expect(formatRate(10)).toBe('10.0 req/s');
    expect(formatRate(9.994)).toBe('9.99 req/s');
    expect(formatRate(-150.4)).toBe('-150 req/s');
    expect(formatRate(-12.34)).toBe('-12.3 req/s');
    expect(formatRateEstimate({ value: 12.34, ci95: [9.87, 15.55] })).toBe('12.3 req/s [9.9–15.6]');
  });

  it('writes a p-value of exactly 0.001 as a number, not as below the floor', () => {
    expect(formatPValue(0.001)).toBe('0.001');
    expect(formatPValue(0.000999)).toBe('<0.001');
  });

  it('switches to KiB at exactly 1024 bytes and stops at TiB however large', () => {
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
    expect(formatBytes(3 * 1024 ** 2)).toBe('3.0 MiB');
    expect(formatBytes(1024 ** 4)).toBe('1.0 TiB');
    expect(formatBytes(2048 * 1024 ** 4)).toBe('2048.0 TiB');
  });
});

describe('signs of differences', () => {
  it('puts a plus before positive numbers that end in zero or start with zero', () => {
    expect(formatSignedMicros(10)).toBe('+10 µs');
    expect(formatSignedMicros(100)).toBe('+100 µs');
    expect(formatDeltaEstimate({ value: 1200, ci95: [300, 2500] })).toBe('+1.20 ms [+0.30, +2.50]');
  });

  it('writes a bound that rounds to zero as 0.00, without sign, whichever side it came from', () => {
    expect(formatDeltaEstimate({ value: 1200, ci95: [-2, 2500] })).toBe('+1.20 ms [0.00, +2.50]');
    expect(formatDeltaEstimate({ value: -1200, ci95: [-2500, 3] })).toBe('-1.20 ms [-2.50, 0.00]');
  });
});

describe('scenario numbers', () => {
  it('are written without trailing zeros', () => {
    expect(formatSeconds(30)).toBe('30 s');
    expect(formatSeconds(0.5)).toBe('0.5 s');
    expect(trimNumber(2.25)).toBe('2.25');
    expect(trimNumber(1000)).toBe('1000');
    expect(trimNumber(100.5)).toBe('100.5');
    expect(trimNumber(0.1 + 0.2)).toBe('0.3');
    expect(trimNumber(-0.000_000_4)).toBe('0');
  });

  it('writes whole numbers as JavaScript does, not as toFixed expands them', () => {
    expect(trimNumber(2 ** 66)).toBe('73786976294838210000');
  });
});

describe('markdown text', () => {
  it('collapses each line break with the whitespace around it into one space and trims the ends', () => {
    expect(oneLine('one  \r\n\n  two\nthree')).toBe('one two three');
    expect(oneLine('ab\ncd')).toBe('ab cd');
    expect(oneLine('  padded  ')).toBe('padded');
    expect(tableCell('  a|b  ')).toBe('a\\|b');
  });

  it('builds a table with a right-aligned rule where asked and left otherwise', () => {
    expect(table(['name', 'p50'], [['a|b', '1 ms'], ['c', '2 ms']], ['l', 'r'])).toBe(
      '| name | p50 |\n|---|---:|\n| a\\|b | 1 ms |\n| c | 2 ms |',
    );
    expect(table(['x', 'y'], [])).toBe('| x | y |\n|---|---|');
  });

  it('fences a block with three backticks at least and adds a final newline only when missing', () => {
    expect(codeBlock('plain')).toBe('```\nplain\n```');
    expect(codeBlock('a ` b')).toBe('```\na ` b\n```');
    expect(codeBlock('\nx')).toBe('```\n\nx\n```');
    expect(codeBlock('x\n', 'yaml')).toBe('```yaml\nx\n```');
  });

  it('pads inline code whose text starts or ends with a backtick, and only then', () => {
    expect(inlineCode('`x')).toBe('`` `x ``');
    expect(inlineCode('x`')).toBe('`` x` ``');
    expect(inlineCode('a\nb')).toBe('`a b`');
    expect(inlineCode('a``b')).toBe('```a``b```');
  });

  it('removes terminal title and hyperlink sequences as well as colours', () => {
    expect(stripAnsi('\u001b]8;;http://127.0.0.1/\u0007link\u001b]8;;\u0007 done')).toBe('link done');
    expect(stripAnsi('\u001b[?25lhidden\u001b[?25h\u001b[2K')).toBe('hidden');
  });
});
