// What the bearer check establishes about an MCP request, and the shape of the handler that receives it: the
// embedding contract. A handler gets the request untouched (its body unread) and the AuthInfo; scope decisions go
// through the AuthInfo, so every handler applies the same scope hierarchy and answers with the same challenge.
import type { UpstreamTokens } from '../upstream/types.ts';

export interface AuthInfo {
  /** The raw access token (the proxy's JWT). Never forwarded upstream. */
  token: string;
  /** Subject: the upstream user's stable id, as in the JWT `sub`. */
  sub: string;
  clientId: string;
  /** The scopes granted to this token, as issued (without the scopes they imply). */
  scopes: string[];
  grantId: string;
  /** Epoch seconds. */
  expiresAt: number;
  /** The user as the upstream described them at login (name, email, login). */
  user: { sub: string; name?: string; email?: string; login?: string };
  /**
   * The upstream tokens of this grant, decrypted from storage and refreshed upstream when expired or near expiry.
   * Costs storage and possibly network round trips: call only when a tool needs the upstream API.
   */
  upstreamTokens(): Promise<UpstreamTokens>;
  /** Whether this token covers every one of `required`, counting the scope hierarchy (`scopeImplies`). */
  hasScopes(required: readonly string[]): boolean;
  /**
   * The 403 for an operation this token may not perform: `WWW-Authenticate: Bearer error="insufficient_scope",
   * scope="<required>", resource_metadata="…"` (RFC 6750 §3.1, MCP "Runtime Insufficient Scope Errors"). Name every
   * scope the operation needs, not only the missing ones.
   */
  insufficientScope(required: readonly string[], description?: string): Response;
  /**
   * The per-tool scope check (`toolScopes`) for the tools one MCP POST calls (a 2025-03-26 batch may call several):
   * the 403 naming every scope they need when this token falls short, else undefined.
   */
  checkToolCall(tools: readonly string[]): Response | undefined;
}

/** Serves an authenticated MCP request (the built-in demo server, or the gateway to a backend MCP server). */
export type McpHandler = (request: Request, auth: AuthInfo) => Promise<Response>;
