// Spec references used by the checks: one place for the URLs so each check cites its section by a short name.
import type { SpecRef } from './vocabulary.ts';

const rfc = (n: number, section: string): SpecRef => ({
  label: `RFC ${n} §${section}`,
  url: `https://www.rfc-editor.org/rfc/rfc${n}#section-${section}`,
});

const OAUTH21 = 'https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1';
const MCP_AUTH = 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization';
const MCP_SBP = 'https://modelcontextprotocol.io/specification/2025-11-25/basic/security_best_practices';

export const ref = {
  rfc,
  /** OAuth 2.1 sections drift between drafts: cite by title, link to the draft. */
  oauth21: (title: string): SpecRef => ({ label: `OAuth 2.1 "${title}"`, url: OAUTH21 }),
  mcpAuth: (anchor: string, title: string): SpecRef => ({
    label: `MCP authorization: ${title}`,
    url: `${MCP_AUTH}#${anchor}`,
  }),
  mcpAuthRev: (revision: string, anchor: string, title: string): SpecRef => ({
    label: `MCP ${revision} authorization: ${title}`,
    url: `https://modelcontextprotocol.io/specification/${revision}/basic/authorization#${anchor}`,
  }),
  mcpSbp: (anchor: string, title: string): SpecRef => ({
    label: `MCP security best practices: ${title}`,
    url: `${MCP_SBP}#${anchor}`,
  }),
};
