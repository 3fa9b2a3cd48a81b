// Records one real run of the flow (reference proxy + GitHub-style mock IdP over loopback HTTP, the client identified
// by a Client ID Metadata Document on a test HTTPS host) and renders it as a Mermaid sequence diagram into
// docs/flow.md between the GENERATED markers. Values that change from run to
// run (ports, codes, tokens) are left out, so the diagram only changes when the flow does; the docs test checks it.
// Usage: tsx scripts/record-flow.ts [--check]   (--check: exit 1 if docs/flow.md is out of date)
import { readFileSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import type { RecordedRequest } from '../mock-idp/index.ts';
import { loadServerConfig } from '../proxy/server/config.ts';
import { startProxyServer } from '../proxy/server/start.ts';
import { startMockIdp } from '../mock-idp/index.ts';
import { TestBrowser } from '../testkit/test-browser.ts';
import { newPkce } from '../testkit/pkce.ts';
import { consentFields, form } from '../testkit/forms.ts';
import { MetadataDocumentServer } from '../conformance/lib/target/metadata-document-server.ts';

type Actor = 'Client' | 'Browser' | 'Proxy' | 'IdP' | 'Doc';
interface Hop {
  start: number;
  end: number;
  from: Actor;
  to: Actor;
  label: string;
  answer: string;
  note?: string;
  /** Calls the proxy made while answering this hop (the IdP's request log, the document host's hits). */
  nested: ProxyCall[];
}

const DOC = 'docs/flow.md';
const BEGIN = '<!-- BEGIN GENERATED SEQUENCE (scripts/record-flow.ts) -->';
const END = '<!-- END GENERATED SEQUENCE -->';

export async function recordFlow(): Promise<string> {
  const idp = await startMockIdp({ flavor: 'github' });
  const documents = await MetadataDocumentServer.start();
  const config = loadServerConfig(
    { port: '0' },
    {
      ...idp.proxyEnv,
      PROXY_SIGNING_KEY: 'record-flow-signing-key-0123456789abcdef',
      PROXY_SCOPES: 'mcp:tools',
      // Test-only: the document's host name is mapped to the loopback test host and its CA (production fetches the
      // real name, with every address vetted).
      PROXY_DANGEROUSLY_ALLOW_CIMD_HOSTS: `${documents.info.host}=${documents.info.address}`,
      PROXY_CIMD_CA_FILE: documents.info.caFile,
    },
  );
  const proxy = await startProxyServer(config, { logger: pino({ level: 'silent' }) });
  const base = proxy.url;
  const hops: Hop[] = [];
  const browser = new TestBrowser();
  const call = async (from: Actor, url: string, init: RequestInit = {}, note?: string): Promise<Response> => {
    const start = Date.now();
    const response = await browser.fetch(url, init);
    const end = Date.now();
    const target = new URL(url);
    const to: Actor = target.origin === new URL(base).origin ? 'Proxy' : 'IdP';
    const location = response.headers.get('location');
    const answer = location ? `${response.status} → ${describeLocation(location, base)}` : `${response.status}`;
    const label = `${init.method ?? 'GET'} ${target.pathname}`;
    hops.push({ start, end, from, to, label, answer, nested: [], ...(note ? { note } : {}) });
    return response;
  };
  const post = (from: Actor, path: string, fields: Record<string, string | undefined>, note?: string) =>
    call(
      from,
      `${base}${path}`,
      { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form(fields) },
      note,
    );

  try {
    const mcp = `${base}/mcp`;
    const redirectUri = 'http://127.0.0.1:65000/callback';
    await call('Client', mcp, { method: 'POST' }, 'no token: challenge with resource_metadata');
    await call('Client', `${base}/.well-known/oauth-protected-resource/mcp`);
    await call('Client', `${base}/.well-known/oauth-authorization-server`);
    // The client publishes its metadata at an https URL, and that URL is its client_id: no registration request.
    const clientId = documents.url('/oauth/client.json');
    documents.publish('/oauth/client.json', {
      json: {
        client_id: clientId,
        client_name: 'Docs',
        redirect_uris: [redirectUri],
        token_endpoint_auth_method: 'none',
      },
      headers: { 'content-type': 'application/json', 'cache-control': 'max-age=300' },
    });
    const { verifier, challenge } = newPkce();
    const authorize = new URL(`${base}/authorize`);
    authorize.search = form({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'client-state',
      scope: 'mcp:tools',
      resource: mcp,
    }).toString();
    const consent = await call(
      'Browser',
      authorize.href,
      {},
      'client_id is a URL: its document, fetched server-side; consent page (document host, redirect host, scopes)',
    );
    const approved = await post('Browser', '/consent', { ...consentFields(await consent.text()), decision: 'approve' });
    const upstream = new URL(approved.headers.get('location')!);
    upstream.searchParams.set('login', 'alice');
    const login = await call('Browser', upstream.href, {}, "the proxy's own PKCE challenge and state");
    const callback = await call('Browser', login.headers.get('location')!, {}, 'code exchanged server-side');
    const code = new URL(callback.headers.get('location')!).searchParams.get('code')!;
    const token = await post(
      'Client',
      '/token',
      {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id: clientId,
        redirect_uri: redirectUri,
        resource: mcp,
      },
      "client PKCE verified; the proxy's JWT, aud = MCP URL",
    );
    const tokens = (await token.json()) as { access_token: string; refresh_token: string };
    const rpc = (method: string, params: unknown = {}) => ({
      method: 'POST',
      headers: {
        Authorization: `Bearer ${tokens.access_token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    await call('Client', mcp, rpc('tools/call', { name: 'whoami', arguments: {} }), 'whoami uses the upstream token');
    const refreshed = await post(
      'Client',
      '/token',
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: clientId },
      'rotation: a new refresh token',
    );
    const next = (await refreshed.json()) as { refresh_token: string };
    await post('Client', '/revoke', { token: next.refresh_token, client_id: clientId }, 'grant and upstream revoked');

    // The proxy's own calls to the IdP, from the mock's request log, nested under the hop that caused them (the one
    // whose time span contains them; the log has millisecond times, hence the 1 ms tolerance).
    for (const request of idp.requests()) {
      if (request.path === new URL(idp.endpoints.authorization).pathname) continue;
      const time = Date.parse(request.time);
      const owner = hops.find((h) => h.to === 'Proxy' && h.start - 1 <= time && time <= h.end + 1);
      if (!owner) throw new Error(`no proxy hop spans the IdP call ${request.method} ${request.path}`);
      owner.nested.push(proxyToIdp(request));
    }
    for (const hit of documents.hits) {
      const owner = hops.find((h) => h.to === 'Proxy' && h.start - 1 <= hit.at && hit.at <= h.end + 1);
      if (!owner) throw new Error(`no proxy hop spans the document fetch ${hit.path}`);
      owner.nested.unshift({
        to: 'Doc',
        label: `GET ${hit.path}`,
        answer: "the client's metadata (cached by its max-age)",
      });
    }
  } finally {
    await proxy.close();
    await idp.close();
    await documents.close();
  }
  return renderMermaid(hops);
}

interface ProxyCall {
  to: 'IdP' | 'Doc';
  label: string;
  answer: string;
}

function proxyToIdp(request: RecordedRequest): ProxyCall {
  const grant = typeof request.form.grant_type === 'string' ? request.form.grant_type : undefined;
  const label = `${request.method} ${request.path}${grant ? ` (${grant})` : ''}`;
  if (grant) return { to: 'IdP', label, answer: 'upstream tokens (kept server-side, encrypted)' };
  if (request.method === 'DELETE') return { to: 'IdP', label, answer: 'token revoked' };
  return { to: 'IdP', label, answer: 'the user' };
}

function describeLocation(location: string, base: string): string {
  const url = new URL(location, base);
  if (url.origin === new URL(base).origin) return url.pathname;
  if (url.port === '65000') return `client redirect_uri?${[...url.searchParams.keys()].join('&')}`;
  return `IdP ${url.pathname}`;
}

function renderMermaid(hops: Hop[]): string {
  const lines = [
    '```mermaid',
    'sequenceDiagram',
    '    participant Client as MCP client',
    '    participant Browser',
    '    participant Proxy as Reference proxy',
    '    participant IdP as Upstream IdP (GitHub-style mock)',
    "    participant Doc as Client's metadata document (https)",
  ];
  for (const hop of hops) {
    lines.push(`    ${hop.from}->>${hop.to}: ${hop.label}`);
    for (const call of hop.nested) {
      lines.push(`    Proxy->>${call.to}: ${call.label}`, `    ${call.to}-->>Proxy: ${call.answer}`);
    }
    lines.push(`    ${hop.to}-->>${hop.from}: ${hop.answer}`);
    if (hop.note) lines.push(`    Note over ${hop.from},${hop.to}: ${hop.note}`);
  }
  lines.push('```');
  return lines.join('\n');
}

export function withGeneratedSection(doc: string, diagram: string): string {
  const start = doc.indexOf(BEGIN);
  const stop = doc.indexOf(END);
  if (start < 0 || stop < start) throw new Error(`${DOC} lacks the ${BEGIN} … ${END} markers`);
  return `${doc.slice(0, start + BEGIN.length)}\n${diagram}\n${doc.slice(stop)}`;
}

if (process.argv[1]?.endsWith('record-flow.ts')) {
  const doc = readFileSync(DOC, 'utf8');
  const updated = withGeneratedSection(doc, await recordFlow());
  if (process.argv.includes('--check')) {
    if (updated !== doc) {
      process.stderr.write(`${DOC} is out of date: run npx tsx scripts/record-flow.ts\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(DOC, updated);
    process.stdout.write(`wrote ${DOC}\n`);
  }
}
