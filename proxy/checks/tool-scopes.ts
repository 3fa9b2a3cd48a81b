// Which scopes a `tools/call` needs: the operator's per-tool table (`whoami=mcp:tools`, `admin_audit=mcp:admin`,
// `*=mcp:tools` for every tool not listed). A tool listed several times needs every scope it is listed with.

/** `tool=scope`: a tool name (or `*`) without `=`, `,` or white space, and an RFC 6749 scope-token. */
const TOOL_SCOPE = /^([\x21-\x2b\x2d-\x3c\x3e-\x7e]{1,128})=([\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]+)$/;

/** The tool name that stands for every tool the table does not list. */
export const ANY_OTHER_TOOL = '*';

export interface ToolScope {
  tool: string;
  scope: string;
}

/** Parses `tool=scope`; throws an Error saying what is wrong. */
export function parseToolScope(text: string): ToolScope {
  const match = TOOL_SCOPE.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new Error(`expected "tool=scope" (a tool name or *, and one scope), got ${JSON.stringify(text)}`);
  }
  return { tool: match[1], scope: match[2] };
}

/** The table as tool → required scopes. */
export function toolScopeTable(entries: readonly ToolScope[]): ReadonlyMap<string, readonly string[]> {
  const table = new Map<string, string[]>();
  for (const { tool, scope } of entries) {
    const scopes = table.get(tool) ?? [];
    if (!scopes.includes(scope)) scopes.push(scope);
    table.set(tool, scopes);
  }
  return table;
}

/**
 * Every scope the given tool calls need together, in table order: the whole operation's requirement, which MCP
 * wants named in one challenge ("servers SHOULD include all scopes required for the current operation in a single
 * challenge").
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#runtime-insufficient-scope-errors
 */
export function scopesForTools(tools: readonly string[], table: ReadonlyMap<string, readonly string[]>): string[] {
  const required: string[] = [];
  for (const tool of tools) {
    for (const scope of table.get(tool) ?? table.get(ANY_OTHER_TOOL) ?? []) {
      if (!required.includes(scope)) required.push(scope);
    }
  }
  return required;
}
