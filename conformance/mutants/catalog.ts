// The mutant catalog (catalog.json): each entry names one planted defect in the reference proxy, the patch that plants
// it, the proxy environment it needs and the checks that must catch it; `unproven` says why a check has no mutant.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Revision } from '../lib/model/vocabulary.ts';
import type { TargetDescription } from '../lib/target/description.ts';

export const MUTANTS_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(MUTANTS_DIR, '..', '..');
const CHECKS_DIR = join(REPO_ROOT, 'conformance', 'checks');

export interface Mutant {
  /** Kebab-case name, also the patch's base name and the `.mutants/<id>/` folder. */
  id: string;
  /** The one defect, in one sentence. */
  defect: string;
  /** Patch file, relative to conformance/mutants/. */
  patch: string;
  upstream: 'github' | 'oidc';
  /** Checks that must fail (or be not testable; a warning only for SHOULD-level checks). */
  expect: string[];
  /**
   * Checks of `expect` that are MUST-level but where the planted defect breaks only a SHOULD sub-requirement (e.g.
   * upstream PKCE for a confidential client, RFC 9700 §2.1.1): their warning counts as caught.
   */
  expectWarning?: string[];
  /** Extra proxy environment, e.g. `{ "PROXY_CONSENT": "remember" }`. */
  env?: Record<string, string>;
  /** Target description handed to the suite (`--target-file`), e.g. `refusedRedirectUris` for DCR-13. */
  target?: TargetDescription;
  /** MCP revision to check against (`--revision`), for checks of an older revision; default the latest. */
  revision?: Revision;
}

export interface Catalog {
  mutants: Mutant[];
  /** Check id → why no mutant proves it (e.g. an informational check, or one the loopback target is exempt from). */
  unproven: Record<string, string>;
}

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const CHECK_ID = /^[A-Z]+(-[A-Z0-9]+)*-\d{2}$/;

/** Reads and validates catalog.json; throws one error listing every problem. */
export function loadCatalog(path = join(MUTANTS_DIR, 'catalog.json')): Catalog {
  const catalog = JSON.parse(readFileSync(path, 'utf8')) as Catalog;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const m of catalog.mutants) {
    if (!ID.test(m.id)) problems.push(`mutant id "${m.id}" is not kebab-case`);
    if (seen.has(m.id)) problems.push(`duplicate mutant id ${m.id}`);
    seen.add(m.id);
    if (!m.defect?.trim()) problems.push(`${m.id}: no defect sentence`);
    if (m.upstream !== 'github' && m.upstream !== 'oidc') problems.push(`${m.id}: upstream must be github or oidc`);
    if (!Array.isArray(m.expect) || m.expect.length === 0) problems.push(`${m.id}: expect names no check`);
    for (const id of m.expect ?? []) if (!CHECK_ID.test(id)) problems.push(`${m.id}: "${id}" is not a check id`);
    for (const id of m.expectWarning ?? [])
      if (!m.expect?.includes(id)) problems.push(`${m.id}: expectWarning ${id} is not in expect`);
  }
  if (problems.length) throw new Error(`catalog.json:\n  ${problems.join('\n  ')}`);
  return { mutants: catalog.mutants, unproven: catalog.unproven ?? {} };
}

/** Every check id the suite defines, read from the check files' `defineCheck({ id: '…' })` declarations. */
export function suiteCheckIds(): string[] {
  const ids = new Set<string>();
  for (const file of readdirSync(CHECKS_DIR).filter((f) => f.endsWith('.check.ts'))) {
    const source = readFileSync(join(CHECKS_DIR, file), 'utf8');
    for (const match of source.matchAll(/defineCheck\(\s*\{\s*id:\s*'([^']+)'/g)) if (match[1]) ids.add(match[1]);
  }
  return [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** A Playwright `--grep` for exactly these check ids (titles are "<ID> <title>"). */
export function grepFor(ids: readonly string[]): string {
  return `\\b(${[...new Set(ids)].join('|')}) `;
}
