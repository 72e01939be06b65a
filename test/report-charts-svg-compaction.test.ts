import { describe, expect, it } from 'vitest';
import { compactGeometry, compactSvg, hoistFontFamily, sharedMarkStyles, withoutBareGroups, withoutDefaults, withoutInteractionLeftovers, withoutZeroLineEnds } from '../src/report/charts/render-svg.js';
import { wellFormed } from './helpers/svg-chart.js';

describe('compacting Vega’s SVG without changing what it draws', () => {
  it('rounds geometry to the half pixel, keeping Vega’s half-pixel offsets and leaving text alone', () => {
    expect(compactGeometry('<g transform="translate(16.66666666666666,266.26)"><line x2="0.5" y2="-33.2"/><text>0.3333</text></g>')).toBe(
      '<g transform="translate(16.5,266.5)"><line x2="0.5" y2="-33"/><text>0.3333</text></g>',
    );
  });

  it('drops attributes at their defaults and the role of group containers, keeping the mark’s own', () => {
    expect(withoutDefaults('<g class="mark-symbol role-mark concat_0_marks" role="graphics-object" aria-roledescription="symbol mark container"><path transform="translate(0,0)" d="M0,0" opacity="1"/><path opacity="0" aria-roledescription="line mark"/></g>')).toBe(
      '<g class="mark-symbol role-mark"><path d="M0,0"/><path opacity="0" aria-roledescription="line mark"/></g>',
    );
  });

  it('drops a normal font weight, which nothing above a text overrides, and keeps a bold one', () => {
    expect(withoutDefaults('<g class="mark-text role-axis-title"><text font-size="12px" font-weight="normal">a</text><text font-weight="bold">b</text></g>')).toBe(
      '<g class="mark-text role-axis-title"><text font-size="12px">a</text><text font-weight="bold">b</text></g>',
    );
  });

  it('drops a line’s ends at 0, SVG’s default, after rounding, and nothing of other elements', () => {
    expect(withoutZeroLineEnds('<g x2="0"><line transform="translate(12,0)" x2="0" y2="-220"/><line x2="560" y2="0"/><line x2="-0.5" y2="10"/><rect x2="0"/></g>')).toBe(
      '<g x2="0"><line transform="translate(12,0)" y2="-220"/><line x2="560"/><line x2="-0.5" y2="10"/><rect x2="0"/></g>',
    );
    expect(compactSvg('<svg><g class="mark-rule role-axis-tick"><line x2="0.1" y2="5"/></g></svg>')).toBe('<svg><g class="mark-rule role-axis-tick"><line y2="5"/></g></svg>');
  });

  it('drops hit-test backgrounds that draw nothing, but keeps a frame drawn with a stroke', () => {
    expect(withoutInteractionLeftovers('<g><path class="background" aria-hidden="true" d="M0,0h288v15h-288Z"/><path class="background" aria-hidden="true" d="M0.5,0.5h560v220h-560Z" stroke="#cccccc"/><path class="foreground" aria-hidden="true" d="" display="none"/></g>')).toBe(
      '<g><path class="background" aria-hidden="true" d="M0.5,0.5h560v220h-560Z" stroke="#cccccc"/></g>',
    );
  });

  it('says a style shared by every element of a mark group once, on the group, but never a data mark’s colour', () => {
    const points = '<g class="mark-symbol role-mark"><path d="M1" stroke="#4c78a8" stroke-width="1.5"/><path d="M2" stroke="#4c78a8" stroke-width="1.5"/></g>';
    expect(sharedMarkStyles(points)).toBe('<g class="mark-symbol role-mark" stroke-width="1.5"><path d="M1" stroke="#4c78a8"/><path d="M2" stroke="#4c78a8"/></g>');
    const ticks = '<g class="mark-rule role-axis-tick"><line x2="5" stroke="#888"/><line x2="6" stroke="#888"/></g>';
    expect(sharedMarkStyles(ticks)).toBe('<g class="mark-rule role-axis-tick" stroke="#888"><line x2="5"/><line x2="6"/></g>');
    // A paint's opacity is inherited too: the interval bars' stroke-opacity and the points' fill-opacity.
    const bars = '<g class="mark-rule role-mark"><line y2="-3" stroke="#4c78a8" stroke-opacity="0.6"/><line y2="-4" stroke="#f58518" stroke-opacity="0.6"/></g>';
    expect(sharedMarkStyles(bars)).toBe('<g class="mark-rule role-mark" stroke-opacity="0.6"><line y2="-3" stroke="#4c78a8"/><line y2="-4" stroke="#f58518"/></g>');
    // Different values, or one element without the attribute: nothing moves.
    const mixed = '<g class="mark-rule role-axis-tick"><line x2="5" stroke="#888"/><line x2="6"/></g>';
    expect(sharedMarkStyles(mixed)).toBe(mixed);
  });

  it('names the one font family on the root, and leaves several families where they are', () => {
    expect(hoistFontFamily('<svg a="1"><text font-family="DejaVu Sans">a</text><text font-family="DejaVu Sans">b</text></svg>')).toBe(
      '<svg font-family="DejaVu Sans" a="1"><text>a</text><text>b</text></svg>',
    );
    const two = '<svg><text font-family="A">a</text><text font-family="B">b</text></svg>';
    expect(hoistFontFamily(two)).toBe(two);
  });

  it('unwraps groups without attributes, matching each end tag to its start', () => {
    expect(withoutBareGroups('<svg><g><g class="x"><g><path/></g></g><g transform="translate(1,1)"><g/></g></g></svg>')).toBe(
      '<svg><g class="x"><path/></g><g transform="translate(1,1)"><g/></g></svg>',
    );
  });

  it('gives a well-formed document from a well-formed one', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg"><g fill="none"><g class="mark-group role-frame root" role="graphics-object" aria-roledescription="group mark container"><g transform="translate(0,0)"><path class="background" aria-hidden="true" d="M0,0h0v0h0Z"/><g><g class="mark-text role-axis-label"><text font-family="F" font-size="11px" opacity="1">1</text><text font-family="F" font-size="11px" opacity="0">2</text></g></g></g></g></g></svg>';
    const out = compactSvg(svg);
    wellFormed(out);
    expect(out).toBe('<svg font-family="F" xmlns="http://www.w3.org/2000/svg"><g fill="none"><g class="mark-group role-frame"><g class="mark-text role-axis-label" font-size="11px"><text>1</text><text opacity="0">2</text></g></g></g></svg>');
  });
});
