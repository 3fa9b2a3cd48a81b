// Every call the proxy makes to its upstream IdP, timed and logged at debug level with its outcome (never a token or
// a code), under the request's id: what an operator turns on to see where a sign-in waits or fails.
import type { ProxyContext } from '../context.ts';
import { errorSummary } from '../errors.ts';

export type UpstreamOperation = 'exchange-code' | 'userinfo' | 'refresh' | 'revoke';

export async function upstreamCall<T>(ctx: ProxyContext, op: UpstreamOperation, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const result = await call();
    ctx.log.debug({ event: 'upstream-call', op, ms: ms(), ok: true }, `upstream ${op} ok`);
    return result;
  } catch (error) {
    ctx.log.debug(
      { event: 'upstream-call', op, ms: ms(), ok: false, err: errorSummary(error) },
      `upstream ${op} failed`,
    );
    throw error;
  }
}
