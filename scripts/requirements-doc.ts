// Writes the requirements catalogue, conformance/requirements.md, and the requirement → check table of
// conformance/README.md from the check definitions themselves (the `defineCheck` declarations in
// conformance/checks/), so that ids, levels, quoted sentences and references cannot drift from what the suite runs.
// `npm run docs:requirements`; conformance/test/requirements-doc.test.ts fails when the committed files differ.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GREP_ENV } from '../conformance/lib/model/selection.ts';
import { registeredChecks } from '../conformance/lib/model/registry.ts';
import type { CheckDefinition, Level } from '../conformance/lib/model/vocabulary.ts';
import { withGeneratedBlock } from './options-doc.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHECKS = `${ROOT}conformance/checks/`;

/** RFC 2119 keywords (uppercase, as RFC 8174 requires) that carry each level. */
const KEYWORDS: Record<Level, RegExp> = {
  MUST: /\b(MUST|REQUIRED|SHALL)\b/,
  SHOULD: /\b(SHOULD|RECOMMENDED)\b/,
  MAY: /\b(MAY|OPTIONAL)\b/,
};

/**
 * Checks whose level is not the keyword of their quoted sentence, and why. Every other check's quote contains a
 * keyword of its level (MUST, REQUIRED, SHALL; SHOULD, RECOMMENDED; MAY, OPTIONAL). An entry here is a decision
 * written down, shown in conformance/requirements.md; the test fails on an entry that no longer explains anything.
 */
export const LEVEL_NOTES: Readonly<Record<string, string>> = {
  'CIMD-09': 'MUST NOT in draft -01, but draft -00, the version MCP cites, does not say it.',
  'CONSENT-20':
    'Hardening: MCP asks for CSRF protection without a lifetime for the token, so a token that outlives its ' +
    'authorization is conforming; RFC 9700 §2.1 asks clients for one-time CSRF tokens, by analogy only (information).',
  'DCR-13':
    'Only the http-to-a-remote-host case is a MUST (quoted); userinfo look-alikes, the proxy callback and ' +
    'the operator allowlist are policy (RFC 3986 §3.2.1 deprecates userinfo; RFC 9700 §4.1 describes the attacks).',
  'DISC-10':
    'Interop: the defaults of omitted members describe an OAuth 2.0 server (implicit grant, client_secret_basic), ' +
    'not an OAuth 2.1 proxy for public MCP clients; no sentence requires the members.',
  'DISC-18':
    'The sentence carries no keyword: the list names the methods the token endpoint supports, so a secret-based ' +
    'method no client can register is an interoperability defect (a client picks it and its registration fails).',
  'DISC-11':
    "The suite's profile: the proxy is a Dynamic Client Registration facade; registration_endpoint is " +
    'OPTIONAL in RFC 8414 and DCR is MAY in MCP 2025-11-25.',
  'PKCE-07':
    "The ABNF binds the client; no sentence obliges the server to check a verifier's syntax, so a refusal is " +
    'information.',
  'PRM-14':
    'The MUST NOT binds clients (MCP "Token Requirements"); a resource server that accepts a token from the ' +
    'query string invites the leak the rule prevents.',
  'RES-02':
    'The sentence says "should" in lowercase (not a keyword under RFC 8174) and MCP adds no obligation for the ' +
    'authorization server; the suite reads it as the plain-English expectation it is and reports a malformed ' +
    'resource that is accepted as a warning, which never fails the gate (a foreign but well-formed resource is ' +
    'information only).',
  'REV-02': "The protocol's definition of the response, in the present tense; a client cannot handle another answer.",
  'REV-03': 'The protocol\'s processing rule, in the present tense ("the request is refused").',
  'LIFE-01':
    'The MUST asks for a short expiration without a figure; the suite checks the lifetime the target declares, so a pending authorization that outlives the target\'s own declaration (still perhaps "short") is a warning.',
  'LIFE-03':
    "The consent cookie rules name no lifetime; a remembered consent that outlives the lifetime the target declares breaks the target's own promise and widens the confused-deputy window, a warning.",
  'REDIR-11':
    "The MUST is about the authorization endpoint's comparison with registered URIs; a registration allowlist is the operator's own rule, so a URI it admits against its declared meaning is a warning (RFC 9700 §4.1.1 describes the attack).",
  'TOKEN-10':
    'The MUST binds the client; a server that redeems a code sent by GET breaks no MUST of its own but invites codes and verifiers into URLs and logs (RFC 9700 §4.2), a warning.',
};

/** The problems of a check's quote: missing, or without a keyword of its level and no note saying why. */
export function quoteProblems(def: CheckDefinition): string[] {
  if (typeof def.quote !== 'string' || !def.quote.trim())
    return [
      `${def.id}: no quote. Add \`quote: '…'\` to its defineCheck declaration: the normative sentence its level ` +
        'comes from, copied verbatim from the text one of its refs links to (elisions as "[…]"), then run ' +
        '`npm run docs:requirements`.',
    ];
  const note = LEVEL_NOTES[def.id];
  const keyword = KEYWORDS[def.level].test(def.quote);
  if (!keyword && !note)
    return [
      `${def.id}: its quote has no ${def.level}-level keyword (${KEYWORDS[def.level].source}). Quote the sentence ` +
        `the ${def.level} comes from, or change the level to the one the sentence states, or, for a deliberate ` +
        'difference, explain it in LEVEL_NOTES (scripts/requirements-doc.ts).',
    ];
  if (keyword && note) return [`${def.id}: its quote carries its level's keyword; remove its entry from LEVEL_NOTES.`];
  return [];
}

/** Registers every check without declaring any test: defineCheck declares nothing outside the selection. */
export async function loadCheckDefinitions(): Promise<CheckDefinition[]> {
  const before = process.env[GREP_ENV];
  process.env[GREP_ENV] = '(?!)';
  try {
    for (const file of readdirSync(CHECKS)
      .filter((f) => f.endsWith('.check.ts'))
      .sort())
      await import(`${CHECKS}${file}`);
  } finally {
    if (before === undefined) delete process.env[GREP_ENV];
    else process.env[GREP_ENV] = before;
  }
  return [...registeredChecks()].sort(byId);
}

/** DISC-02 before DISC-10, then by prefix. */
function byId(a: CheckDefinition, b: CheckDefinition): number {
  const [pa, na] = split(a.id);
  const [pb, nb] = split(b.id);
  return pa === pb ? na - nb : pa < pb ? -1 : 1;
}

function split(id: string): [string, number] {
  const at = id.lastIndexOf('-');
  return [id.slice(0, at), Number(id.slice(at + 1))];
}

/** Text for a table cell: pipes and markup characters escaped, on one line. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([\\|*<>`])/g, '\\$1');
}

function links(def: CheckDefinition): string {
  return def.refs.map((r) => `[${cell(r.label)}](${r.url})`).join(', ');
}

function file(def: CheckDefinition): string {
  return def.location?.file ?? '?';
}

/** conformance/requirements.md, whole. */
export function renderCatalogue(defs: readonly CheckDefinition[]): string {
  const rows = defs.map(
    (d) =>
      `| ${d.id} | ${d.level} | ${cell(d.title)} | “${cell(d.quote)}” | ${links(d)} | [\`${file(d)}\`](${file(d)}) |`,
  );
  const notes = defs
    .filter((d) => LEVEL_NOTES[d.id])
    .map((d) => `- **${d.id}** (${d.level}): ${cell(LEVEL_NOTES[d.id] ?? '')}`);
  return `# Requirements catalogue

<!-- Generated by \`npm run docs:requirements\` from the check definitions (conformance/checks/*.check.ts); do not
edit: change the check's declaration (\`quote\`, \`level\`, \`refs\`) and regenerate. -->

Every check of the suite, with the sentence its level comes from, quoted verbatim from the first source that states
it ("[…]" marks an elision). The level is the keyword of that sentence: **MUST** → \`fail\`, **SHOULD** (and
RECOMMENDED) → \`warning\`, **MAY** → \`info\` (see README "Levels, outcomes and the exit code"). Ids never change
meaning; removed ids are listed in CHANGELOG.md.

| id | level | check | requirement (quoted) | source | file |
|---|---|---|---|---|---|
${rows.join('\n')}

## Levels not read from the quoted keyword

${notes.join('\n')}
`;
}

/** The README's requirement → check table. */
export function renderReadmeTable(defs: readonly CheckDefinition[]): string {
  const rows = defs.map((d) => `| ${d.id} | ${d.level} | ${cell(d.title)} | \`${file(d)}\` | ${links(d)} |`);
  return ['| id | level | check | file | spec |', '|---|---|---|---|---|', ...rows].join('\n');
}

export const REQUIREMENT_DOCS = [
  { file: 'conformance/requirements.md', render: renderCatalogue },
  {
    file: 'conformance/README.md',
    render: (defs: readonly CheckDefinition[], current: string) =>
      withGeneratedBlock(current, 'requirements:table', renderReadmeTable(defs)),
  },
] as const;

/** Each document as it should be. */
export function regeneratedRequirementDocs(defs: readonly CheckDefinition[]): { file: string; text: string }[] {
  const current = (file: string) => (existsSync(`${ROOT}${file}`) ? readFileSync(`${ROOT}${file}`, 'utf8') : '');
  return REQUIREMENT_DOCS.map((doc) => ({ file: doc.file, text: doc.render(defs, current(doc.file)) }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const defs = await loadCheckDefinitions();
  const problems = defs.flatMap(quoteProblems);
  if (problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}\n`);
    process.exitCode = 1;
  } else {
    for (const { file, text } of regeneratedRequirementDocs(defs)) {
      writeFileSync(`${ROOT}${file}`, text);
      process.stdout.write(`wrote ${file} (${defs.length} checks)\n`);
    }
  }
}
