import { describe, expect, it } from 'vitest';
import { parsePrometheusExposition, parsePrometheusText, PrometheusTextError } from '../src/metrics/prometheus-text.js';

/** The error parsing `text` throws (fails the test when it parses). */
function errorOf(text: string): PrometheusTextError {
  try {
    parsePrometheusText(text);
  } catch (e) {
    if (e instanceof PrometheusTextError) return e;
    throw e;
  }
  throw new Error(`parsed without an error: ${JSON.stringify(text)}`);
}

describe('Prometheus text format: what is accepted and what each rejection says', () => {
  it('accepts every letter, digit, underscore and colon the format allows in names', () => {
    const samples = parsePrometheusText(
      ['A_Z:az09 1', 'Z 2', 'z 3', ':colon_first 4', '_ 5', 'm{A="a",Z9="b",z_0="c",_="d"} 6'].join('\n'),
    );
    expect(samples.map((s) => [s.name, s.value])).toEqual([
      ['A_Z:az09', 1],
      ['Z', 2],
      ['z', 3],
      [':colon_first', 4],
      ['_', 5],
      ['m', 6],
    ]);
    expect(samples[5]?.labels).toEqual({ A: 'a', Z9: 'b', z_0: 'c', _: 'd' });
    expect(parsePrometheusExposition('# TYPE Az09:b gauge\n# HELP Az09:b\nAz09:b 1').families.get('Az09:b')).toEqual({ type: 'gauge', help: '' });
  });

  it('reads every spelling of infinity that Go’s ParseFloat reads, in any case', () => {
    const values = parsePrometheusText(['a infinity', 'b +Infinity', 'c -INFINITY', 'd +inf', 'e -Inf', 'f nan'].join('\n')).map((s) => s.value);
    expect(values).toEqual([Infinity, Infinity, -Infinity, Infinity, -Infinity, Number.NaN]);
  });

  it.each([
    ['1bad 1', 1, 'invalid metric name'],
    ['bad-name 1', 1, 'invalid character in metric name'],
    ['ok 1\nlonely', 2, 'missing value'],
    ['m abc', 1, 'invalid value "abc"'],
    ['m 0x10', 1, 'invalid value "0x10"'],
    ['m +NaN', 1, 'invalid value "+NaN"'],
    ['m -nan', 1, 'invalid value "-nan"'],
    ['m 1 1.5', 1, 'invalid timestamp "1.5"'],
    ['m 1 1e3', 1, 'invalid timestamp "1e3"'],
    ['m 1 2 3', 1, 'unexpected text after the timestamp'],
    ['m{', 1, 'unterminated label set'],
    ['m{a="1",', 1, 'unterminated label set'],
    ['m{1a="x"} 1', 1, 'invalid label name'],
    ['m{a "x"} 1', 1, "expected '=' after label a"],
    ['m{a=x} 1', 1, `expected '"' to open the value of label a`],
    ['m{a="1",a="2"} 1', 1, 'duplicate label a'],
    ['m{a="1" b="2"} 1', 1, "expected ',' or '}' after label a"],
    ['m{a="\\t"} 1', 1, 'invalid escape sequence in label value'],
    ['m{a="1} 1', 1, 'unterminated label value'],
    ['# HELP', 1, 'HELP without a valid metric name'],
    ['# TYPE 1m gauge', 1, 'TYPE without a valid metric name'],
    ['# HELP bad-name text', 1, 'invalid metric name in HELP'],
    ['# HELP m one\n# HELP m two', 2, 'second HELP for m'],
    ['# TYPE m gaugeish', 1, 'unknown metric type "gaugeish"'],
    ['# TYPE m gauge extra', 1, 'unexpected text after the TYPE'],
    ['# TYPE m gauge\n# TYPE m counter', 2, 'second TYPE for m'],
    ['m 1\n# TYPE m gauge', 2, 'TYPE for m after its samples'],
  ])('rejects %j at line %i: %s', (text, line, reason) => {
    const e = errorOf(text);
    expect(e.name).toBe('PrometheusTextError');
    expect(e.lineNumber).toBe(line);
    expect(e.reason).toBe(reason);
    const lineText = text.split('\n')[line - 1] ?? '';
    expect(e.lineText).toBe(lineText);
    expect(e.message).toBe(`line ${line}: ${reason}: ${JSON.stringify(lineText)}`);
  });

  it('quotes a bad line of up to 160 characters whole in the message, and cuts a longer one', () => {
    const at160 = `m ${'x'.repeat(158)}`;
    expect(at160).toHaveLength(160);
    expect(errorOf(at160).message).toBe(`line 1: invalid value "${'x'.repeat(158)}": ${JSON.stringify(at160)}`);
    const at161 = `m ${'x'.repeat(159)}`;
    expect(errorOf(at161).message).toBe(`line 1: invalid value "${'x'.repeat(159)}": ${JSON.stringify(`${at161.slice(0, 160)}…`)}`);
    expect(errorOf(at161).lineText).toBe(at161);
  });

  it('keeps an unknown escape and a trailing backslash in HELP text as written', () => {
    const { families } = parsePrometheusExposition('# HELP m tab\\there, newline\\n, end\\');
    expect(families.get('m')?.help).toBe('tab\\there, newline\n, end\\');
  });
});
