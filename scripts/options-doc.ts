// Writes the option tables of README.md (the essential rows) and proxy/README.md (every row) from the one option
// table (proxy/options/). `npm run docs:options`; proxy/test/server/options-table.test.ts fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { markdownTable } from '../proxy/options/help.ts';
import { OPTION_SECTIONS } from '../proxy/server/config.ts';

export const OPTION_DOCS = [
  {
    file: 'README.md',
    marker: 'options:essential',
    render: () => markdownTable(OPTION_SECTIONS, { essentialOnly: true }),
  },
  {
    file: 'proxy/README.md',
    marker: 'options:all',
    render: () =>
      OPTION_SECTIONS.map(
        ({ title, table }) => `### ${title}\n\n${markdownTable([{ title, table }], { withKeys: title === 'Proxy' })}`,
      ).join('\n\n'),
  },
] as const;

/** The file's text with the block between `<!-- marker:start -->` and `<!-- marker:end -->` regenerated. */
export function withGeneratedBlock(text: string, marker: string, content: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** The file as it should be: the generated block in place. */
export function regenerated(root: string, doc: (typeof OPTION_DOCS)[number]): string {
  return withGeneratedBlock(readFileSync(`${root}${doc.file}`, 'utf8'), doc.marker, doc.render());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const doc of OPTION_DOCS) {
    writeFileSync(`${root}${doc.file}`, regenerated(root, doc));
    process.stdout.write(`wrote the option table of ${doc.file}\n`);
  }
}
