// Per-check trace of every HTTP exchange and browser navigation, redacted, attached to the Playwright HTML report
// so that a reader can follow each hop of the flow.
import { AsyncLocalStorage } from 'node:async_hooks';
import { redactBody, redactHeader, redactUrl } from './redact.ts';

const MAX_BODY = 4000;

/** A 5xx answer seen during a check, by the suite's HTTP client or in the browser. */
export interface ServerError {
  method: string;
  url: string;
  status: number;
  /** The start of the body, redacted. */
  body: string;
}

export class TraceRecorder {
  private readonly entries: string[] = [];
  /** Every 5xx answer of the check (define-check.ts turns those of the target into a finding). */
  readonly serverErrors: ServerError[] = [];

  serverError(error: { method: string; url: string; status: number; body?: string; contentType?: string }): void {
    this.serverErrors.push({
      method: error.method,
      url: error.url,
      status: error.status,
      body: truncate(redactBody(error.body ?? '', error.contentType ?? '')).slice(0, 200),
    });
  }

  /** 5xx answers met by a shared result this check uses (computed during another check). */
  carry(errors: readonly ServerError[]): void {
    for (const error of errors) if (!this.serverErrors.includes(error)) this.serverErrors.push(error);
  }

  note(text: string): void {
    this.entries.push(`# ${text}`);
  }

  browser(text: string): void {
    this.entries.push(`[browser] ${redactUrlsIn(text)}`);
  }

  http(exchange: {
    method: string;
    url: string;
    requestHeaders: Record<string, string>;
    requestBody?: string;
    status?: number;
    responseHeaders?: [string, string][];
    responseBody?: string;
    error?: string;
    ms: number;
  }): void {
    const lines = [`→ ${exchange.method} ${redactUrl(exchange.url)}`];
    for (const [k, v] of Object.entries(exchange.requestHeaders)) lines.push(`  ${k}: ${redactHeader(k, v)}`);
    const reqType = exchange.requestHeaders['content-type'] ?? '';
    if (exchange.requestBody) lines.push(indent(truncate(redactBody(exchange.requestBody, reqType))));
    if (exchange.error) {
      lines.push(`✗ ${exchange.error} (${exchange.ms} ms)`);
    } else {
      lines.push(`← ${exchange.status} (${exchange.ms} ms)`);
      const headers = exchange.responseHeaders ?? [];
      for (const [k, v] of headers) lines.push(`  ${k}: ${k === 'location' ? redactUrl(v) : redactHeader(k, v)}`);
      const type = headers.find(([k]) => k === 'content-type')?.[1] ?? '';
      if (exchange.responseBody) lines.push(indent(truncate(redactBody(exchange.responseBody, type))));
    }
    this.entries.push(lines.join('\n'));
  }

  /** Takes in what another recorder saw (work done ahead of its check, lifetimes.ts), 5xx answers included. */
  absorb(other: TraceRecorder, heading: string): void {
    this.note(heading);
    this.entries.push(...other.entries);
    this.serverErrors.push(...other.serverErrors);
  }

  format(): string {
    return this.entries.join('\n\n');
  }
}

function truncate(s: string): string {
  return s.length > MAX_BODY ? `${s.slice(0, MAX_BODY)}… (${s.length} chars)` : s;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function redactUrlsIn(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>]+/g, (u) => redactUrl(u));
}

/** The recorder of the check currently running in this worker (checks run one at a time per worker). */
let current: TraceRecorder | undefined;
/** Work started early that runs behind other checks (runWithTrace) records into its own recorder instead. */
const background = new AsyncLocalStorage<TraceRecorder>();

export function setCurrentTrace(recorder: TraceRecorder | undefined): void {
  current = recorder;
}

export function currentTrace(): TraceRecorder | undefined {
  return background.getStore() ?? current;
}

/**
 * Runs `fn` with its own recorder: its requests land there, not in the trace of whichever check runs meanwhile. (Browser
 * events are dispatched outside this context, so navigations of a page it drives still reach the current check.)
 */
export function runWithTrace<T>(recorder: TraceRecorder, fn: () => Promise<T>): Promise<T> {
  return background.run(recorder, fn);
}
