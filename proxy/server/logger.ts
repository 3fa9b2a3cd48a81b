// Structured JSON logs (pino) on stderr, so that stdout carries only the ready line. Levels are names ("info"), not
// pino's numbers; credentials are redacted by path wherever they could appear, and request lines record the path
// without its query (codes, states and tokens travel in queries).
import pino, { type Logger } from 'pino';
import { registerAccessLogger } from '../access-log.ts';
import { turnBufferedDestination } from './log-destination.ts';

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

/**
 * pino's `isoTime` (`,"time":"2026-12-03T17:22:01.123Z"`), with the date and time up to the second formatted once a
 * second instead of once a line: `Date#toISOString` was the costliest step of an access line.
 */
let second = Number.NaN;
let upToSecond = '';
export function isoTime(): string {
  const now = Date.now();
  const ms = now % 1000;
  if (now - ms !== second) {
    second = now - ms;
    upToSecond = `,"time":"${new Date(second).toISOString().slice(0, 20)}`;
  }
  return `${upToSecond}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z"`;
}

/** @param destination default: stderr, each event-loop turn's lines in one write (log-destination.ts). */
export function createLogger(level: string, destination: pino.DestinationStream = turnBufferedDestination()): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'mcp-oauth-proxy' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  // The access line is composed in this format (level label, time, bindings) and written to `destination` directly.
  registerAccessLogger(logger, destination);
  return logger;
}
