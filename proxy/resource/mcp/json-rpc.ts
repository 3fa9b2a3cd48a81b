// JSON-RPC 2.0 as MCP uses it: message shapes, the error codes the endpoint answers with, and response bodies built
// as strings (a pre-serialised result is spliced in, so a hot request such as tools/list costs one small stringify).
// @see https://www.jsonrpc.org/specification
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/index#error-codes

export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: '2.0';
  method: string;
  params?: Record<string, unknown>;
}

/** The codes this endpoint emits: JSON-RPC's own, and those MCP 2026-07-28 reserves for itself. */
export const JSON_RPC_ERRORS = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** MCP HeaderMismatch: headers disagree with the body, or a required header is missing or malformed. */
  headerMismatch: -32020,
  /** MCP UnsupportedProtocolVersion: `data.supported` lists the revisions served. */
  unsupportedProtocolVersion: -32022,
} as const;

export type JsonRpcErrorCode = (typeof JSON_RPC_ERRORS)[keyof typeof JSON_RPC_ERRORS];

export type MessageKind = 'request' | 'notification' | 'response' | 'invalid';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What one JSON-RPC message is. A request has a string or integer id and a method; params, when present, must be an
 * object here (MCP never uses positional params).
 */
export function messageKind(value: unknown): MessageKind {
  if (!isObject(value) || value.jsonrpc !== '2.0') return 'invalid';
  if (value.params !== undefined && !isObject(value.params)) return 'invalid';
  if (typeof value.method === 'string') {
    if (!('id' in value)) return 'notification';
    return isId(value.id) ? 'request' : 'invalid';
  }
  if ('result' in value || 'error' in value) return 'response';
  return 'invalid';
}

function isId(id: unknown): id is JsonRpcId {
  return typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id));
}

/** The id to echo in an error about this body, when it names one; else null. */
export function echoId(body: unknown): JsonRpcId | null {
  return isObject(body) && isId(body.id) ? body.id : null;
}

/** `{"jsonrpc":"2.0","id":…,"result":…}` around an already serialised result. */
export function resultMessage(id: JsonRpcId, resultJson: string): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${resultJson}}`;
}

export function errorMessage(id: JsonRpcId | null, code: JsonRpcErrorCode, message: string, data?: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error: { code, message, ...(data !== undefined ? { data } : {}) } });
}

export function notificationMessage(method: string, params: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}
