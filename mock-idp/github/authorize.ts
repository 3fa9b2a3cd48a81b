// GET /login/oauth/authorize and the login form it may show (POST /session): GitHub's web application flow,
// step 1. An unknown client gets an error page, never a redirect.
// @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#1-request-a-users-github-identity
import type { Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { findUser, fixtureUsers, publicUser, upstreamClient } from '../fixtures.ts';
import { PAGE_HEADERS, renderErrorPage, renderLoginPage } from '../harness/login-page.ts';
import type { RedirectPolicy } from '../harness/redirect-policy.ts';
import type { AuthorizationRequest, GithubStore } from './store.ts';

export const GITHUB_AUTHORIZATION_PATH = '/login/oauth/authorize';
export const GITHUB_LOGIN_FORM_PATH = '/session';
/** GitHub's session cookie: a browser that signed in once is signed in on its next visit. */
export const GITHUB_SESSION_COOKIE = 'user_session';

const AUTH_ERRORS_DOCS =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors';

function page(c: Context, status: 400 | 404, title: string, message: string): Response {
  return c.body(renderErrorPage(title, message), status, PAGE_HEADERS);
}

function redirectTo(c: Context, base: string, params: Record<string, string | undefined>): Response {
  const target = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) target.searchParams.set(k, v);
  c.header('cache-control', 'no-store');
  return c.redirect(target.href, 302);
}

/** GitHub accepts space- or comma-separated scopes and reports them comma-separated. */
export function normalizeScope(scope: string | undefined): string {
  return [...new Set((scope ?? '').split(/[\s,]+/).filter(Boolean))].join(',');
}

/**
 * Only S256 is supported; a challenge is 43 base64url characters.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
function pkceProblem(challenge: string | undefined, method: string | undefined): string | undefined {
  if (challenge === undefined) return method === undefined ? undefined : 'code_challenge_method without code_challenge';
  if (method !== 'S256') return 'code_challenge_method must be S256';
  if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return 'code_challenge must be 43 base64url characters';
  return undefined;
}

function finish(c: Context, store: GithubStore, request: AuthorizationRequest, userId: string): Response {
  store.authorize(request.clientId, userId, request.scope);
  const code = store.issueCode(request, userId);
  return redirectTo(c, request.redirectUri, { code, state: request.state });
}

function deny(c: Context, request: AuthorizationRequest): Response {
  return redirectTo(c, request.redirectUri, {
    error: 'access_denied',
    error_description: 'The user has denied your application access.',
    error_uri: `${AUTH_ERRORS_DOCS}/#access-denied`,
    state: request.state,
  });
}

function loginPage(c: Context, txId: string, request: AuthorizationRequest, status: 200 | 400, error?: string) {
  const html = renderLoginPage({
    title: 'Sign in to Mock GitHub',
    action: GITHUB_LOGIN_FORM_PATH,
    hidden: { tx: txId },
    users: fixtureUsers.map(publicUser),
    clientName: upstreamClient.client_name,
    scopes: request.scope,
    error,
  });
  return c.body(html, status, PAGE_HEADERS);
}

/** A redirect that would go to an unregistered URI for a valid client: GitHub sends the user to the registered one. */
export function denyLocationFor(policy: RedirectPolicy, query: URLSearchParams): string | undefined {
  const redirectUri = query.get('redirect_uri') ?? policy.registered[0];
  if (!policy.allows(redirectUri)) return undefined;
  const target = new URL(redirectUri);
  target.searchParams.set('error', 'access_denied');
  target.searchParams.set('error_description', 'The user has denied your application access.');
  target.searchParams.set('error_uri', `${AUTH_ERRORS_DOCS}/#access-denied`);
  const state = query.get('state');
  if (state !== null) target.searchParams.set('state', state);
  return target.href;
}

export function mountAuthorize(app: Hono, store: GithubStore, policy: RedirectPolicy): void {
  app.get(GITHUB_AUTHORIZATION_PATH, (c) => {
    const q = c.req.query();
    if (q.client_id !== upstreamClient.client_id) return page(c, 404, 'Not Found', 'No OAuth app with this client_id.');
    const registered = policy.registered[0];
    const redirectUriParam = q.redirect_uri;
    if (redirectUriParam !== undefined && !policy.allows(redirectUriParam)) {
      if (!registered) return page(c, 400, 'Redirect URI mismatch', 'The redirect_uri is not registered.');
      // GitHub sends the user to the registered callback with the error.
      return redirectTo(c, registered, {
        error: 'redirect_uri_mismatch',
        error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
        error_uri: `${AUTH_ERRORS_DOCS}/#redirect-uri-mismatch`,
        state: q.state,
      });
    }
    const redirectUri = redirectUriParam ?? registered;
    if (!redirectUri) return page(c, 400, 'Redirect URI missing', 'No callback URL is registered; send redirect_uri.');
    const problem = pkceProblem(q.code_challenge, q.code_challenge_method);
    if (problem) return page(c, 400, 'Invalid request', problem);

    const request: AuthorizationRequest = {
      clientId: q.client_id,
      redirectUri,
      redirectUriParam,
      state: q.state,
      scope: normalizeScope(q.scope),
      codeChallenge: q.code_challenge,
    };
    const user = findUser(q.login);
    if (user) return finish(c, store, request, user.id);
    // "For users who have authorized scopes for the application, the user won't be shown the OAuth authorization
    // page" (GitHub's docs on `scope`): a signed-in browser whose user already authorized these scopes goes
    // straight back.
    const signedIn = store.sessions.get(getCookie(c, GITHUB_SESSION_COOKIE) ?? '');
    if (signedIn !== undefined && store.hasAuthorized(request.clientId, signedIn, request.scope)) {
      return finish(c, store, request, signedIn);
    }
    const txId = store.park(request);
    return loginPage(c, txId, request, 200);
  });

  app.post(GITHUB_LOGIN_FORM_PATH, async (c) => {
    const form = await c.req.parseBody();
    const txId = typeof form.tx === 'string' ? form.tx : '';
    const request = store.pending.get(txId);
    if (!request) return page(c, 400, 'Sign-in expired', 'This sign-in request is unknown or already used.');
    if (form.action === 'cancel') {
      store.pending.delete(txId);
      return deny(c, request);
    }
    const typed = typeof form.username === 'string' ? form.username.trim() : '';
    const picked = typeof form.user === 'string' ? form.user : undefined;
    const user = findUser(typed || picked);
    if (!user) return loginPage(c, txId, request, 400, `Unknown user "${typed}"`);
    store.pending.delete(txId);
    setCookie(c, GITHUB_SESSION_COOKIE, store.signIn(user.id), { path: '/', httpOnly: true, sameSite: 'Lax' });
    return finish(c, store, request, user.id);
  });
}
