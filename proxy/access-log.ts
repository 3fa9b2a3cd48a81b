// The one line every request ends with: method, path (never the query), status, time, request id, client id and
// OAuth error code. None of these is a credential, so the line needs none of the redaction a logger may apply to
// every line (pino's wildcard paths cost about 12 µs a line, as much as the rest of the line and more than the
// bearer check). A logger made by the server's createLogger registers a writer for it here: the line composed
// directly, in the logger's own format, onto its destination; any other logger (an embedder's, with a redaction
// policy of its own) writes the access line itself, redaction and all.
import { symbols, type DestinationStream, type Logger } from 'pino';
import type { ProxyContext } from './context.ts';

/** What the access line says, in its order. */
export interface AccessFields {
  requestId: string;
  event: 'request';
  method: string;
  path: string;
  status: number;
  ms: number;
  /** Left out of the line when undefined, as pino leaves out undefined fields. */
  clientId: string | undefined;
  error: string | undefined;
}

type AccessWriter = (fields: AccessFields, msg: string) => void;

const writers = new WeakMap<Logger, AccessWriter>();

/**
 * Registers how `logger`'s access lines are written. With the `destination` the logger writes to, the line is
 * composed here in the logger's own format (its level label, time function and bindings, which createLogger fixes)
 * and written there as it is: pino's serialisation of the same fields costs several times as much. A destination
 * that needs each line's metadata (pino.multistream routes lines by level) gets the line through an unredacted twin
 * of the logger instead.
 */
export function registerAccessLogger(logger: Logger, destination?: DestinationStream): void {
  if (destination !== undefined && !(destination as unknown as Record<symbol, unknown>)[symbols.needsMetadataGsym]) {
    const time = (logger as unknown as Record<symbol, () => string>)[symbols.timeSym]!;
    const bindings = (logger as unknown as Record<symbol, string>)[symbols.chindingsSym] ?? '';
    writers.set(logger, (fields, msg) =>
      destination.write(accessLine(`{"level":"info"${time()}${bindings}`, fields, msg)),
    );
    return;
  }
  // Level 'trace': whether the line is written is the parent's decision (logAccess asks it), not a copy of its level.
  const twin = logger.child({}, { redact: [], level: 'trace' });
  writers.set(logger, (fields, msg) => twin.info(fields, msg));
}

/** The line pino writes for `fields` and `msg` after `head` (its level, time and bindings), newline included. */
export function accessLine(head: string, fields: AccessFields, msg: string): string {
  const { requestId, method, path, status, ms, clientId, error } = fields;
  return (
    `${head},"requestId":${JSON.stringify(requestId)},"event":"request","method":${JSON.stringify(method)}` +
    `,"path":${JSON.stringify(path)},"status":${status},"ms":${ms}` +
    (clientId !== undefined ? `,"clientId":${JSON.stringify(clientId)}` : '') +
    (error !== undefined ? `,"error":${JSON.stringify(error)}` : '') +
    `,"msg":${JSON.stringify(msg)}}\n`
  );
}

/**
 * One line per request: method, path (never the query: codes and states travel there), status, time, outcome.
 * @param target the request's URL, or its target as it arrived (`/mcp?…`).
 */
export function logAccess(ctx: ProxyContext, method: string, target: string, status: number, started: number): void {
  const root = ctx.settings.logger;
  if (!root.isLevelEnabled('info')) return;
  const path = target.startsWith('/') ? target.split('?', 1)[0]! : new URL(target).pathname;
  const { requestId, clientId, error } = ctx.outcome;
  const fields: AccessFields = {
    requestId,
    event: 'request',
    method,
    path,
    status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    clientId,
    error,
  };
  const msg = `${method} ${path} ${status}${error ? ` ${error}` : ''}`;
  // The root logger with the request id as a field: the same line as the request's child logger would write, without
  // making one for a request that logs nothing else (context.ts).
  const writer = writers.get(root);
  if (writer !== undefined) writer(fields, msg);
  else root.info(fields, msg);
}
