// The check registry: validates each definition once (id format, quoted sentence, refs with URLs, level, revisions)
// and keeps ids unique across files, so that report.json always names every check with stable metadata.
import { REVISIONS, type CheckDefinition } from './vocabulary.ts';

/** What to do about a check declared without the sentence its level comes from. */
export const MISSING_QUOTE =
  "no quote: add `quote: '…'` to its defineCheck declaration, the normative sentence its level comes from, " +
  'copied verbatim from the text one of its refs links to (elisions as "[…]"), then run `npm run docs:requirements`';

const ID_PATTERN = /^[A-Z]+(-[A-Z0-9]+)*-\d{2}$/;
const registry = new Map<string, CheckDefinition>();

/** Throws on a malformed definition; returns the definition unchanged. */
export function validateCheckDefinition(def: CheckDefinition): CheckDefinition {
  const problems: string[] = [];
  if (!ID_PATTERN.test(def.id)) problems.push(`id "${def.id}" does not look like DISC-01`);
  if (!def.title.trim()) problems.push('empty title');
  if (!['MUST', 'SHOULD', 'MAY'].includes(def.level)) problems.push(`unknown level ${String(def.level)}`);
  if (typeof def.quote !== 'string' || !def.quote.trim()) problems.push(MISSING_QUOTE);
  if (def.refs.length === 0) problems.push('no spec reference');
  for (const ref of def.refs) {
    if (!ref.label.trim()) problems.push('reference without label');
    if (!/^https:\/\//.test(ref.url)) problems.push(`reference "${ref.label}" has no https URL`);
  }
  if (def.revisions.length === 0) problems.push('applies to no MCP revision');
  for (const r of def.revisions) if (!REVISIONS.includes(r)) problems.push(`unknown revision ${r}`);
  if (problems.length) throw new Error(`check ${def.id}: ${problems.join('; ')}`);
  return def;
}

/** Registers a check; a second definition with the same id is a programming error. */
export function registerCheck(def: CheckDefinition): CheckDefinition {
  validateCheckDefinition(def);
  const existing = registry.get(def.id);
  if (existing && existing !== def) throw new Error(`duplicate check id ${def.id}`);
  registry.set(def.id, def);
  return def;
}

export function registeredChecks(): CheckDefinition[] {
  return [...registry.values()];
}

/** For tests of the registry itself. */
export function clearRegistry(): void {
  registry.clear();
}
