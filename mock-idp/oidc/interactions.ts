// The IdP's own login interaction at /interaction/:uid: a login page (or `login_hint` naming a test user), then
// consent implied for the pre-registered client, so one submit (or none) completes the authorization request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InteractionDetails, Provider } from 'oidc-provider';
import { findUser, fixtureUsers, publicUser, upstreamClient, type FixtureUser } from '../fixtures.ts';
import { renderErrorPage, renderLoginPage, sendHtml } from '../harness/login-page.ts';

export const INTERACTION_PREFIX = '/interaction/';

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Consent is implied for the pre-registered client: grant exactly the requested scopes and claims.
 * `offline_access` stays in the grant, so a refresh token is issued without a visible consent step.
 */
async function grantRequested(provider: Provider, details: InteractionDetails, accountId: string): Promise<string> {
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id ?? '' });
  if (details.params.scope) grant.addOIDCScope(details.params.scope);
  const missingClaims = details.prompt.details.missingOIDCClaims;
  if (Array.isArray(missingClaims)) grant.addOIDCClaims(missingClaims as string[]);
  return grant.save();
}

async function completeLogin(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
  user: FixtureUser,
): Promise<void> {
  const grantId = await grantRequested(provider, details, user.sub);
  await provider.interactionFinished(req, res, { login: { accountId: user.sub }, consent: { grantId } });
}

function loginPage(details: InteractionDetails, error?: string): string {
  return renderLoginPage({
    title: 'Sign in to Mock OIDC IdP',
    action: `${INTERACTION_PREFIX}${details.uid}`,
    hidden: {},
    users: fixtureUsers.map(publicUser),
    clientName: upstreamClient.client_name,
    scopes: details.params.scope ?? '',
    error,
  });
}

async function showOrSkip(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    const hinted = findUser(details.params.login_hint);
    if (hinted) return completeLogin(provider, req, res, details, hinted);
    return sendHtml(res, 200, loginPage(details));
  }
  // A signed-in user with a consent prompt pending (e.g. new scopes): consent is implied.
  const accountId = details.session?.accountId;
  if (!accountId) return sendHtml(res, 400, renderErrorPage('Error', 'no signed-in user for this interaction'));
  const grantId = await grantRequested(provider, details, accountId);
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function submit(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const details = await provider.interactionDetails(req, res);
  if (form.get('action') === 'cancel') {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  const typed = form.get('username')?.trim();
  const user = findUser(typed || form.get('user') || undefined);
  if (!user) return sendHtml(res, 400, loginPage(details, `Unknown user "${typed ?? ''}"`));
  return completeLogin(provider, req, res, details, user);
}

/** Handles GET (show the page or complete via login_hint) and POST (the form) on /interaction/:uid. */
export async function handleInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (req.method === 'POST') await submit(provider, req, res);
    else await showOrSkip(provider, req, res);
  } catch (err) {
    // Typically an expired interaction or a missing interaction cookie.
    sendHtml(res, 400, renderErrorPage('Sign-in failed', (err as Error).message));
  }
}
