// The access line of a logger made by createLogger is composed by the proxy, not by pino: it must be the very line
// pino would write for the same fields, escaping included, and a destination that routes by level still gets it.
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logAccess } from '../../access-log.ts';
import type { ProxyContext } from '../../context.ts';
import { createLogger, isoTime } from '../../server/logger.ts';

const TIME = /"time":"[^"]+"/;

/** What logAccess writes through `logger` for a request with this outcome, its time field made constant. */
function accessLineOf(logger: pino.Logger, lines: string[], outcome: ProxyContext['outcome']): string {
  logAccess({ settings: { logger }, outcome } as unknown as ProxyContext, 'POST', '/mcp?code=secret', 401, 0);
  return lines
    .pop()!
    .replace(TIME, '"time":"T"')
    .replace(/"ms":[\d.]+/, '"ms":0');
}

describe('the access line', () => {
  const outcomes: Array<ProxyContext['outcome']> = [
    { requestId: 'r-1' },
    { requestId: 'r-2', clientId: 'https://client.example/cimd.json', error: 'invalid_token' },
    { requestId: 'r-3', clientId: 'quote " backslash \\ control \u0001 newline \n é 😀 \u2028' },
  ];

  it.each(outcomes)('is the line pino writes for the same fields (%o)', (outcome) => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const ours = accessLineOf(logger, lines, outcome);
    const { requestId, clientId, error } = outcome;
    const fields = {
      requestId,
      event: 'request',
      method: 'POST',
      path: '/mcp',
      status: 401,
      ms: 0,
      ...(clientId !== undefined ? { clientId } : {}),
      ...(error !== undefined ? { error } : {}),
    };
    logger.info(fields, `POST /mcp 401${error ? ` ${error}` : ''}`);
    expect(ours).toBe(lines.pop()!.replace(TIME, '"time":"T"'));
    expect(ours).not.toContain('secret');
    expect(ours.endsWith('\n')).toBe(true);
  });

  it('reaches a destination that routes lines by level (pino.multistream), through pino', () => {
    const lines: string[] = [];
    const logger = createLogger('info', pino.multistream([{ stream: { write: (line: string) => lines.push(line) } }]));
    const line = JSON.parse(accessLineOf(logger, lines, { requestId: 'r-4', error: 'invalid_token' })) as object;
    expect(line).toEqual({
      level: 'info',
      time: 'T',
      service: 'mcp-oauth-proxy',
      requestId: 'r-4',
      event: 'request',
      method: 'POST',
      path: '/mcp',
      status: 401,
      ms: 0,
      error: 'invalid_token',
      msg: 'POST /mcp 401 invalid_token',
    });
  });

  it('is not written when the logger is above info', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => void lines.push(line) });
    logAccess({ settings: { logger }, outcome: { requestId: 'r-5' } } as unknown as ProxyContext, 'GET', '/', 200, 0);
    expect(lines).toEqual([]);
  });
});

describe("the log lines' time", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is pino's isoTime, to the millisecond, across second boundaries", () => {
    const times = [
      0, 5, 99, 100, 999, 1000, 1_733_245_321_009, 1_733_245_321_010, 1_733_245_321_999, 1_733_245_322_000,
    ];
    for (const time of times) {
      vi.spyOn(Date, 'now').mockReturnValue(time);
      expect(isoTime()).toBe(pino.stdTimeFunctions.isoTime());
    }
  });
});
