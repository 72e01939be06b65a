/** The body of a markdown section (after its heading line, up to the next heading of the same or a higher level). */
export function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`);
  if (start < 0 || (start > 0 && markdown[start - 1] !== '\n')) throw new Error(`no section ${heading}`);
  const level = heading.split(' ')[0] ?? '##';
  const rest = markdown.slice(start + heading.length + 1);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

/** The cells of the table row whose first cells are `first` (e.g. `istio-ambient | 1000 req/s`), trimmed. */
export function rowCells(markdown: string, first: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${first} |`));
  if (!line) throw new Error(`no row starting with ${first}`);
  return line
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((c) => c.trim());
}

/** The cells of a table's header row: the line before the `|---|` rule. */
export function headerCells(markdown: string): string[] {
  const lines = markdown.split('\n');
  const rule = lines.findIndex((l) => /^\|[-:|]+\|$/.test(l));
  const header = lines[rule - 1];
  if (rule < 1 || !header) throw new Error('no table');
  return header.slice(2, -2).split(' | ').map((c) => c.trim());
}

/** The bullet lines (`- …`) of a markdown text, without the marker. */
export function bullets(markdown: string): string[] {
  return markdown.split('\n').filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
}
