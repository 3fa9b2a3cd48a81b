// The requirements catalogue is generated from the check declarations: conformance/requirements.md and the README's
// requirement → check table must be what `npm run docs:requirements` writes from the registry, and every check must
// quote the sentence its level comes from (with that level's RFC 2119 keyword, or a written reason why not).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckDefinition } from '../lib/model/vocabulary.ts';
import {
  LEVEL_NOTES,
  loadCheckDefinitions,
  quoteProblems,
  regeneratedRequirementDocs,
} from '../../scripts/requirements-doc.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let defs: CheckDefinition[] = [];

beforeAll(async () => {
  defs = await loadCheckDefinitions();
});

describe('requirements catalogue', () => {
  it('loads every check of checks/ with its file', () => {
    const files = new Set(defs.map((d) => d.location?.file));
    expect(defs.length).toBeGreaterThan(100);
    expect(files.has('checks/pkce.check.ts')).toBe(true);
    expect(defs.every((d) => d.location?.file.startsWith('checks/'))).toBe(true);
  });

  it('gives every check a quote carrying its level keyword, or a level note', () => {
    expect(defs.flatMap(quoteProblems)).toEqual([]);
  });

  it('keeps level notes only for checks that exist', () => {
    const ids = new Set(defs.map((d) => d.id));
    expect(Object.keys(LEVEL_NOTES).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('finds a quote without its level keyword, and says what to do', () => {
    const [first] = defs;
    if (!first) throw new Error('no checks');
    const weak = { ...first, id: 'TEST-01', level: 'MAY' as const, quote: 'The server MUST do it.' };
    expect(quoteProblems(weak).join()).toMatch(/no MAY-level keyword.*Quote the sentence/);
    expect(quoteProblems({ ...weak, quote: '' }).join()).toMatch(/no quote\. Add `quote: '…'`.*docs:requirements/);
  });

  it.each(['conformance/requirements.md', 'conformance/README.md'])('%s is up to date', (file) => {
    const expected = regeneratedRequirementDocs(defs).find((d) => d.file === file)?.text;
    const committed = readFileSync(`${ROOT}${file}`, 'utf8');
    expect(committed === expected, `${file} is stale: run \`npm run docs:requirements\` and commit the result`).toBe(
      true,
    );
  });

  it('lists every check once in the catalogue, with its quote', () => {
    const catalogue = readFileSync(`${ROOT}conformance/requirements.md`, 'utf8');
    for (const d of defs) expect(catalogue.split('\n').filter((l) => l.startsWith(`| ${d.id} |`))).toHaveLength(1);
  });
});
