// The built-in demo MCP endpoint (step 12 of the flow): an official-SDK MCP server behind the proxy's bearer check.
// Its `whoami` tool calls the upstream IdP's userinfo with the grant's stored upstream token, proving the token swap:
// the client holds only the proxy's JWT, yet the server can still act upstream on the user's behalf.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { AuthInfo, McpHandler } from './auth-info.ts';
import type { UpstreamProvider } from '../upstream/types.ts';

export interface DemoMcpServerOptions {
  upstream: UpstreamProvider;
  /** Server name reported in `initialize`. Default `mcp-oauth-proxy-demo`. */
  name?: string;
}

/**
 * Builds the demo handler. The transport runs stateless with JSON responses: every request carries its own bearer
 * token, no MCP session state lives in the proxy, so any instance behind a load balancer can answer any request.
 * A fresh McpServer per request is what the SDK requires in stateless mode (no JSON-RPC id collisions).
 */
export function createDemoMcpHandler(options: DemoMcpServerOptions): McpHandler {
  const name = options.name ?? 'mcp-oauth-proxy-demo';
  // Built once: each McpServer would otherwise construct its own Ajv instance, most of a request's cost.
  const jsonSchemaValidator = new AjvJsonSchemaValidator();
  return async (request: Request, auth: AuthInfo): Promise<Response> => {
    const server = buildServer(name, options.upstream, auth, jsonSchemaValidator);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request, {
        authInfo: { token: auth.token, clientId: auth.clientId, scopes: auth.scopes, expiresAt: auth.expiresAt },
      });
    } finally {
      // JSON responses are complete when handleRequest resolves; closing frees the per-request server.
      void server.close();
    }
  };
}

function buildServer(
  name: string,
  upstream: UpstreamProvider,
  auth: AuthInfo,
  jsonSchemaValidator: AjvJsonSchemaValidator,
): McpServer {
  const server = new McpServer({ name, version: '1.0.0' }, { jsonSchemaValidator });
  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description:
        'Returns the signed-in user as the upstream identity provider reports them, fetched with the upstream token ' +
        'that the proxy keeps server-side, and the proxy grant this request was authorised by.',
    },
    async () => {
      const tokens = await auth.upstreamTokens();
      const upstreamUser = await upstream.userInfo(tokens.accessToken);
      const result = {
        upstream: {
          provider: upstream.name,
          sub: upstreamUser.sub,
          name: upstreamUser.name,
          email: upstreamUser.email,
          login: upstreamUser.login,
        },
        proxy: { sub: auth.sub, client_id: auth.clientId, scopes: auth.scopes, expires_at: auth.expiresAt },
      };
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
    },
  );
  return server;
}
