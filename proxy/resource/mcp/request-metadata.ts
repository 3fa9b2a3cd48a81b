// MCP 2026-07-28 request metadata: the body fields mirrored into `MCP-Protocol-Version`, `Mcp-Method` and
// `Mcp-Name` so that intermediaries can route without parsing. A server that reads the body must hold the two
// against each other: "Servers that process the request body MUST reject requests where the values specified in the
// headers do not match the corresponding values in the request body", with "HTTP status 400 Bad Request" and
// JSON-RPC error `-32020` (HeaderMismatch); a missing required header, or one with invalid characters, fails alike.
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#server-validation

/** The three standard headers as sent (absent: undefined), surrounding white space removed. */
export interface StandardHeaders {
  protocolVersion: string | undefined;
  method: string | undefined;
  name: string | undefined;
}

/** What header checks read: a web Headers, or a map of lower-case names (the Node route's). */
export interface HeaderReader {
  get(name: string): string | null | undefined;
}

export function standardHeaders(headers: HeaderReader): StandardHeaders {
  return {
    protocolVersion: headers.get('mcp-protocol-version')?.trim(),
    method: headers.get('mcp-method')?.trim(),
    name: headers.get('mcp-name')?.trim(),
  };
}

/**
 * Where `Mcp-Name` comes from: "`params.name` or `params.uri`", required for "`tools/call`, `resources/read`,
 * `prompts/get` requests". Undefined for other methods.
 */
export function nameSource(method: string): 'name' | 'uri' | undefined {
  if (method === 'tools/call' || method === 'prompts/get') return 'name';
  if (method === 'resources/read') return 'uri';
  return undefined;
}

/** The body value `Mcp-Name` must mirror (a string), or undefined when the method has none or the body lacks it. */
export function bodyName(method: string, params: Record<string, unknown> | undefined): string | undefined {
  const field = nameSource(method);
  const value = field === undefined ? undefined : params?.[field];
  return typeof value === 'string' ? value : undefined;
}

const SENTINEL = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/;
const VISIBLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * A header value as the client meant it: plain visible ASCII as is, or the Base64 sentinel decoded ("Servers and
 * intermediaries that need to inspect these values MUST decode them accordingly"; the markers "are case-sensitive").
 * Undefined when the value has invalid characters or a malformed sentinel.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#value-encoding
 */
export function decodeHeaderValue(value: string): string | undefined {
  if (!VISIBLE_ASCII.test(value)) return undefined;
  if (!value.startsWith('=?base64?')) return value;
  const match = SENTINEL.exec(value);
  if (!match || (match[1] ?? '').length % 4 !== 0) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(match[1] ?? '', 'base64'));
  } catch {
    return undefined;
  }
}

/**
 * The first disagreement between the standard headers and a request body that claims `revision`, as the message of
 * a HeaderMismatch error; undefined when they agree.
 */
export function headerMismatch(
  headers: StandardHeaders,
  revision: string,
  method: string,
  params: Record<string, unknown> | undefined,
): string | undefined {
  if (headers.protocolVersion === undefined) return 'the required MCP-Protocol-Version header is missing';
  if (headers.protocolVersion !== revision) {
    return `the MCP-Protocol-Version header names ${headers.protocolVersion} but the request _meta names ${revision}`;
  }
  if (headers.method === undefined) return 'the required Mcp-Method header is missing';
  if (headers.method !== method) return `the Mcp-Method header names ${headers.method} but the body names ${method}`;
  const expected = bodyName(method, params);
  if (expected === undefined) return undefined;
  if (headers.name === undefined) return `the required Mcp-Name header is missing (the body names ${expected})`;
  const decoded = decodeHeaderValue(headers.name);
  if (decoded === undefined) return 'the Mcp-Name header has invalid characters or a malformed Base64 value';
  if (decoded !== expected) return `the Mcp-Name header names ${decoded} but the body names ${expected}`;
  return undefined;
}
