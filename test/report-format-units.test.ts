import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  formatBytes,
  formatDeltaEstimate,
  formatMicros,
  formatMicrosEstimate,
  formatPercent,
  formatPValue,
  formatRate,
  formatRateEstimate,
  formatSignedMicros,
  inlineCode,
  shellQuote,
  stripAnsi,
  tableCell,
} from '../src/report/format.js';

describe('formatMicros', () => {
  it('shows whole microseconds under 1 ms', () => {
    expect(formatMicros(0)).toBe('0 µs');
    expect(formatMicros(412)).toBe('412 µs');
    expect(formatMicros(412.4)).toBe('412 µs');
    expect(formatMicros(999.4)).toBe('999 µs');
  });

  it('switches to milliseconds with 2 decimals from 1 ms, including values that round up to it', () => {
    expect(formatMicros(999.6)).toBe('1.00 ms');
    expect(formatMicros(1000)).toBe('1.00 ms');
    expect(formatMicros(1234)).toBe('1.23 ms');
    expect(formatMicros(45_678)).toBe('45.68 ms');
    expect(formatMicros(10_000_000)).toBe('10000.00 ms');
  });

  it('switches to seconds above 10 s', () => {
    expect(formatMicros(10_000_001)).toBe('10.00 s');
    expect(formatMicros(12_345_678)).toBe('12.35 s');
    expect(formatMicros(60_000_000)).toBe('60.00 s');
  });
});

describe('estimates and differences', () => {
  it('show the median with its 95% interval in the median’s unit', () => {
    expect(formatMicrosEstimate({ value: 412, ci95: [398, 431] })).toBe('412 µs [398–431]');
    expect(formatMicrosEstimate({ value: 1020.4, ci95: [1016, 1031] })).toBe('1.02 ms [1.02–1.03]');
    expect(formatMicrosEstimate({ value: 950, ci95: [900, 1100] })).toBe('950 µs [900–1100]');
  });

  it('sign differences, choosing the unit by magnitude', () => {
    expect(formatSignedMicros(35)).toBe('+35 µs');
    expect(formatSignedMicros(-1200)).toBe('-1.20 ms');
    expect(formatSignedMicros(0)).toBe('0 µs');
    expect(formatSignedMicros(-0.2)).toBe('0 µs');
  });

  it('write a difference’s interval with signed bounds', () => {
    expect(formatDeltaEstimate({ value: 35, ci95: [20, 50] })).toBe('+35 µs [+20, +50]');
    expect(formatDeltaEstimate({ value: -5, ci95: [-12, 3] })).toBe('-5 µs [-12, +3]');
    expect(formatDeltaEstimate({ value: 1200, ci95: [-100, 2500] })).toBe('+1.20 ms [-0.10, +2.50]');
  });
});

describe('other units', () => {
  it('rates keep fewer decimals as they grow', () => {
    expect(formatRate(9874.4)).toBe('9874 req/s');
    expect(formatRate(12.34)).toBe('12.3 req/s');
    expect(formatRate(1.234)).toBe('1.23 req/s');
    expect(formatRateEstimate({ value: 9874.4, ci95: [9850, 9901.2] })).toBe('9874 req/s [9850–9901]');
  });

  it('percentages have one decimal', () => {
    expect(formatPercent(0.0321)).toBe('3.2%');
    expect(formatPercent(0)).toBe('0.0%');
  });

  it('p-values have three decimals and a floor', () => {
    expect(formatPValue(0.008)).toBe('0.008');
    expect(formatPValue(0.05)).toBe('0.050');
    expect(formatPValue(0.0004)).toBe('<0.001');
    expect(formatPValue(1)).toBe('1.000');
  });

  it('bytes use binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(16_768_094_208)).toBe('15.6 GiB');
  });
});

describe('shellQuote', () => {
  it('leaves plain words bare', () => {
    expect(shellQuote(['kubectl', '--context', 'kind-bench', 'get', 'pods', '-o=json', 'a/b.c:1,2@x%+'])).toBe(
      'kubectl --context kind-bench get pods -o=json a/b.c:1,2@x%+',
    );
  });

  it('single-quotes anything a shell would interpret', () => {
    expect(shellQuote(['sh', '-c', 'a && b'])).toBe("sh -c 'a && b'");
    expect(shellQuote(['echo', "it's"])).toBe("echo 'it'\\''s'");
    expect(shellQuote(['echo', ''])).toBe("echo ''");
    expect(shellQuote(['echo', '$HOME', '~/x', '*', 'a;b'])).toBe("echo '$HOME' '~/x' '*' 'a;b'");
  });

  it('quotes a first word with = so it is not read as an assignment', () => {
    expect(shellQuote(['FOO=bar', 'x'])).toBe("'FOO=bar' x");
    expect(shellQuote(['env', 'FOO=bar'])).toBe('env FOO=bar');
  });

  it('gives back the same argv when a real shell reads it', () => {
    const argv = ['plain', "it's", 'two words', '', '$HOME', '`id`', 'tab\there', 'new\nline', '\\', '"', '!x', '-n'];
    const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${shellQuote(argv)}`], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(argv);
  });
});

describe('markdown helpers', () => {
  it('keep table cells on one line with pipes escaped', () => {
    expect(tableCell('a | b\n  c')).toBe('a \\| b c');
  });

  it('fence code longer than any backtick run inside', () => {
    expect(codeBlock('x', 'sh')).toBe('```sh\nx\n```');
    expect(codeBlock('a\n````\nb\n')).toBe('`````\na\n````\nb\n`````');
  });

  it('write inline code that survives backticks', () => {
    expect(inlineCode('bench run')).toBe('`bench run`');
    expect(inlineCode('a`b')).toBe('``a`b``');
    expect(inlineCode('`x`')).toBe('`` `x` ``');
  });

  it('strip terminal colours', () => {
    expect(stripAnsi('\u001b[31m✘\u001b[0m failed \u001b[1;32mok\u001b[0m')).toBe('✘ failed ok');
  });
});
