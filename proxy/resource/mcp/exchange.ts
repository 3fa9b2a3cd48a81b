// One MCP POST classified: which era and revision it belongs to, and whether it is well-formed for it. The body
// decides the era, as MCP versioning has a dual-era server do ("A request carrying modern per-request `_meta` is
// served statelessly according to this revision. An `initialize` request selects legacy semantics"); the headers
// must then agree with it. Anything malformed is a Rejection: an HTTP status and the JSON-RPC error to answer with.
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/versioning#backward-compatibility-with-initialization-based-versions
import { claimsEnvelope, envelopeProblem, envelopeRevision } from './envelope.ts';
import {
  echoId,
  JSON_RPC_ERRORS,
  messageKind,
  type JsonRpcErrorCode,
  type JsonRpcId,
  type JsonRpcNotification,
  type JsonRpcRequest,
} from './json-rpc.ts';
import { headerMismatch, type StandardHeaders } from './request-metadata.ts';
import {
  allowsBatches,
  HEADERLESS_REVISION,
  isLegacyRevision,
  isModernRevision,
  SUPPORTED_REVISIONS,
  type LegacyRevision,
  type ModernRevision,
} from './revisions.ts';

/** A 2026-07-28 POST: one request, or one notification. */
export interface ModernExchange {
  era: 'modern';
  revision: ModernRevision;
  request?: JsonRpcRequest;
}

/** A 2025 POST: one message, or a 2025-03-26 batch; requests, notifications and responses as sent. */
export interface LegacyExchange {
  era: 'legacy';
  revision: LegacyRevision;
  batch: boolean;
  requests: JsonRpcRequest[];
  notifications: JsonRpcNotification[];
}

export type Exchange = ModernExchange | LegacyExchange;

export interface Rejection {
  era: 'rejected';
  status: number;
  id: JsonRpcId | null;
  code: JsonRpcErrorCode;
  message: string;
  data?: unknown;
}

function reject(status: number, body: unknown, code: JsonRpcErrorCode, message: string, data?: unknown): Rejection {
  return { era: 'rejected', status, id: echoId(body), code, message, ...(data !== undefined ? { data } : {}) };
}

/**
 * "If the server does not implement the requested protocol version […] it MUST respond with 400 Bad Request and an
 * UnsupportedProtocolVersionError listing its supported versions."
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#protocol-version-header
 */
function unsupportedRevision(body: unknown, requested: string): Rejection {
  return reject(400, body, JSON_RPC_ERRORS.unsupportedProtocolVersion, 'Unsupported protocol version', {
    supported: SUPPORTED_REVISIONS,
    requested,
  });
}

function mismatch(body: unknown, message: string): Rejection {
  return reject(400, body, JSON_RPC_ERRORS.headerMismatch, `Header mismatch: ${message}`);
}

export function classifyExchange(headers: StandardHeaders, body: unknown): Exchange | Rejection {
  if (Array.isArray(body)) return classifyBatch(headers, body);
  const kind = messageKind(body);
  if (kind === 'invalid') return reject(400, body, JSON_RPC_ERRORS.invalidRequest, 'Not a JSON-RPC 2.0 message');
  const headerModern = headers.protocolVersion !== undefined && isModernRevision(headers.protocolVersion);
  if (kind === 'response') {
    // 2026-07-28: "The client MUST NOT send JSON-RPC responses"; 2025 revisions accept them with 202.
    if (headerModern) return reject(400, body, JSON_RPC_ERRORS.invalidRequest, 'Clients do not send responses');
    return legacy(headers, body, [], []);
  }
  const message = body as JsonRpcRequest | JsonRpcNotification;
  if (claimsEnvelope(message.params))
    return kind === 'request'
      ? modernRequest(headers, message as JsonRpcRequest)
      : modernNotification(headers, message);
  if (headerModern) {
    if (message.method === 'initialize') {
      return mismatch(body, 'an initialize request (2025 handshake) was sent with a 2026 MCP-Protocol-Version');
    }
    if (kind === 'notification') {
      if (headers.method !== undefined && headers.method !== message.method) {
        return mismatch(body, `the Mcp-Method header names ${headers.method}, the body ${message.method}`);
      }
      return { era: 'modern', revision: headers.protocolVersion as ModernRevision };
    }
    return reject(400, body, JSON_RPC_ERRORS.invalidParams, envelopeProblem(message.params) ?? 'Invalid params');
  }
  return kind === 'request'
    ? legacy(headers, body, [message as JsonRpcRequest], [])
    : legacy(headers, body, [], [message]);
}

/** The validation ladder of a 2026-07-28 request: envelope, header agreement, revision, required headers. */
function modernRequest(headers: StandardHeaders, request: JsonRpcRequest): ModernExchange | Rejection {
  const problem = envelopeProblem(request.params);
  if (problem !== undefined) return reject(400, request, JSON_RPC_ERRORS.invalidParams, `Invalid params: ${problem}`);
  const revision = envelopeRevision(request.params) as string;
  if (headers.protocolVersion !== undefined && headers.protocolVersion !== revision) {
    return mismatch(request, `the MCP-Protocol-Version header names ${headers.protocolVersion}, _meta ${revision}`);
  }
  if (!isModernRevision(revision)) return unsupportedRevision(request, revision);
  const disagreement = headerMismatch(headers, revision, request.method, request.params);
  if (disagreement !== undefined) return mismatch(request, disagreement);
  return { era: 'modern', revision, request };
}

function modernNotification(headers: StandardHeaders, notification: JsonRpcNotification): ModernExchange | Rejection {
  const revision = envelopeRevision(notification.params);
  if (revision === undefined) {
    return reject(
      400,
      notification,
      JSON_RPC_ERRORS.invalidParams,
      'Invalid params: the _meta protocol version must be a string',
    );
  }
  if (headers.protocolVersion !== undefined && headers.protocolVersion !== revision) {
    return mismatch(
      notification,
      `the MCP-Protocol-Version header names ${headers.protocolVersion}, _meta ${revision}`,
    );
  }
  if (headers.method !== undefined && headers.method !== notification.method) {
    return mismatch(notification, `the Mcp-Method header names ${headers.method}, the body ${notification.method}`);
  }
  if (!isModernRevision(revision)) return unsupportedRevision(notification, revision);
  return { era: 'modern', revision };
}

/**
 * 2025-03-26 allows "An array batching one or more requests and/or notifications" (never an `initialize`); later
 * revisions have no batches, and a batch never holds a 2026-07-28 message.
 * @see https://modelcontextprotocol.io/specification/2025-03-26/basic/transports#sending-messages-to-the-server
 */
function classifyBatch(headers: StandardHeaders, batch: unknown[]): LegacyExchange | Rejection {
  const invalid = (message: string) => reject(400, null, JSON_RPC_ERRORS.invalidRequest, message);
  if (batch.length === 0) return invalid('An empty JSON-RPC batch');
  if (headers.protocolVersion !== undefined && isModernRevision(headers.protocolVersion)) {
    return invalid(`JSON-RPC batches are not part of MCP ${headers.protocolVersion}`);
  }
  const requests: JsonRpcRequest[] = [];
  const notifications: JsonRpcNotification[] = [];
  for (const element of batch) {
    const kind = messageKind(element);
    if (kind === 'invalid') return invalid('The batch holds something that is not a JSON-RPC 2.0 message');
    if (kind === 'response') continue;
    const message = element as JsonRpcRequest;
    if (claimsEnvelope(message.params)) return invalid('A batch cannot hold 2026-07-28 requests');
    if (message.method === 'initialize') return invalid('The initialize request must not be part of a batch');
    if (kind === 'request') requests.push(message);
    else notifications.push(message);
  }
  const exchange = legacy(headers, batch, requests, notifications);
  if (exchange.era === 'legacy' && !allowsBatches(exchange.revision)) {
    return invalid(`JSON-RPC batches are not part of MCP ${exchange.revision}`);
  }
  return exchange.era === 'legacy' ? { ...exchange, batch: true } : exchange;
}

/**
 * A 2025 exchange at the revision its header names ("If the server receives a request with an invalid or unsupported
 * MCP-Protocol-Version, it MUST respond with 400 Bad Request"), or 2025-03-26 without one. An `initialize` negotiates
 * in its body instead, so its header is not held against it.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#protocol-version-header
 */
function legacy(
  headers: StandardHeaders,
  body: unknown,
  requests: JsonRpcRequest[],
  notifications: JsonRpcNotification[],
): LegacyExchange | Rejection {
  const version = headers.protocolVersion;
  const initializing = requests.some((r) => r.method === 'initialize');
  if (version !== undefined && !isLegacyRevision(version) && !initializing) return unsupportedRevision(body, version);
  const revision = version !== undefined && isLegacyRevision(version) ? version : HEADERLESS_REVISION;
  return { era: 'legacy', revision, batch: false, requests, notifications };
}
