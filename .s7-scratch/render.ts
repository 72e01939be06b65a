import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { loadTwoSystemFixture } from '../test/helpers/run-result-factory.js';
it('prints', () => {
  const md = renderMarkdown(loadTwoSystemFixture());
  writeFileSync('/tmp/s7/out.md', md);
});
