// The built-in demo MCP endpoint (step 12 of the flow), written against the spec rather than on an SDK server: it
// answers every revision it lists (2025-03-26, 2025-06-18, 2025-11-25 with the `initialize` handshake answered per
// request; 2026-07-28 single-exchange requests) statelessly, so any instance behind a load balancer can answer any
// request. Nothing is built per request beyond the answer itself: the tool list, discovery and initialize results
// are serialised once.
import type { AuthInfo, McpHandler } from './auth-info.ts';
import { acceptedForms, type Accepts } from './mcp/accept.ts';
import {
  accepted,
  bodyTooLarge,
  errorAnswer,
  jsonAnswer,
  methodNotAllowed,
  notAcceptable,
  unsupportedMediaType,
} from './mcp/answers.ts';
import { MAX_MCP_BODY_BYTES, readMcpBody } from './mcp/body.ts';
import { progressToken, SERVER_INFO_KEY } from './mcp/envelope.ts';
import { classifyExchange, type LegacyExchange, type ModernExchange } from './mcp/exchange.ts';
import {
  errorMessage,
  JSON_RPC_ERRORS,
  notificationMessage,
  resultMessage,
  type JsonRpcErrorCode,
  type JsonRpcRequest,
} from './mcp/json-rpc.ts';
import { standardHeaders } from './mcp/request-metadata.ts';
import { isLegacyRevision, LATEST_LEGACY_REVISION, LEGACY_REVISIONS, SUPPORTED_REVISIONS } from './mcp/revisions.ts';
import { sseStream } from './mcp/sse.ts';
import { calledTools } from './mcp/tool-calls.ts';
import { DEMO_TOOLS, toolError, type DemoTool, type ToolResult } from './demo/tools.ts';
import type { UpstreamProvider } from '../upstream/types.ts';

export interface DemoMcpServerOptions {
  upstream: UpstreamProvider;
  /** Server name reported in `initialize` and `server/discover`. Default `mcp-oauth-proxy-demo`. */
  name?: string;
}

/** The tool list and discovery result change only with a new deployment: let clients keep them for five minutes. */
const LIST_TTL_MS = 300_000;

const INSTRUCTIONS =
  'Demo MCP server behind an OAuth proxy. whoami shows who you are at the upstream identity provider; count_to ' +
  'streams progress; admin_audit needs the administrative scope (a 403 asks for it).';

type Outcome = { result: string } | { error: { code: JsonRpcErrorCode; message: string } };

/** Builds the demo handler: one set of serialised results, shared by every request. */
export function createDemoMcpHandler(options: DemoMcpServerOptions): McpHandler {
  const serverInfo = { name: options.name ?? 'mcp-oauth-proxy-demo', title: 'MCP OAuth proxy demo', version: '1.0.0' };
  const meta = { [SERVER_INFO_KEY]: serverInfo };
  const tools = [...DEMO_TOOLS.values()].map((t) => t.definition);
  const serialised = {
    legacyTools: JSON.stringify({ tools }),
    modernTools: JSON.stringify({
      resultType: 'complete',
      tools,
      ttlMs: LIST_TTL_MS,
      cacheScope: 'public',
      _meta: meta,
    }),
    discover: JSON.stringify({
      resultType: 'complete',
      supportedVersions: SUPPORTED_REVISIONS,
      capabilities: { tools: {} },
      instructions: INSTRUCTIONS,
      ttlMs: LIST_TTL_MS,
      cacheScope: 'public',
      _meta: meta,
    }),
    initialize: new Map(
      LEGACY_REVISIONS.map((revision) => [
        revision,
        JSON.stringify({
          protocolVersion: revision,
          capabilities: { tools: { listChanged: false } },
          serverInfo,
          instructions: INSTRUCTIONS,
        }),
      ]),
    ),
  };

  /** A tool's result as the era writes it: 2026-07-28 results carry `resultType` and the server's identity. */
  const toolResult = (result: ToolResult, modern: boolean): string =>
    JSON.stringify(modern ? { ...result, resultType: 'complete', _meta: meta } : result);

  async function callTool(
    request: JsonRpcRequest,
    auth: AuthInfo,
    modern: boolean,
    signal: AbortSignal,
    progress: (progress: number, total: number, message: string) => void = () => {},
  ): Promise<Outcome> {
    const found = toolFor(request);
    if ('error' in found) return found;
    const args = request.params?.arguments ?? {};
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      return { result: toolResult(toolError('arguments must be an object'), modern) };
    }
    const result = await found.tool
      .run(args as Record<string, unknown>, { auth, upstream: options.upstream, progress, signal })
      .catch(() => toolError('The tool failed unexpectedly.'));
    return { result: toolResult(result, modern) };
  }

  /** The 2025 methods: the handshake answered per request, ping, and tools. */
  async function legacyOutcome(request: JsonRpcRequest, auth: AuthInfo, http: Request): Promise<Outcome> {
    switch (request.method) {
      case 'initialize': {
        // "If the server supports the requested protocol version, it MUST respond with the same version. Otherwise,
        // the server MUST respond with another protocol version it supports."
        const asked = request.params?.protocolVersion;
        const revision = typeof asked === 'string' && isLegacyRevision(asked) ? asked : LATEST_LEGACY_REVISION;
        return { result: serialised.initialize.get(revision) as string };
      }
      case 'ping':
        return { result: '{}' };
      case 'tools/list':
        return { result: serialised.legacyTools };
      case 'tools/call':
        // The request's signal is made on first use: only a tool call may need to know that the client went away.
        return callTool(request, auth, false, http.signal);
      default:
        return { error: { code: JSON_RPC_ERRORS.methodNotFound, message: `Method not found: ${request.method}` } };
    }
  }

  async function serveLegacy(exchange: LegacyExchange, request: Request, auth: AuthInfo, forms: Accepts) {
    const { requests } = exchange;
    if (requests.length === 0) return accepted();
    const single = requests.length === 1 && !exchange.batch ? requests[0] : undefined;
    if (single && streamsProgress(single, forms)) return streamed(single, auth, false);
    const answers = await Promise.all(requests.map(async (r) => message(r, await legacyOutcome(r, auth, request))));
    return jsonAnswer(exchange.batch ? `[${answers.join(',')}]` : (answers[0] as string));
  }

  /**
   * A 2026-07-28 request. Notifications: "the server MUST return HTTP status code 202 Accepted with no body". An
   * unknown method: "it MUST respond with 404 Not Found and a JSON-RPC error with code -32601".
   */
  async function serveModern(exchange: ModernExchange, request: Request, auth: AuthInfo, forms: Accepts) {
    const rpc = exchange.request;
    if (rpc === undefined) return accepted();
    switch (rpc.method) {
      case 'server/discover':
        return jsonAnswer(resultMessage(rpc.id, serialised.discover));
      case 'tools/list':
        return jsonAnswer(resultMessage(rpc.id, serialised.modernTools));
      case 'tools/call':
        if (streamsProgress(rpc, forms)) return streamed(rpc, auth, true);
        return jsonAnswer(message(rpc, await callTool(rpc, auth, true, request.signal)));
      default:
        return errorAnswer(404, rpc.id, JSON_RPC_ERRORS.methodNotFound, `Method not found: ${rpc.method}`);
    }
  }

  /** A tool call answered as an SSE stream: its progress notifications, then its response. */
  function streamed(rpc: JsonRpcRequest, auth: AuthInfo, modern: boolean): Response {
    const stream = sseStream();
    const token = progressToken(rpc.params) as string | number;
    const progress = (value: number, total: number, text: string) =>
      stream.send(
        notificationMessage('notifications/progress', { progressToken: token, progress: value, total, message: text }),
      );
    void callTool(rpc, auth, modern, stream.cancelled, progress).then((outcome) => {
      stream.send(message(rpc, outcome));
      stream.close();
    });
    return stream.response;
  }

  return async (request: Request, auth: AuthInfo): Promise<Response> => {
    if (request.method !== 'POST') return methodNotAllowed();
    const forms = acceptedForms(request.headers.get('accept'));
    if (!forms.json) return notAcceptable();
    const body = await readMcpBody(request);
    if (body.kind === 'not-json') return unsupportedMediaType();
    if (body.kind === 'too-large') return bodyTooLarge(MAX_MCP_BODY_BYTES);
    if (body.kind === 'unparseable') return errorAnswer(400, null, JSON_RPC_ERRORS.parseError, 'Parse error');
    const exchange = classifyExchange(standardHeaders(request.headers), body.value);
    if (exchange.era === 'rejected') {
      return errorAnswer(exchange.status, exchange.id, exchange.code, exchange.message, exchange.data);
    }
    const calls = calledTools(body.value);
    if (calls.tools.length > 0) {
      const refusal = auth.checkToolCall(calls.tools);
      if (refusal) return refusal;
    }
    return exchange.era === 'modern'
      ? serveModern(exchange, request, auth, forms)
      : serveLegacy(exchange, request, auth, forms);
  };
}

/** A tool call streams when the tool reports progress, the request asked for it, and the client takes SSE. */
function streamsProgress(rpc: JsonRpcRequest, forms: Accepts): boolean {
  if (rpc.method !== 'tools/call' || !forms.eventStream || progressToken(rpc.params) === undefined) return false;
  const found = toolFor(rpc);
  return 'tool' in found && found.tool.streams;
}

/**
 * The tool a `tools/call` names. An unknown tool or a call without a name is a protocol error: "Unknown tool" is
 * returned "as standard JSON-RPC errors" with -32602.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/server/tools#error-handling
 */
function toolFor(rpc: JsonRpcRequest): { tool: DemoTool } | { error: { code: JsonRpcErrorCode; message: string } } {
  const name = rpc.params?.name;
  if (typeof name !== 'string') {
    return { error: { code: JSON_RPC_ERRORS.invalidParams, message: 'tools/call needs params.name' } };
  }
  const tool = DEMO_TOOLS.get(name);
  return tool ? { tool } : { error: { code: JSON_RPC_ERRORS.invalidParams, message: `Unknown tool: ${name}` } };
}

function message(rpc: JsonRpcRequest, outcome: Outcome): string {
  return 'result' in outcome
    ? resultMessage(rpc.id, outcome.result)
    : errorMessage(rpc.id, outcome.error.code, outcome.error.message);
}
