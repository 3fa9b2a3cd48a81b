// A check session, one per Playwright worker (the `session` fixture): the settings, the HTTP client, the loopback
// callback listener, a lazily launched browser and a memo of expensive shared results (metadata, read-only flows),
// failures included so a broken target is probed once, not once per check. Not called "suite": in a Playwright
// reporter a Suite is a group of tests.
import type { Browser } from 'playwright-core';
import { ContextPool } from './context-pool.ts';
import { NotApplicable } from '../model/outcome.ts';
import type { SuiteSettings } from '../target/settings.ts';
import { CallbackServer } from '../transport/callback-server.ts';
import { HttpClient } from '../transport/http.ts';
import { currentTrace, type ServerError, type TraceRecorder } from '../transport/trace.ts';
import { Turns } from './turns.ts';
import { UpstreamSignIn } from './upstream-sign-in.ts';

/** A request the mock IdP recorded: the part of mock-idp's RecordedRequest the checks read. */
export interface RecordedRequest {
  method: string;
  /** The request path at the mock IdP. */
  path: string;
  /** Fields of a form-encoded body. */
  form: Record<string, string>;
}

/** A memoised result, the check trace that computed it and the 5xx answers met while computing it. */
interface Memo {
  promise: Promise<unknown>;
  trace: TraceRecorder | undefined;
  serverErrors: Promise<ServerError[]>;
}

export class CheckSession {
  readonly http: HttpClient;
  /** Checks and the lifetime stage's background work take turns (turns.ts). */
  readonly turns = new Turns();
  /** Wiped browser contexts for flows that need no context of their own (context-pool.ts). */
  readonly contexts = new ContextPool(() => this.browser());
  /** The mock IdP's sign-in, kept for the worker's later flows, pooled or in a check's own context (upstream-sign-in.ts). */
  readonly upstreamSignIn: UpstreamSignIn;
  /**
   * The target's request kept waiting for a metadata document that never arrives (CIMD-11, started next to the first
   * checks: lib/check/undelivered-document.ts), while it is pending; no other document is published meanwhile.
   */
  documentHang: Promise<unknown> | undefined;
  /** Awaits `work` without counting the wait against the running check's timeout (set by defineCheck). */
  untimed: <T>(work: Promise<T>) => Promise<T> = (work) => work;
  private readonly memos = new Map<string, Memo>();
  private callbackServer?: Promise<CallbackServer>;
  private browserPromise?: Promise<Browser>;

  constructor(
    readonly settings: SuiteSettings,
    private readonly launchBrowser: () => Promise<Browser>,
  ) {
    this.http = new HttpClient(settings.requestTimeoutMs);
    this.upstreamSignIn = new UpstreamSignIn(this.instrumented ? settings.harness?.idpUrl : undefined);
  }

  get targetOrigin(): string {
    return new URL(this.settings.target).origin;
  }

  get instrumented(): boolean {
    return this.settings.upstream !== 'external' && this.settings.harness !== undefined;
  }

  /**
   * Runs `fn` once per worker and key; later callers get the same result (rejections too). The 5xx answers met while
   * computing it are carried into the trace of every later check that uses it: the suite-wide 5xx rule
   * (define-check.ts) must not depend on which check happened to compute a shared result first.
   */
  memo<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const memo = this.memos.get(key);
    if (!memo) {
      const trace = currentTrace();
      const before = trace?.serverErrors.length ?? 0;
      const promise = fn();
      const met = () => trace?.serverErrors.slice(before) ?? [];
      this.memos.set(key, { promise, trace, serverErrors: promise.then(met, met) });
      promise.catch(() => undefined);
      return promise;
    }
    const here = currentTrace();
    if (!here || here === memo.trace) return memo.promise as Promise<T>;
    const carry = async () => here.carry(await memo.serverErrors);
    return (memo.promise as Promise<T>).then(
      async (value) => {
        await carry();
        return value;
      },
      async (error: unknown) => {
        await carry();
        throw error;
      },
    );
  }

  callback(): Promise<CallbackServer> {
    this.callbackServer ??= CallbackServer.start();
    return this.callbackServer;
  }

  browser(): Promise<Browser> {
    this.browserPromise ??= this.launchBrowser();
    return this.browserPromise;
  }

  /** The mock IdP's request log (instrumented mode only). */
  async upstreamRequests(): Promise<RecordedRequest[]> {
    const harness = this.requireHarness();
    const res = await this.http.request({ url: `${harness.controlUrl}/requests` });
    return res.json as RecordedRequest[];
  }

  /** Access and refresh tokens the mock IdP issued (instrumented mode only). */
  async upstreamIssuedTokens(): Promise<string[]> {
    const harness = this.requireHarness();
    const res = await this.http.request({ url: `${harness.controlUrl}/issued-tokens` });
    return res.json as string[];
  }

  /**
   * Makes the mock IdP fail the next request to `endpoint` (a path): `deny` answers its authorization endpoint like a
   * user who refused, `status` answers with that HTTP status (mock-idp README, "Faults"). Faults are the IdP's, not
   * this worker's: checks that inject one clear them again (clearUpstreamFaults) as soon as their request is done.
   */
  /** One fault at the mock IdP; `match` confines it to the request carrying those parameters (other workers' flows
   * run meanwhile). */
  async injectUpstreamFault(fault: {
    endpoint: string;
    kind: 'deny' | 'status';
    status?: number;
    match?: Record<string, string>;
  }): Promise<void> {
    const harness = this.requireHarness();
    const res = await this.http.request({
      method: 'POST',
      url: `${harness.idpUrl}/__harness/faults`,
      json: { ...fault, times: 1 },
    });
    if (res.status !== 201) throw new Error(`the mock IdP refused the fault: ${res.status} ${res.text.slice(0, 200)}`);
  }

  async clearUpstreamFaults(): Promise<void> {
    const harness = this.requireHarness();
    await this.http.request({ method: 'DELETE', url: `${harness.idpUrl}/__harness/faults` });
  }

  requireHarness(): NonNullable<SuiteSettings['harness']> {
    if (!this.instrumented || !this.settings.harness) {
      throw new NotApplicable('external mode: the upstream tier is not observable (run with --upstream harness-oidc)');
    }
    return this.settings.harness;
  }

  async close(): Promise<void> {
    if (this.callbackServer) await (await this.callbackServer).close();
    await this.contexts.close();
    if (this.browserPromise) await (await this.browserPromise).close().catch(() => undefined);
  }
}
