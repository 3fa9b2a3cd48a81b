// The one line every request ends with: method, path (never the query), status, time, request id, client id and
// OAuth error code. None of these is a credential, so the line needs none of the redaction a logger may apply to
// every line (pino's wildcard paths cost about 12 µs a line, as much as the rest of the line and more than the
// bearer check). A logger made by the server's createLogger registers an unredacted twin for it here; any other
// logger (an embedder's, with a redaction policy of its own) writes the access line itself, redaction and all.
import type { Logger } from 'pino';

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
