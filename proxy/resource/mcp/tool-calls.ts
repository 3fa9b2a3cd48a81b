// Which tools one MCP POST calls: the `params.name` of every `tools/call` in it (a 2025-03-26 batch may hold
// several). The per-tool scope check runs on this list, before anything is executed or forwarded; names compare
// exactly, as MCP tool names are case-sensitive.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface ToolCalls {
  /** The names, in order. */
  tools: string[];
  /** A `tools/call` whose `params.name` is not a string: no scope decision is possible, so it must be refused. */
  malformed: boolean;
}

/** The `tools/call` requests in a parsed body (one message or a batch). */
export function calledTools(body: unknown): ToolCalls {
  const messages = Array.isArray(body) ? body : [body];
  const calls: ToolCalls = { tools: [], malformed: false };
  for (const message of messages) {
    if (!isObject(message) || message.method !== 'tools/call') continue;
    const name = isObject(message.params) ? message.params.name : undefined;
    if (typeof name === 'string') calls.tools.push(name);
    else calls.malformed = true;
  }
  return calls;
}
