// The `/__harness/*` control routes: read and reset the request log, add and clear faults, list issued tokens.
// They mirror the programmatic API so that tests in other languages (or other processes) can drive a mock IdP.
import type { ServerResponse } from 'node:http';
import type { FaultTable } from './faults.ts';
import { parseFaultSpec } from './faults.ts';
import type { RequestLog } from './request-log.ts';
import type { TokenLedger } from './token-ledger.ts';

export const HARNESS_PREFIX = '/__harness/';

export interface HarnessState {
  log: RequestLog;
  faults: FaultTable;
  ledger: TokenLedger;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Handles one harness request; answers 404/405 for anything it does not know. */
export function handleHarness(
  state: HarnessState,
  method: string,
  path: string,
  body: Buffer,
  res: ServerResponse,
): void {
  const route = `${method} ${path}`;
  switch (route) {
    case 'GET /__harness/requests':
      return sendJson(res, 200, state.log.list());
    case 'DELETE /__harness/requests':
      state.log.clear();
      res.writeHead(204).end();
      return;
    case 'GET /__harness/tokens':
      return sendJson(res, 200, state.ledger.list());
    case 'DELETE /__harness/faults':
      state.faults.clear();
      res.writeHead(204).end();
      return;
    case 'POST /__harness/faults': {
      let input: unknown;
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: 'invalid_request', error_description: 'body must be JSON' });
      }
      const spec = parseFaultSpec(input);
      if (typeof spec === 'string') return sendJson(res, 400, { error: 'invalid_request', error_description: spec });
      state.faults.add(spec);
      return sendJson(res, 201, { ...spec, times: spec.times === Infinity ? 'always' : (spec.times ?? 1) });
    }
    default:
      return sendJson(res, 404, { error: 'not_found', error_description: `no harness route ${route}` });
  }
}
