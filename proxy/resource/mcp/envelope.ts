// The MCP 2026-07-28 per-request `_meta` envelope: every request carries its protocol version and the client's
// capabilities, because "Servers MUST NOT rely on prior requests over the same connection to establish context".
// "A request missing any required field is malformed; the server MUST reject it with JSON-RPC error code -32602
// (Invalid params). On HTTP, the response status MUST be 400 Bad Request."
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/index#meta

export const PROTOCOL_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
export const CLIENT_CAPABILITIES_KEY = 'io.modelcontextprotocol/clientCapabilities';
export const CLIENT_INFO_KEY = 'io.modelcontextprotocol/clientInfo';
export const SERVER_INFO_KEY = 'io.modelcontextprotocol/serverInfo';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `params._meta`, when it is an object. */
export function metaOf(params: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const meta = params?._meta;
  return isObject(meta) ? meta : undefined;
}

/**
 * Whether the message claims the per-request era: its `_meta` names a protocol version. Per MCP versioning, "A
 * request carrying modern per-request `_meta` is served statelessly according to this revision", an `initialize`
 * without it selects the 2025 handshake.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning#backward-compatibility-with-initialization-based-versions
 */
export function claimsEnvelope(params: Record<string, unknown> | undefined): boolean {
  const meta = metaOf(params);
  return meta !== undefined && PROTOCOL_VERSION_KEY in meta;
}

/** The protocol version the envelope names, when it is a string. */
export function envelopeRevision(params: Record<string, unknown> | undefined): string | undefined {
  const value = metaOf(params)?.[PROTOCOL_VERSION_KEY];
  return typeof value === 'string' ? value : undefined;
}

/**
 * What is wrong with a request's envelope, as an Invalid params message; undefined when the required fields
 * (`protocolVersion`, `clientCapabilities`) are present and well-typed and the optional `clientInfo` is an object.
 */
export function envelopeProblem(params: Record<string, unknown> | undefined): string | undefined {
  const meta = metaOf(params);
  if (meta === undefined) {
    return `params._meta must carry the required ${PROTOCOL_VERSION_KEY} and ${CLIENT_CAPABILITIES_KEY} fields`;
  }
  const missing = [PROTOCOL_VERSION_KEY, CLIENT_CAPABILITIES_KEY].filter((key) => !(key in meta));
  if (missing.length > 0) return `params._meta lacks the required ${missing.join(' and ')}`;
  if (typeof meta[PROTOCOL_VERSION_KEY] !== 'string') return `${PROTOCOL_VERSION_KEY} must be a string`;
  if (!isObject(meta[CLIENT_CAPABILITIES_KEY])) return `${CLIENT_CAPABILITIES_KEY} must be an object`;
  if (CLIENT_INFO_KEY in meta && !isObject(meta[CLIENT_INFO_KEY])) return `${CLIENT_INFO_KEY} must be an object`;
  return undefined;
}

/** The `progressToken` of a request's `_meta` ("MUST be a string or integer value"), when it has one. */
export function progressToken(params: Record<string, unknown> | undefined): string | number | undefined {
  const token = metaOf(params)?.progressToken;
  if (typeof token === 'string' || (typeof token === 'number' && Number.isInteger(token))) return token;
  return undefined;
}
