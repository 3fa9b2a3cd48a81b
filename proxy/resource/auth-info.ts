// What the bearer check establishes about an MCP request, and the shape of the handler that receives it.
import type { UpstreamTokens } from '../upstream/types.ts';

export interface AuthInfo {
  /** The raw access token (the proxy's JWT). Never forwarded upstream. */
  token: string;
  /** Subject: the upstream user's stable id, as in the JWT `sub`. */
  sub: string;
  clientId: string;
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
}

/** Serves an authenticated MCP request (the built-in demo server, or the gateway to a backend MCP server). */
export type McpHandler = (request: Request, auth: AuthInfo) => Promise<Response>;
