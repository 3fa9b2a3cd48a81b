// The official MCP TypeScript SDK client authorizes itself against a proxy (discovery, registration, PKCE, code
// exchange: all the SDK's own `auth()`), with an HTTP-only browser walking the pages between: redirects followed with
// a cookie jar, the consent form submitted with its hidden fields, the GitHub-style mock signed in with `login=`.
// Then the client connects (initialize) and lists the tools once, and the benchmark replays that MCP session's
// `tools/list` with the client's token, session id and protocol version.
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { TestBrowser } from '../../testkit/test-browser.ts';
import type { LoadTarget } from './load.ts';
import { TOOLS_LIST_BODY } from './mcp-request.ts';

const REDIRECT_URI = 'http://127.0.0.1:65000/callback';

class MemoryProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  get redirectUrl(): string {
    return REDIRECT_URI;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'bench SDK client',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#client;
  }
  saveClientInformation(client: OAuthClientInformationMixed): void {
    this.#client = client;
  }
  tokens(): OAuthTokens | undefined {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.#tokens = tokens;
  }
  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }
  codeVerifier(): string {
    return this.#verifier;
  }
}

export interface SdkSession {
  /** tools/list on the session the SDK client opened, with its headers. */
  toolsList: LoadTarget;
  accessToken: string;
  sessionId?: string;
  protocolVersion?: string;
}

/** Authorizes the SDK client at `mcpUrl`, opens an MCP session and returns the request to replay. */
export async function sdkClientSession(mcpUrl: string, upstreamOrigin: string): Promise<SdkSession> {
  const provider = new MemoryProvider();
  const first = await auth(provider, { serverUrl: mcpUrl });
  if (first !== 'REDIRECT' || provider.authorizationUrl === undefined) {
    throw new Error(`${mcpUrl}: the SDK client expected to be sent to authorize, got ${first}`);
  }
  const code = await walkToCallback(provider.authorizationUrl.href, upstreamOrigin);
  const second = await auth(provider, { serverUrl: mcpUrl, authorizationCode: code });
  if (second !== 'AUTHORIZED') throw new Error(`${mcpUrl}: code exchange gave ${second}`);

  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  const tools = await client.listTools();
  if (tools.tools.length === 0) throw new Error(`${mcpUrl}: tools/list gave no tools`);
  const accessToken = provider.tokens()!.access_token;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${accessToken}`,
  };
  if (transport.protocolVersion) headers['mcp-protocol-version'] = transport.protocolVersion;
  if (transport.sessionId) headers['mcp-session-id'] = transport.sessionId;
  // The session stays open: closing the client would end it at stateful servers. The benchmark's child processes
  // are stopped afterwards anyway.
  return {
    toolsList: { url: mcpUrl, method: 'POST', headers, body: TOOLS_LIST_BODY },
    accessToken,
    ...(transport.sessionId ? { sessionId: transport.sessionId } : {}),
    ...(transport.protocolVersion ? { protocolVersion: transport.protocolVersion } : {}),
  };
}

/**
 * Follows the authorization from its first URL to the client's redirect URI: redirects (with cookies), consent pages
 * (the first form with an approve-like submit button, posted with all its fields) and the mock's authorize endpoint
 * (signed in as alice by `login=`).
 */
async function walkToCallback(start: string, upstreamOrigin: string): Promise<string> {
  const browser = new TestBrowser();
  let request: { url: string; init?: RequestInit } = { url: start };
  for (let hop = 0; hop < 20; hop += 1) {
    const url = new URL(request.url);
    if (url.origin === upstreamOrigin && url.pathname.includes('authorize') && !url.searchParams.has('login')) {
      url.searchParams.set('login', 'alice');
    }
    const response = await browser.fetch(url.href, request.init);
    const location = response.headers.get('location');
    if (location !== null) {
      const next = new URL(location, url);
      if (next.href.startsWith(REDIRECT_URI)) {
        const code = next.searchParams.get('code');
        if (code === null) throw new Error(`no code in the redirect to the client: ${next.href}`);
        return code;
      }
      request = { url: next.href };
      continue;
    }
    const html = await response.text();
    if (response.status !== 200) throw new Error(`${url.href} answered ${response.status}: ${html.slice(0, 300)}`);
    request = approveForm(html, url);
  }
  throw new Error(`no redirect to the client after 20 steps from ${start}`);
}

/** The consent form's submission: its action, its hidden fields and the approve button's name and value. */
function approveForm(html: string, page: URL): { url: string; init: RequestInit } {
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, attributes = '', inner = ''] = match;
    const button = [...inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].find(([, , label = '']) =>
      /approve|allow|authori[sz]e|continue|accept/i.test(label),
    );
    if (button === undefined) continue;
    const fields = new URLSearchParams();
    for (const [, input = ''] of inner.matchAll(/<input\b([^>]*)>/gi)) {
      const name = attribute(input, 'name');
      if (name !== undefined) fields.append(name, attribute(input, 'value') ?? '');
    }
    const buttonName = attribute(button[1] ?? '', 'name');
    if (buttonName !== undefined) fields.append(buttonName, attribute(button[1] ?? '', 'value') ?? '');
    const action = new URL(decodeEntities(attribute(attributes, 'action') ?? page.href), page);
    return {
      url: action.href,
      init: {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: page.origin, referer: page.href },
        body: fields.toString(),
      },
    };
  }
  throw new Error(`no consent form with an approve button at ${page.href}:\n${html.slice(0, 500)}`);
}

function attribute(tag: string, name: string): string | undefined {
  const value = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  if (value === null) return undefined;
  return decodeEntities(value[2] ?? value[3] ?? '');
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
