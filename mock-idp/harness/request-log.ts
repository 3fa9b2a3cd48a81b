// Every request a mock IdP receives, in arrival order, so tests can see exactly what a proxy sent upstream.
import type { IncomingMessage } from 'node:http';
import type { RecordedRequest } from '../types.ts';

type Multi = Record<string, string | string[]>;

/** Collapses repeated keys into arrays, keeping single values as strings. */
export function paramsToRecord(params: URLSearchParams): Multi {
  const out: Multi = {};
  for (const [key, value] of params) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else out[key] = Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

function headersToRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

export class RequestLog {
  #entries: RecordedRequest[] = [];
  #nextId = 1;

  record(req: IncomingMessage, url: URL, body: Buffer): RecordedRequest {
    const entry: RecordedRequest = {
      id: this.#nextId++,
      time: new Date().toISOString(),
      method: req.method ?? 'GET',
      path: url.pathname,
      query: paramsToRecord(url.searchParams),
      form: {},
      headers: headersToRecord(req),
    };
    const type = mediaType(req);
    if (body.length > 0 && type === 'application/x-www-form-urlencoded') {
      entry.form = paramsToRecord(new URLSearchParams(body.toString('utf8')));
    } else if (body.length > 0 && type === 'application/json') {
      try {
        entry.json = JSON.parse(body.toString('utf8'));
      } catch {
        entry.json = body.toString('utf8');
      }
    }
    this.#entries.push(entry);
    return entry;
  }

  /** A copy, so callers cannot change the log. */
  list(): RecordedRequest[] {
    return structuredClone(this.#entries);
  }

  clear(): void {
    this.#entries = [];
  }
}
