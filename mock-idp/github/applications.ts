// DELETE /applications/{client_id}/grant (revoke the user's whole authorization for the app) and
// DELETE /applications/{client_id}/token (one token), authenticated with the app's Basic credentials.
// @see https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization
import type { Context, Hono } from 'hono';
import { isRegisteredClient, parseBasic } from './client-auth.ts';
import { apiError } from './respond.ts';
import type { GithubStore } from './store.ts';

async function accessTokenParam(c: Context): Promise<string | undefined> {
  const body = (await c.req.json().catch(() => undefined)) as { access_token?: unknown } | undefined;
  return typeof body?.access_token === 'string' ? body.access_token : undefined;
}

/** Missing credentials → 401; wrong credentials or another app's id → 404, as GitHub hides what exists. */
function authenticateApp(c: Context): Response | undefined {
  const header = c.req.header('authorization');
  if (!header) return apiError(c, 401, 'Requires authentication');
  const basic = parseBasic(header);
  if (!basic || basic.id !== c.req.param('client_id') || !isRegisteredClient(basic.id, basic.secret)) {
    return apiError(c, 404, 'Not Found');
  }
  return undefined;
}

export function mountApplications(app: Hono, store: GithubStore): void {
  app.delete('/applications/:client_id/grant', async (c) => {
    const failure = authenticateApp(c);
    if (failure) return failure;
    const value = await accessTokenParam(c);
    if (!value) return apiError(c, 422, 'Validation Failed');
    const token = store.findAccessToken(value);
    if (!token || token.clientId !== c.req.param('client_id')) return apiError(c, 404, 'Not Found');
    store.revokeGrant(token.clientId, token.userId);
    return c.body(null, 204);
  });

  app.delete('/applications/:client_id/token', async (c) => {
    const failure = authenticateApp(c);
    if (failure) return failure;
    const value = await accessTokenParam(c);
    if (!value) return apiError(c, 422, 'Validation Failed');
    if (!store.findAccessToken(value)) return apiError(c, 404, 'Not Found');
    store.accessTokens.delete(value);
    return c.body(null, 204);
  });
}
