/**
 * An argv as one line to paste into a POSIX shell (plans, logs, failure reports; never executed): plain words stay
 * bare, anything else is single-quoted. Hand-written rather than the `shell-quote` package because that one
 * backslash-escapes `=`, `:` and `,` (`-o\=json`), which makes every plan line harder to read; this is tested by
 * round-tripping through /bin/sh (test/report-format-units.test.ts).
 */
const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function shellQuote(argv: readonly string[]): string {
  return argv.map((arg, i) => quoteWord(arg, i === 0)).join(' ');
}

function quoteWord(arg: string, isCommandWord: boolean): string {
  if (arg === '') return "''";
  // A first word with `=` would be read as a variable assignment.
  const safe = SHELL_SAFE.test(arg) && !(isCommandWord && arg.includes('='));
  return safe ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
