// asciichart ships no types; only what src/report uses is declared.
declare module 'asciichart' {
  export interface PlotConfig {
    min?: number;
    max?: number;
    /** Rows of the plot area minus one. */
    height?: number;
    /** Columns left of the plot area; the axis sits at offset - 1. */
    offset?: number;
    padding?: string;
    /** Axis label for row value x. */
    format?: (x: number, i: number) => string;
    /** Default ['┼','┤','╶','╴','─','╰','╭','╮','╯','│']: two axis marks, two unused, then the line pieces. */
    symbols?: string[];
    colors?: (string | undefined)[];
  }
  const asciichart: {
    plot(series: number[] | number[][], cfg?: PlotConfig): string;
  };
  export default asciichart;
}
