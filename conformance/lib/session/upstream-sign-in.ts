// The mock IdP's sign-in, kept for the worker's later flows. A user signs in at their IdP once; after that the IdP
// recognises the browser and, for an app it has already authorized, sends it straight back (GitHub: "the user won't be
// shown the OAuth authorization page", oidc-provider: a session and an existing grant). So once a flow of a worker has
// signed in at the mock IdP's page, the worker keeps the cookies the IdP set (the latest of them: oidc-provider rotates
// its session), and every later flow starts with them: a browser that is signed in upstream, in a pooled context that
// has never met the target or in a check's own context (whose jar held the IdP's cookies after its first flow anyway:
// the IdP and the target share the loopback host, and cookies do not tell ports apart). Its sign-in costs redirects
// instead of a page load, a control lookup and a click (about 0.14 s of a 0.32 s flow).
//
// Only with the suite's own mock IdP (instrumented mode): an external IdP's sign-in stays the user's login script,
// every time. Flows that must stop at the IdP's page (stopAtOrigin) start without the cookies. If the IdP does not
// recognise them (a restarted IdP, an expired session), it shows its page and the flow signs in there as any flow
// does.
import type { BrowserContext, Cookie } from 'playwright-core';
import { safeOrigin } from '../transport/url.ts';

/** What the flow recorded of a navigation's response: where it came from and the cookies it set. */
export interface SetCookies {
  url: string;
  setCookies: string[];
}

export class UpstreamSignIn {
  #cookies: Cookie[] | undefined;

  /** `idpUrl`: the mock IdP's URL in instrumented mode, else undefined (nothing is ever kept). */
  constructor(private readonly idpUrl: string | undefined) {}

  /** Gives a context the kept sign-in, if there is one. */
  async addTo(context: BrowserContext): Promise<void> {
    if (this.#cookies?.length) await context.addCookies(this.#cookies);
  }

  /**
   * After a flow that reached the client: keeps the cookies the IdP's responses set that are still in the jar, with
   * those kept before (an IdP may rotate its session on every authorization, as oidc-provider does, so the latest
   * values replace the kept ones). A name the target also set is left out: cookies do not tell ports apart, so on
   * one loopback host the jar cannot say whose it is, and a later flow must never start with one of the target's.
   */
  async keepFrom(context: BrowserContext, navigations: readonly SetCookies[]): Promise<void> {
    if (this.idpUrl === undefined || this.#namesSetBy(navigations, true).size === 0) return;
    const idp = this.#idpNames(navigations);
    const kept = (await context.cookies(this.idpUrl)).filter((c) => idp.has(c.name));
    if (kept.length > 0) this.#cookies = kept;
  }

  /**
   * The target's own cookies among `jar` (what a context holds for the target's URL): without the mock IdP's. On one
   * loopback host the jar holds both (cookies do not tell ports apart), and a check that judges the target's cookies
   * (their attributes, their tampering) must not judge the IdP's. The IdP's are known by name: those kept, and those
   * its responses among `navigations` set, unless a response of the target set the same name. Outside instrumented
   * mode the jar is returned as it is.
   */
  targetCookies(jar: readonly Cookie[], navigations: readonly SetCookies[] = []): Cookie[] {
    if (this.idpUrl === undefined) return [...jar];
    const idp = this.#idpNames(navigations);
    return jar.filter((c) => !idp.has(c.name));
  }

  /** The IdP's cookie names: those kept and those its responses among `navigations` set, minus any the target set. */
  #idpNames(navigations: readonly SetCookies[]): Set<string> {
    const idp = this.#namesSetBy(navigations, true);
    for (const cookie of this.#cookies ?? []) idp.add(cookie.name);
    for (const name of this.#namesSetBy(navigations, false)) idp.delete(name);
    return idp;
  }

  /** Names of the cookies that responses of the IdP (`fromIdp`), or of anyone else, set among `navigations`. */
  #namesSetBy(navigations: readonly SetCookies[], fromIdp: boolean): Set<string> {
    const idpOrigin = safeOrigin(this.idpUrl ?? '');
    return new Set(
      navigations
        .filter((n) => (safeOrigin(n.url) === idpOrigin) === fromIdp)
        .flatMap((n) => n.setCookies.map((header) => header.split('=', 1)[0]?.trim() ?? '')),
    );
  }
}
