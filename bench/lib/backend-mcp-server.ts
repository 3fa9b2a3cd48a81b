// A plain MCP server (official SDK, stateless, JSON responses) with no auth: the backend behind gateway mode, and
// the "backend direct" side of the gateway benchmark.
import { serve } from '@hono/node-server';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface BackendMcpServer {
  /** The MCP endpoint, e.g. http://127.0.0.1:PORT/mcp */
  url: string;
  close(): Promise<void>;
}

export async function startBackendMcpServer(): Promise<BackendMcpServer> {
  // Built once, as a tuned MCP server would: a fresh McpServer per request is what stateless mode requires, but its
  // default validator (a new Ajv instance) and the tool's schema need not be.
  const jsonSchemaValidator = new AjvJsonSchemaValidator();
  const inputSchema = { text: z.string() };
  const handle = async (request: Request): Promise<Response> => {
    if (new URL(request.url).pathname !== '/mcp') return new Response('not found', { status: 404 });
    const server = new McpServer({ name: 'backend', version: '1.0.0' }, { jsonSchemaValidator });
    server.registerTool(
      'echo',
      { description: 'Echoes its input and the caller identity headers', inputSchema },
      ({ text }) => ({
        content: [{ type: 'text', text: JSON.stringify({ text, user: request.headers.get('x-mcp-user-sub') }) }],
      }),
    );
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request);
    } finally {
      void server.close();
    }
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: handle, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
