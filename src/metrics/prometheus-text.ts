/**
 * Prometheus text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/),
 * parsed into flat samples. Written here rather than taken from npm: `parse-prometheus-text-format` (the one
 * maintained candidate) groups samples into prom2json-style families with string values, merges consecutive
 * samples with equal labels, reports errors without a line number and ships no types; we need flat numeric
 * samples with their timestamps and errors that point at a line.
 *
 * A hand-written scanner, one pass per line, no backtracking: a 1.4 MB cAdvisor scrape parses in milliseconds.
 * Strictness follows the Go reference parser (prometheus/common expfmt TextParser) where it matters for
 * correctness — names, quoting, escapes in label values, duplicate labels, values, timestamps, trailing
 * garbage — and is looser only for HELP text, which is documentation and not worth failing a scrape over.
 */

export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The sample's own timestamp, epoch milliseconds, or null when the line has none. */
  timestampMs: number | null;
}

export const prometheusMetricTypes = ['counter', 'gauge', 'histogram', 'summary', 'untyped'] as const;
export type PrometheusMetricType = (typeof prometheusMetricTypes)[number];

export interface PrometheusFamilyInfo {
  type: PrometheusMetricType | null;
  help: string | null;
}

export interface PrometheusExposition {
  samples: PrometheusSample[];
  /** HELP/TYPE metadata by metric name, for the names that had any. */
  families: Map<string, PrometheusFamilyInfo>;
}

/** A line that is not valid text format. `lineNumber` is 1-based. */
export class PrometheusTextError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly reason: string,
    readonly lineText: string,
  ) {
    const shown = lineText.length > 160 ? `${lineText.slice(0, 160)}…` : lineText;
    super(`line ${lineNumber}: ${reason}: ${JSON.stringify(shown)}`);
    this.name = 'PrometheusTextError';
  }
}

export function parsePrometheusText(text: string): PrometheusSample[] {
  return parsePrometheusExposition(text).samples;
}

export function parsePrometheusExposition(text: string): PrometheusExposition {
  const samples: PrometheusSample[] = [];
  const families = new Map<string, PrometheusFamilyInfo>();
  const sampledNames = new Set<string>();
  let lineStart = 0;
  let lineNumber = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    lineNumber++;
    // CRLF is not part of the format, but tolerating a trailing CR costs nothing and spares copies made on Windows.
    const end = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === CR ? lineEnd - 1 : lineEnd;
    const line = text.slice(lineStart, end);
    const first = skipBlanks(line, 0);
    if (first < line.length) {
      if (line.charCodeAt(first) === HASH) {
        parseComment(line, first + 1, lineNumber, families, sampledNames);
      } else {
        const sample = parseSampleLine(line, first, lineNumber);
        sampledNames.add(sample.name);
        samples.push(sample);
      }
    }
    lineStart = lineEnd + 1;
  }
  return { samples, families };
}

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const EQUALS = 61;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function skipBlanks(s: string, i: number): number {
  while (i < s.length && isBlank(s.charCodeAt(i))) i++;
  return i;
}

function isLetterOrUnderscore(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** End index of a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) starting at i, or i when there is none. */
function scanMetricName(s: string, i: number): number {
  if (i >= s.length) return i;
  const c0 = s.charCodeAt(i);
  if (!isLetterOrUnderscore(c0) && c0 !== 58) return i;
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (!isLetterOrUnderscore(c) && !isDigit(c) && c !== 58) break;
    j++;
  }
  return j;
}

/** End index of a label name ([a-zA-Z_][a-zA-Z0-9_]*) starting at i, or i when there is none. */
function scanLabelName(s: string, i: number): number {
  if (i >= s.length || !isLetterOrUnderscore(s.charCodeAt(i))) return i;
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (!isLetterOrUnderscore(c) && !isDigit(c)) break;
    j++;
  }
  return j;
}

function scanToken(s: string, i: number): number {
  while (i < s.length && !isBlank(s.charCodeAt(i))) i++;
  return i;
}

function parseComment(
  line: string,
  from: number,
  lineNumber: number,
  families: Map<string, PrometheusFamilyInfo>,
  sampledNames: Set<string>,
): void {
  const kwStart = skipBlanks(line, from);
  const kwEnd = scanToken(line, kwStart);
  const keyword = line.slice(kwStart, kwEnd);
  if (keyword !== 'HELP' && keyword !== 'TYPE') return; // any other comment
  const nameStart = skipBlanks(line, kwEnd);
  const nameEnd = scanMetricName(line, nameStart);
  if (nameEnd === nameStart) throw new PrometheusTextError(lineNumber, `${keyword} without a valid metric name`, line);
  if (nameEnd < line.length && !isBlank(line.charCodeAt(nameEnd))) {
    throw new PrometheusTextError(lineNumber, `invalid metric name in ${keyword}`, line);
  }
  const name = line.slice(nameStart, nameEnd);
  const restStart = skipBlanks(line, nameEnd);
  const info = families.get(name) ?? { type: null, help: null };
  if (keyword === 'HELP') {
    if (info.help !== null) throw new PrometheusTextError(lineNumber, `second HELP for ${name}`, line);
    info.help = unescapeHelp(line.slice(restStart));
  } else {
    const typeEnd = scanToken(line, restStart);
    const type = line.slice(restStart, typeEnd);
    if (!(prometheusMetricTypes as readonly string[]).includes(type)) {
      throw new PrometheusTextError(lineNumber, `unknown metric type ${JSON.stringify(type)}`, line);
    }
    if (skipBlanks(line, typeEnd) !== line.length) {
      throw new PrometheusTextError(lineNumber, 'unexpected text after the TYPE', line);
    }
    if (info.type !== null) throw new PrometheusTextError(lineNumber, `second TYPE for ${name}`, line);
    if (sampledNames.has(name)) throw new PrometheusTextError(lineNumber, `TYPE for ${name} after its samples`, line);
    info.type = type as PrometheusMetricType;
  }
  families.set(name, info);
}

/** HELP escapes are `\\` and `\n`; an unknown escape is kept as written (HELP is only documentation). */
function unescapeHelp(s: string): string {
  // Stryker disable next-line StringLiteral: includes('') only skips the shortcut; the loop returns the same text
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    // Stryker disable next-line ArithmeticOperator: i - 1 only lets a trailing backslash in, where s[i + 1] is undefined and it is kept as written anyway
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1];
      if (n === '\\') {
        out += '\\';
        i++;
        continue;
      }
      if (n === 'n') {
        out += '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

function parseSampleLine(line: string, start: number, lineNumber: number): PrometheusSample {
  const fail: (reason: string) => never = (reason) => {
    throw new PrometheusTextError(lineNumber, reason, line);
  };
  const nameEnd = scanMetricName(line, start);
  if (nameEnd === start) fail('invalid metric name');
  const name = line.slice(start, nameEnd);
  const labels: Record<string, string> = {};
  let i = nameEnd;
  if (i < line.length && line.charCodeAt(i) !== OPEN_BRACE && !isBlank(line.charCodeAt(i))) {
    fail('invalid character in metric name');
  }
  i = skipBlanks(line, i);
  if (i < line.length && line.charCodeAt(i) === OPEN_BRACE) {
    i = parseLabels(line, i + 1, labels, fail);
    i = skipBlanks(line, i);
  }
  const valueEnd = scanToken(line, i);
  if (valueEnd === i) fail('missing value');
  const value = parseValue(line.slice(i, valueEnd));
  if (value === undefined) fail(`invalid value ${JSON.stringify(line.slice(i, valueEnd))}`);
  i = skipBlanks(line, valueEnd);
  let timestampMs: number | null = null;
  if (i < line.length) {
    const tsEnd = scanToken(line, i);
    const ts = parseTimestamp(line.slice(i, tsEnd));
    if (ts === undefined) fail(`invalid timestamp ${JSON.stringify(line.slice(i, tsEnd))}`);
    timestampMs = ts;
    if (skipBlanks(line, tsEnd) !== line.length) fail('unexpected text after the timestamp');
  }
  return { name, labels, value, timestampMs };
}

/** Parses `name="value", …}` from just after the `{`; returns the index after the `}`. */
function parseLabels(line: string, from: number, labels: Record<string, string>, fail: (reason: string) => never): number {
  let i = from;
  for (;;) {
    i = skipBlanks(line, i);
    if (i >= line.length) fail('unterminated label set');
    if (line.charCodeAt(i) === CLOSE_BRACE) return i + 1; // empty set, or after a trailing comma
    const labelEnd = scanLabelName(line, i);
    if (labelEnd === i) fail('invalid label name');
    const labelName = line.slice(i, labelEnd);
    i = skipBlanks(line, labelEnd);
    if (line.charCodeAt(i) !== EQUALS) fail(`expected '=' after label ${labelName}`);
    i = skipBlanks(line, i + 1);
    if (line.charCodeAt(i) !== QUOTE) fail(`expected '"' to open the value of label ${labelName}`);
    const [labelValue, after] = readQuoted(line, i + 1, fail);
    if (Object.hasOwn(labels, labelName)) fail(`duplicate label ${labelName}`);
    labels[labelName] = labelValue;
    i = skipBlanks(line, after);
    const c = line.charCodeAt(i);
    if (c === COMMA) {
      i++;
      continue;
    }
    if (c === CLOSE_BRACE) return i + 1;
    fail(`expected ',' or '}' after label ${labelName}`);
  }
}

/** Reads a label value from just after its opening quote; returns the value and the index after the closing quote. */
function readQuoted(line: string, from: number, fail: (reason: string) => never): [string, number] {
  let out = '';
  let chunkStart = from;
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === QUOTE) return [out + line.slice(chunkStart, i), i + 1];
    if (c === BACKSLASH) {
      const n = line.charCodeAt(i + 1);
      const replacement = n === BACKSLASH ? '\\' : n === QUOTE ? '"' : n === 110 /* n */ ? '\n' : undefined;
      if (replacement === undefined) fail('invalid escape sequence in label value');
      out += line.slice(chunkStart, i) + replacement;
      i++;
      chunkStart = i + 1;
    } else if (/* Stryker disable next-line BlockStatement: unreachable, lines are split at LF before this runs */ c === LF) {
      // Stryker disable next-line StringLiteral: unreachable, lines are split at LF before this runs
      fail('line feed in label value');
    }
  }
  return fail('unterminated label value');
}

// Decimal floats as Go's ParseFloat reads them (hexadecimal floats and digit underscores are not accepted).
// Linear: no nested or overlapping quantifiers.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseValue(token: string): number | undefined {
  if (DECIMAL.test(token)) return Number(token);
  switch (token.toLowerCase()) {
    // Go's ParseFloat reads NaN unsigned only: "+NaN" and "-NaN" are invalid syntax (checked with go1.26 strconv).
    case 'nan':
      return Number.NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
    // Stryker disable next-line ConditionalExpression: falling out of the switch returns undefined as well
    default:
      return undefined;
  }
}

const INTEGER = /^[+-]?\d+$/;

function parseTimestamp(token: string): number | undefined {
  if (!INTEGER.test(token)) return undefined;
  const n = Number(token);
  return Number.isSafeInteger(n) ? n : undefined;
}
