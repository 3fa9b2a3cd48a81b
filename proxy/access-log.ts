// The one line every request ends with: method, path (never the query), status, time, request id, client id and
// OAuth error code. None of these is a credential, so the line needs none of the redaction a logger may apply to
// every line (pino's wildcard paths cost about 12 µs a line, as much as the rest of the line and more than the
// bearer check). A logger made by the server's createLogger registers an unredacted twin for it here; any other
// logger (an embedder's, with a redaction policy of its own) writes the access line itself, redaction and all.
import type { Logger } from 'pino';
import type { ProxyContext } from './context.ts';

const twins = new WeakMap<Logger, Logger>();

/** Registers `logger`'s twin for access lines: the same output, without redaction. */
export function registerAccessLogger(logger: Logger): void {
  // Level 'trace': whether the line is written is the parent's decision (logAccess asks it), not a copy of its level.
  twins.set(logger, logger.child({}, { redact: [], level: 'trace' }));
}

/** The logger that writes `logger`'s access lines. */
export function accessLogger(logger: Logger): Logger {
  return twins.get(logger) ?? logger;
}

/**
 * One line per request: method, path (never the query: codes and states travel there), status, time, outcome.
 * @param target the request's URL, or its target as it arrived (`/mcp?…`).
 */
export function logAccess(ctx: ProxyContext, method: string, target: string, status: number, started: number): void {
  const root = ctx.settings.logger;
  if (!root.isLevelEnabled('info')) return;
  const path = target.startsWith('/') ? target.split('?', 1)[0] : new URL(target).pathname;
  const { requestId, clientId, error } = ctx.outcome;
  // The root logger with the request id as a field: the same line as the request's child logger would write, without
  // making one for a request that logs nothing else (context.ts).
  accessLogger(root).info(
    {
      requestId,
      event: 'request',
      method,
      path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...(clientId !== undefined ? { clientId } : {}),
      ...(error !== undefined ? { error } : {}),
    },
    `${method} ${path} ${status}${error ? ` ${error}` : ''}`,
  );
}
