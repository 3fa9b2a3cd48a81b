// Step 6: the consent page. MCP SBP "Consent UI Requirements": it names the client, shows where the tokens will be
// sent (the redirect URI's host prominently, then the full URI), the scopes, and the upstream IdP; CSRF-protected,
// never framed. It also says which MCP server is asking (its display name and the issuer host), because a user may
// have several. hono/html escapes every value, so a hostile client_name renders as text.
// For a client ID metadata document client the identity shown is the document's host, which HTTPS verified; its
// client_name is marked as self-asserted, and a client whose every redirect URI is on this computer gets a warning.
import { html } from 'hono/html';
import { csrfToken } from '../consent/csrf.ts';
import type { ProxyContext } from '../context.ts';
import { isLoopbackHost } from '../http/loopback.ts';
import { ANY_OTHER_TOOL } from '../checks/tool-scopes.ts';
import type { ScopePolicy } from '../options/scope-policy.ts';
import type { ClientRecord, PendingAuthorization } from '../records.ts';
import { renderPage } from './layout.ts';

export interface ConsentView {
  pendingId: string;
  client: ClientRecord;
  authorization: PendingAuthorization;
}

/** Display names of the upstream providers. */
const PROVIDER_NAMES: Record<string, string> = {
  github: 'GitHub',
  google: 'Google',
  azure: 'Microsoft',
  auth0: 'Auth0',
  oidc: 'your identity provider',
  oauth2: 'your identity provider',
};

/**
 * What a scope lets the application do, from the operator's tool table and scope hierarchy: the tools that need it
 * and the scopes it includes. Only scopes the proxy offers reach this page (unknown ones are never granted).
 */
function scopeDetail(scope: string, policy: ScopePolicy): string | undefined {
  const tools = [...policy.toolScopes]
    .filter(([tool, scopes]) => tool !== ANY_OTHER_TOOL && scopes.includes(scope))
    .map(([tool]) => tool);
  const anyOther = policy.toolScopes.get(ANY_OTHER_TOOL)?.includes(scope) ?? false;
  const implied = [...(policy.implied.get(scope) ?? [])];
  const callable = [...tools, ...(anyOther ? ['every tool without a scope of its own'] : [])];
  const parts = [
    ...(callable.length > 0 ? [`call ${callable.join(', ')}`] : []),
    ...(implied.length > 0 ? [`includes ${implied.join(', ')}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

export function renderConsentPage(ctx: ProxyContext, view: ConsentView): Promise<Response> {
  const { client, authorization } = view;
  const redirect = new URL(authorization.redirectUri);
  const host = redirect.host || redirect.protocol;
  const clientName = client.client_name ?? 'An unnamed application';
  const documentHost = client.metadata_document ? new URL(client.client_id).host : undefined;
  const localOnly = documentHost !== undefined && client.redirect_uris.every(isLoopbackRedirect);
  const idp = PROVIDER_NAMES[ctx.settings.upstream.name] ?? ctx.settings.upstream.name;
  const remember = ctx.settings.consent === 'remember';
  const serverHost = new URL(ctx.settings.issuer).host;
  const server = ctx.settings.serverName;
  return renderPage(
    `Authorize ${clientName}`,
    html`<h1>
        Allow <span class="client">${clientName}</span> to use
        ${server ? html`<span class="server">${server}</span> at ${serverHost}` : html`the MCP server at ${serverHost}`}?
      </h1>
      ${
        documentHost !== undefined
          ? html`<p>Identified by its document at</p>
              <p class="host client-id-host">${documentHost}</p>
              <p class="note">
                This server fetched that document over HTTPS, so it comes from ${documentHost}. The name “${clientName}”
                is what the document says about itself; this server has not verified it.
              </p>`
          : client.client_name === undefined
            ? ''
            : html`<p class="note">
                The name “${clientName}” was chosen by the application itself; this server has not verified it.
              </p>`
      }
      <p>After you sign in with ${idp}, access will be sent to</p>
      <p class="host">${host}</p>
      <p class="uri">${authorization.redirectUri}</p>
      ${
        localOnly
          ? html`<p class="warning" role="alert">
              Every address this application can send you back to is on your own computer. Any program running on this
              computer can claim to be ${documentHost}: approve only if you just started this sign-in yourself, from an
              application you trust.
            </p>`
          : ''
      }
      ${
        !localOnly && isLoopbackHost(redirect.hostname)
          ? html`<p class="note">
              This address is on your own computer. Approve only if you just started this sign-in from an application
              you trust.
            </p>`
          : ''
      }
      ${
        authorization.scopes.length > 0
          ? html`<p>Requested permissions:</p>
              <ul class="scopes">
                ${authorization.scopes.map((s) => {
                  const detail = scopeDetail(s, ctx.settings.scopes);
                  return html`<li><code>${s}</code>${detail ? html` — ${detail}` : ''}</li>`;
                })}
              </ul>`
          : html`<p>No specific permissions were requested.</p>`
      }
      ${
        ctx.upstreamScopes.length > 0
          ? html`<p class="note">At ${idp} the server asks for: <code>${ctx.upstreamScopes.join(' ')}</code></p>`
          : ''
      }
      <p class="note">Client id: <code>${client.client_id}</code></p>
      <form method="post" action="${ctx.settings.urls.consent}">
        <input type="hidden" name="authorization_id" value="${view.pendingId}" />
        <input type="hidden" name="csrf_token" value="${csrfToken(ctx.csrfKey, view.pendingId)}" />
        <div class="actions">
          <button type="submit" name="decision" value="deny">Deny</button>
          <button type="submit" name="decision" value="approve" class="primary">Approve</button>
        </div>
      </form>
      ${remember ? html`<p class="note">Your approval is remembered for this application in this browser.</p>` : ''}`,
  );
}

/**
 * MCP 2026-07-28 "Localhost Redirect URI Risks": authorization servers "SHOULD display additional warnings for
 * `localhost`-only redirect URIs" (a metadata document proves a domain, not which local process listens).
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/security-considerations#localhost-redirect-uri-risks
 */
function isLoopbackRedirect(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}
