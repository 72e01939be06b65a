import { describe, expect, it } from 'vitest';
import { renderChart } from '../src/report/chart.js';

describe('the latency chart', () => {
  it('uses a linear axis within two decades', () => {
    const chart = renderChart({ xLabels: ['100 rps', '200 rps'], series: [{ marker: 'a', values: [300, 500] }] });
    expect(chart?.logScale).toBe(false);
    expect(chart?.text).toBe(
      [
        '     500 µs ┤         aaaa',
        '     483 µs ┤        aa',
        '     467 µs ┤       aa',
        '     450 µs ┤       a',
        '     433 µs ┤      aa',
        '     417 µs ┤     aa',
        '     400 µs ┤    aa',
        '     383 µs ┤   aa',
        '     367 µs ┤  aa',
        '     350 µs ┤  a',
        '     333 µs ┤ aa',
        '     317 µs ┤aa',
        '     300 µs ┤a',
        '            └┬─────────┬───',
        '          100 rps   200 rps',
      ].join('\n'),
    );
  });

  it('switches to a log10 axis when values span more than two decades, labelled in real units', () => {
    const chart = renderChart({
      xLabels: ['1000 rps', '5000 rps', '9000 rps'],
      series: [
        { marker: 'a', values: [200, 450, 30_000] },
        { marker: 'A', values: [800, 2_000, 250_000] },
      ],
    });
    expect(chart?.logScale).toBe(true);
    const lines = chart?.text.split('\n') ?? [];
    expect(lines[0]).toMatch(/^ +250\.00 ms ┤/);
    expect(lines[12]).toMatch(/^ +200 µs ┤a/);
    expect(lines.at(-2)).toBe('            └┬──────────┬──────────┬───');
    expect(lines.at(-1)).toBe('         1000 rps   5000 rps   9000 rps');
  });

  it('marks each series with its own letter and shared cells with *', () => {
    const chart = renderChart({
      xLabels: ['a', 'b'],
      series: [
        { marker: 'a', values: [100, 200] },
        { marker: 'b', values: [100, 300] },
      ],
    });
    const text = chart?.text ?? '';
    expect(text).toContain('a');
    expect(text).toContain('b');
    expect(text.split('\n').find((l) => l.includes('┤*'))).toBeDefined();
  });

  it('leaves a gap where a value is missing, and does not join unlike steps', () => {
    const gap = renderChart({ xLabels: ['x', 'y', 'z'], series: [{ marker: 'a', values: [100, null, 100] }] });
    expect(gap?.text.split('\n')[0]).toBe('     100 µs ┤aaa                 aaa');
    const apart = renderChart({
      xLabels: ['x', 'y'],
      joined: [false],
      series: [{ marker: 'a', values: [100, 200] }],
    });
    const rows = apart?.text.split('\n') ?? [];
    expect(rows[0]).toBe('     200 µs ┤          aaa');
    expect(rows.slice(1, -3).every((row) => row.endsWith('┤'))).toBe(true);
    expect(rows.at(-3)).toBe('     100 µs ┤aaa');
  });

  it('has nothing to draw without values', () => {
    expect(renderChart({ xLabels: ['x'], series: [{ marker: 'a', values: [null] }] })).toBeNull();
    expect(renderChart({ xLabels: ['x'], series: [] })).toBeNull();
  });

  it('contains no colour codes', () => {
    const chart = renderChart({ xLabels: ['x', 'y'], series: [{ marker: 'a', values: [1, 2] }] });
    expect(chart?.text).not.toContain('\u001b');
  });
});
