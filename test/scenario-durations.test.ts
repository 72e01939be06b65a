import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parsePercentOrFraction, parseSize } from '../src/scenario/durations.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 0.25],
    ['10s', 10],
    ['2m', 120],
    ['1m30s', 90],
    ['1h', 3600],
    ['0.5s', 0.5],
    ['1.1s', 1.1],
    ['1s100ms', 1.1],
    ['500us', 0.0005],
    ['500µs', 0.0005],
    ['0ms', 0],
    [' 10s ', 10],
  ] as const)('reads %j as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it('reads a number as seconds, rounded to the microsecond', () => {
    expect(parseDuration(10)).toBe(10);
    expect(parseDuration(0.0000004)).toBe(0);
    expect(parseDuration(1 / 3)).toBe(0.333333);
  });

  it.each(['10 seconds', '10', '', '-1s', '10S', '1.s', '30s1m', '1s1s', '1m 30s', '5ns', '1d'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(RangeError);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (n) => {
    expect(() => parseDuration(n)).toThrow(RangeError);
  });

  it('names the bad value and the accepted forms', () => {
    expect(() => parseDuration('10 seconds')).toThrow(
      'invalid duration "10 seconds": expected "250ms", "10s", "2m", "1m30s" or a number of seconds',
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.0005, '500µs'],
    [0.25, '250ms'],
    [0.0015, '1.5ms'],
    [2.5, '2.5s'],
    [10, '10s'],
    [90, '1m30s'],
    [120, '2m'],
    [3600, '1h'],
    [5400.5, '1h30m0.5s'],
  ] as const)('writes %d seconds as %j', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('writes what parseDuration reads back unchanged', () => {
    for (const seconds of [0.000001, 0.000999, 0.001, 0.25, 1.1, 59.999999, 61, 3599.5, 86_400]) {
      expect(parseDuration(formatDuration(seconds))).toBe(seconds);
    }
  });

  it('refuses negative durations', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
  });
});

describe('parseSize', () => {
  it.each([
    ['512B', 512],
    ['1KiB', 1024],
    ['1.5KiB', 1536],
    ['2MiB', 2_097_152],
    ['1kB', 1000],
    ['1.5kB', 1500],
    ['1MB', 1_000_000],
    ['0.1MB', 100_000],
    ['4 KiB', 4096],
  ] as const)('reads %j as %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('reads a whole number as bytes', () => {
    expect(parseSize(0)).toBe(0);
    expect(parseSize(1024)).toBe(1024);
  });

  it.each(['1KB', '1kb', '1GiB', '0.3KiB', '1.5B', '-1B', 'KiB', '1024'])('rejects %j', (text) => {
    expect(() => parseSize(text)).toThrow(RangeError);
  });

  it.each([-1, 1.5])('rejects the number %d', (n) => {
    expect(() => parseSize(n)).toThrow(RangeError);
  });
});

describe('parsePercentOrFraction', () => {
  it.each([
    ['0.1%', 0.001],
    ['0.7%', 0.007],
    ['5%', 0.05],
    ['100%', 1],
    ['0%', 0],
    [0.001, 0.001],
    [1, 1],
  ] as const)('reads %j as %d', (value, fraction) => {
    expect(parsePercentOrFraction(value)).toBe(fraction);
  });

  it.each([5, -0.1, Number.NaN, '101%', '0.1', 'a%', '-1%'])('rejects %j', (value) => {
    expect(() => parsePercentOrFraction(value)).toThrow(RangeError);
  });
});
