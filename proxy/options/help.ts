// Renders the option tables for people: the `--help` text of mcp-oauth-proxy and the option tables of the READMEs
// (written by `npm run docs:options`, checked by proxy/test/server/options-table.test.ts).
import type { OptionSpec, OptionTable } from './option.ts';

export interface TableSection {
  title: string;
  table: OptionTable;
}

/** The default as an operator reads it: a value with a readable duration, or the prose of `defaultDoc`. */
export function defaultText(spec: OptionSpec<unknown>): string {
  if (spec.defaultDoc !== undefined) return spec.defaultDoc;
  if (spec.default === undefined) return spec.required ? 'required' : 'unset';
  const value = spec.kind.toText(spec.default as never);
  return spec.kind.placeholder === 'SECONDS' ? `${value} (${duration(spec.default as number)})` : value;
}

function duration(seconds: number): string {
  if (seconds === 0) return 'off';
  const units: [number, string][] = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds % size === 0) return `${seconds / size} ${name}${seconds / size === 1 ? '' : 's'}`;
  }
  return `${seconds} s`;
}

/** Doc text without Markdown backticks, for a terminal. */
function plain(doc: string): string {
  return doc.replaceAll('`', '');
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/** One block per option: flag, variable and default on the first line, the wrapped doc below. */
export function helpRows(sections: readonly TableSection[]): string[] {
  const lines: string[] = [];
  for (const { title, table } of sections) {
    lines.push('', `${title}:`);
    for (const spec of Object.values(table) as OptionSpec<unknown>[]) {
      const flag = `--${spec.flag} ${spec.kind.placeholder}`;
      const marker = spec.dangerous ? '  [DANGEROUS values]' : '';
      lines.push(`  ${flag.padEnd(44)} ${spec.env}${marker}`);
      lines.push(...wrap(`${plain(spec.doc)} Default: ${plain(defaultText(spec))}.`, 110, '      '));
    }
  }
  return lines;
}

/**
 * A Markdown table of the given sections' options. `essentialOnly`: the rows marked for the top-level README;
 * `withKeys`: a first column with the option's key (the name library callers use).
 */
export function markdownTable(
  sections: readonly TableSection[],
  { essentialOnly = false, withKeys = false } = {},
): string {
  const header = ['variable', 'flag', 'default', 'meaning'];
  if (withKeys) header.unshift('option');
  const rows = [`| ${header.join(' | ')} |`, `|${' --- |'.repeat(header.length)}`];
  for (const { table } of sections) {
    for (const [key, spec] of Object.entries(table) as [string, OptionSpec<unknown>][]) {
      if (essentialOnly && !spec.essential) continue;
      const cells = [
        ...(withKeys ? [`\`${key}\``] : []),
        `\`${spec.env}\``,
        `\`--${spec.flag}\``,
        escapeCell(defaultText(spec)),
        escapeCell(`${spec.dangerous ? '**Dangerous values.** ' : ''}${spec.doc}`),
      ];
      rows.push(`| ${cells.join(' | ')} |`);
    }
  }
  return rows.join('\n');
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|');
}
