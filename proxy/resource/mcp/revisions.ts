// The MCP revisions the proxy's MCP endpoint speaks, by era. 2025 revisions open with an `initialize` handshake
// (answered per request here: the endpoint keeps no session); 2026-07-28 requests are self-contained, each carrying
// its revision in `_meta` and in the `MCP-Protocol-Version` header.
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning

/** Per-request-metadata ("modern") revisions. */
export const MODERN_REVISIONS = ['2026-07-28'] as const;

/** `initialize`-handshake ("legacy") revisions served over Streamable HTTP, newest first. */
export const LEGACY_REVISIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const;

export type ModernRevision = (typeof MODERN_REVISIONS)[number];
export type LegacyRevision = (typeof LEGACY_REVISIONS)[number];
export type Revision = ModernRevision | LegacyRevision;

/** Every revision served, newest first: the `supported` list of an unsupported-version error and of discovery. */
export const SUPPORTED_REVISIONS: readonly Revision[] = [...MODERN_REVISIONS, ...LEGACY_REVISIONS];

/** Offered in `initialize` to a client that asks for a revision not served here (2025 version negotiation). */
export const LATEST_LEGACY_REVISION: LegacyRevision = '2025-11-25';

/**
 * The revision of a 2025 request without `MCP-Protocol-Version`: "the server SHOULD assume protocol version
 * 2025-03-26".
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#protocol-version-header
 */
export const HEADERLESS_REVISION: LegacyRevision = '2025-03-26';

export function isModernRevision(value: string): value is ModernRevision {
  return (MODERN_REVISIONS as readonly string[]).includes(value);
}

export function isLegacyRevision(value: string): value is LegacyRevision {
  return (LEGACY_REVISIONS as readonly string[]).includes(value);
}

/**
 * JSON-RPC batches exist only in 2025-03-26; 2025-06-18 removed them ("Remove support for JSON-RPC batching").
 * @see https://modelcontextprotocol.io/specification/2025-06-18/changelog
 */
export function allowsBatches(revision: LegacyRevision): boolean {
  return revision === '2025-03-26';
}
