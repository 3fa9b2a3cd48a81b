// The consent to offline_access, asked once and then remembered, as hosted IdPs do for their pre-registered
// (first-party) client. OIDC Core §11 lets an OP drop `offline_access` unless `prompt=consent` is sent, and
// oidc-provider does, so the mock adds `prompt=consent` itself when a client asks for `offline_access` without any
// prompt. The first time, that consent is implied by the interaction (interactions.ts). After it, a signed-in user
// whose grant for the client already holds `offline_access` is sent straight back with a code, as for any scope the
// grant covers: no interaction, no extra redirects. A `prompt=consent` the client sent itself is always honoured.
// Each authorization still gets a grant of its own (a copy of the user's last one), so revoking one flow's tokens
// leaves the others' alone, as when every authorization went through the interaction.
// @see https://openid.net/specs/openid-connect-core-1_0.html#OfflineAccess
import type { GrantInstance, KoaContext, KoaMiddleware, OidcContext } from 'oidc-provider';

/** oidc-provider configuration: the interaction policy and `loadExistingGrant`. */
export interface ConsentConfiguration {
  policy: unknown;
  loadExistingGrant: (ctx: KoaContext & OidcContext) => Promise<unknown>;
}

export interface ImpliedConsent {
  /** Koa middleware adding `prompt=consent` to an authorization request asking for `offline_access` without a prompt. */
  middleware: KoaMiddleware;
  configuration: ConsentConfiguration;
}

/** @param authorizationPath the provider's authorization endpoint path, where the middleware acts. */
export async function impliedOfflineConsent(authorizationPath: string): Promise<ImpliedConsent> {
  const { interactionPolicy } = await import('oidc-provider');
  /** Requests whose `prompt=consent` the mock added (not the client). */
  const implied = new WeakSet<object>();

  const middleware: KoaMiddleware = async (ctx, next) => {
    const scope = ctx.query.scope;
    if (ctx.path === authorizationPath && typeof scope === 'string' && ctx.query.prompt === undefined) {
      if (scope.split(' ').includes('offline_access')) {
        ctx.query = { ...ctx.query, prompt: 'consent' };
        implied.add(ctx);
      }
    }
    await next();
  };

  // oidc-provider's own check for a requested consent prompt, except that the mock's implied one is already resolved
  // by a grant that holds offline_access.
  const policy = interactionPolicy.base();
  const consent = policy.get('consent');
  consent.checks.remove('consent_prompt');
  consent.checks.unshift(
    new interactionPolicy.Check('consent_prompt', 'consent prompt was not resolved', 'consent_required', (ctx) => {
      const { oidc } = ctx;
      if (!oidc.prompts.has('consent') || !oidc.promptPending('consent'))
        return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      if (implied.has(ctx) && hasOfflineAccess(oidc.grant)) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
      return interactionPolicy.Check.REQUEST_PROMPT;
    }),
  );

  /** oidc-provider's default (the interaction's grant, else the session's), but a copy of the session's. */
  async function loadExistingGrant(ctx: KoaContext & OidcContext): Promise<unknown> {
    const { oidc } = ctx;
    const fromInteraction = oidc.result?.consent?.grantId;
    if (fromInteraction) return oidc.provider.Grant.find(fromInteraction);
    const grantId = oidc.session.grantIdFor(oidc.client.clientId);
    const last = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!last) return undefined;
    const copy = new oidc.provider.Grant({ accountId: last.accountId, clientId: last.clientId });
    const scope = last.getOIDCScope();
    if (scope) copy.addOIDCScope(scope);
    const claims = last.getOIDCClaims();
    if (claims.length > 0) copy.addOIDCClaims(claims);
    await copy.save();
    return copy;
  }

  return { middleware, configuration: { policy, loadExistingGrant } };
}

function hasOfflineAccess(grant: GrantInstance | undefined): boolean {
  return grant?.getOIDCScope().split(' ').includes('offline_access') ?? false;
}
