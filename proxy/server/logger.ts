// Structured JSON logs (pino) on stderr, so that stdout carries only the ready line. Credentials are redacted by
// path wherever they could appear; request logging records the path without its query (codes, states and tokens
// travel in queries).
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.access_token',
  '*.refresh_token',
  '*.client_secret',
  '*.code',
  '*.code_verifier',
  '*.id_token',
  '*.password',
  '*.token',
];

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: { service: 'mcp-oauth-proxy' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** An incoming X-Request-Id is kept when it is a safe token (it goes into logs), otherwise a new one is made. */
export function requestIdFor(request: Request): string {
  const incoming = request.headers.get('x-request-id');
  return incoming !== null && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}
