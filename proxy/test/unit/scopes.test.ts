// The proxy's scope vocabulary end to end in process: what is offered and advertised, what a client asking for
// nothing or for unknown scopes gets (RFC 6749 §3.3: the server may ignore part of the request and then says what
// it granted), what the consent page shows, and how the scope options are checked together.
import { describe, expect, it } from 'vitest';
import { effectiveScopes, impliedScopes, missingScopes, parseScopeImplication } from '../../checks/scope-hierarchy.ts';
import { parseToolScope, scopesForTools, toolScopeTable } from '../../checks/tool-scopes.ts';
import {
  authorizeUrl,
  BASE,
  callMcp,
  CLIENT_REDIRECT,
  createTestProxy,
  exchangeCode,
  obtainCode,
  registerClient,
  type TestProxy,
  type Tokens,
} from '../support/test-proxy.ts';
import { newPkce } from '../../../testkit/pkce.ts';

async function tokensFor(t: TestProxy, scope: string | undefined): Promise<Tokens> {
  const flow = await obtainCode(t, { authorize: { scope } });
  const response = await exchangeCode(t, flow);
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

async function consentPage(t: TestProxy, scope: string | undefined): Promise<string> {
  const { body } = await registerClient(t.proxy);
  const { challenge } = newPkce();
  const response = await t.proxy.fetch(
    new Request(
      authorizeUrl({
        response_type: 'code',
        client_id: body.client_id,
        redirect_uri: CLIENT_REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope,
      }),
    ),
  );
  expect(response.status).toBe(200);
  return response.text();
}

async function json(t: TestProxy, path: string): Promise<Record<string, unknown>> {
  return (await (await t.proxy.fetch(new Request(`${BASE}${path}`))).json()) as Record<string, unknown>;
}

describe('the default scope vocabulary', () => {
  it('offers mcp:tools and mcp:admin in both metadata documents and asks for mcp:tools in the 401', async () => {
    const t = await createTestProxy();
    expect((await json(t, '/.well-known/oauth-authorization-server')).scopes_supported).toEqual([
      'mcp:tools',
      'mcp:admin',
    ]);
    expect((await json(t, '/.well-known/oauth-protected-resource/mcp')).scopes_supported).toEqual([
      'mcp:tools',
      'mcp:admin',
    ]);
    expect((await callMcp(t.proxy, undefined)).headers.get('www-authenticate')).toContain('scope="mcp:tools"');
  });

  it('grants mcp:tools to a client that asks for no scope, and says so in the token response', async () => {
    const t = await createTestProxy();
    expect((await tokensFor(t, undefined)).scope).toBe('mcp:tools');
  });

  it('grants what was asked when it is offered', async () => {
    const t = await createTestProxy();
    expect((await tokensFor(t, 'mcp:tools mcp:admin')).scope).toBe('mcp:tools mcp:admin');
  });
});

describe('scopes the proxy does not offer', () => {
  it('are left out of the grant, and the token response names what was granted', async () => {
    const t = await createTestProxy();
    expect((await tokensFor(t, 'mcp:admin offline_access files:write')).scope).toBe('mcp:admin');
    expect((await tokensFor(t, 'files:write')).scope).toBe('mcp:tools');
  });

  it('never appear on the consent page as permissions', async () => {
    const page = await consentPage(await createTestProxy(), 'mcp:tools evil:everything');
    expect(page).toContain('<code>mcp:tools</code>');
    expect(page).not.toContain('evil:everything');
  });

  it('are left out of a registration, whose response shows the scope in force', async () => {
    const t = await createTestProxy();
    const { status, body } = await registerClient(t.proxy, { scope: 'mcp:admin files:write' });
    expect(status).toBe(201);
    expect(body.scope).toBe('mcp:admin');
  });
});

describe('a proxy configured with no scopes at all', () => {
  it('grants none, advertises none and names none in the 401 challenge', async () => {
    const t = await createTestProxy({ scopesSupported: [] });
    const tokens = await tokensFor(t, 'mcp:tools');
    expect(tokens).not.toHaveProperty('scope');
    expect(await json(t, '/.well-known/oauth-authorization-server')).not.toHaveProperty('scopes_supported');
    expect(await json(t, '/.well-known/oauth-protected-resource/mcp')).not.toHaveProperty('scopes_supported');
    expect((await callMcp(t.proxy, undefined)).headers.get('www-authenticate')).not.toContain('scope=');
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(200);
  });
});

describe('the consent page', () => {
  it('says what each requested scope allows, from the tool table and the hierarchy', async () => {
    const page = await consentPage(await createTestProxy(), 'mcp:tools mcp:admin');
    expect(page).toContain('<code>mcp:tools</code> — call every tool without a scope of its own');
    expect(page).toContain('<code>mcp:admin</code> — call admin_audit; includes mcp:tools');
  });
});

describe('the scope options', () => {
  it('default the tool table and hierarchy to nothing once the operator names their own scopes', async () => {
    const t = await createTestProxy({ scopesSupported: ['files:read', 'files:write'] });
    expect((await tokensFor(t, undefined)).scope).toBe('files:read files:write');
    expect((await callMcp(t.proxy, undefined)).headers.get('www-authenticate')).toContain(
      'scope="files:read files:write"',
    );
  });

  it('keep the demo defaults while the offered scopes include mcp:tools and mcp:admin', async () => {
    const t = await createTestProxy({ scopesSupported: ['files:read', 'mcp:admin', 'mcp:tools'] });
    expect((await tokensFor(t, undefined)).scope).toBe('mcp:tools');
    expect((await callMcp(t.proxy, undefined)).headers.get('www-authenticate')).toContain('scope="mcp:tools"');
  });

  it.each([
    [{ defaultScopes: ['mcp:root'] }, /defaultScopes names "mcp:root", not offered/],
    [{ toolScopes: ['admin_audit=mcp:root'] }, /toolScopes names "mcp:root"/],
    [{ scopeImplies: ['mcp:root>mcp:tools'] }, /scopeImplies names "mcp:root"/],
    [{ scopeImplies: ['mcp:admin>mcp:tools', 'mcp:tools>mcp:admin'] }, /cycle/],
    [{ scopesSupported: ['files:read'] }, undefined],
    [{ scopesSupported: ['files:read'], toolScopes: ['*=mcp:tools'] }, /toolScopes names "mcp:tools"/],
  ])('checks %j against the offered scopes', async (options, problem) => {
    const created = createTestProxy(options);
    if (problem) await expect(created).rejects.toThrow(problem);
    else await expect(created).resolves.toBeDefined();
  });
});

describe('the scope hierarchy and the tool table', () => {
  const implied = impliedScopes(['a>b', 'b>c', 'x>c'].map(parseScopeImplication));

  it('is transitive: a broader scope covers everything below it', () => {
    expect([...effectiveScopes(['a'], implied)].sort()).toEqual(['a', 'b', 'c']);
    expect(missingScopes(['a'], ['c'], implied)).toEqual([]);
    expect(missingScopes(['c'], ['a', 'c'], implied)).toEqual(['a']);
    expect(missingScopes([], [], implied)).toEqual([]);
  });

  it('refuses malformed entries and self-implication', () => {
    for (const bad of ['a', 'a>', '>b', 'a>a', 'a b>c', 'a>b>c']) expect(() => parseScopeImplication(bad)).toThrow();
    for (const bad of ['whoami', '=mcp:tools', 'whoami=', 'who ami=x', 'a,b=x'])
      expect(() => parseToolScope(bad)).toThrow();
  });

  it('needs every scope of a tool listed twice, and the * scopes for tools not listed', () => {
    const table = toolScopeTable(['*=base', 'admin=root', 'admin=audit'].map(parseToolScope));
    expect(scopesForTools(['admin'], table)).toEqual(['root', 'audit']);
    expect(scopesForTools(['other', 'admin', 'other'], table)).toEqual(['base', 'root', 'audit']);
    expect(scopesForTools(['other'], toolScopeTable([]))).toEqual([]);
  });
});
