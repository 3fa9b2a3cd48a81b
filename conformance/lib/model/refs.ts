// Spec references used by the checks: one place for the URLs so each check cites its section by a short name.
import type { SpecRef } from './vocabulary.ts';

const rfc = (n: number, section: string): SpecRef => ({
  label: `RFC ${n} §${section}`,
  url: `https://www.rfc-editor.org/rfc/rfc${n}#section-${section}`,
});

const OAUTH21 = 'https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1';
const MCP_AUTH = 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization';
const MCP_SBP = 'https://modelcontextprotocol.io/specification/2025-11-25/basic/security_best_practices';

const CIMD_00 = 'https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html';
const CIMD_01 = 'https://datatracker.ietf.org/doc/html/draft-ietf-oauth-client-id-metadata-document-01';

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
  /** A page under basic/authorization/ of an MCP revision (2026-07-28 split the authorization page). */
  mcpAuthPage: (revision: string, page: string, anchor: string, title: string): SpecRef => ({
    label: `MCP ${revision} authorization: ${title}`,
    url: `https://modelcontextprotocol.io/specification/${revision}/basic/authorization/${page}#${anchor}`,
  }),
  /** draft-ietf-oauth-client-id-metadata-document-00 (the version MCP cites), by section. */
  cimd: (section: string, title: string): SpecRef => ({
    label: `CIMD draft -00 §${section} (${title})`,
    url: `${CIMD_00}#section-${section}`,
  }),
  /** draft -01, for what it added after MCP pinned -00. */
  cimd01: (title: string): SpecRef => ({ label: `CIMD draft -01 "${title}"`, url: CIMD_01 }),
  oidcCore: (anchor: string, title: string): SpecRef => ({
    label: `OpenID Connect Core 1.0: ${title}`,
    url: `https://openid.net/specs/openid-connect-core-1_0.html#${anchor}`,
  }),
  oidcRegistration: (anchor: string, title: string): SpecRef => ({
    label: `OpenID Connect Registration 1.0: ${title}`,
    url: `https://openid.net/specs/openid-connect-registration-1_0.html#${anchor}`,
  }),
  mcpSbp: (anchor: string, title: string): SpecRef => ({
    label: `MCP security best practices: ${title}`,
    url: `${MCP_SBP}#${anchor}`,
  }),
};
