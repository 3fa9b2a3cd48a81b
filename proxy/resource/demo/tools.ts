// The demo server's tools. Each one shows a piece of the proxy at work: `whoami` acts upstream with the token the
// proxy keeps server-side (the token swap), `admin_audit` needs a narrower-than-basic scope (step-up), `count_to`
// streams progress over SSE (streaming through the proxy). Arguments are checked by hand against the small schemas
// they publish: no JSON Schema validator runs per request.
import { OAuthError } from '../../errors.ts';
import { UpstreamError, type UpstreamProvider } from '../../upstream/types.ts';
import type { AuthInfo } from '../auth-info.ts';

export interface ToolContext {
  auth: AuthInfo;
  upstream: UpstreamProvider;
  /** Reports progress when the request asked for it (a `progressToken`), else does nothing. */
  progress(progress: number, total: number, message: string): void;
  /** Aborted when the client cancelled the request (closed its stream, or went away). */
  signal: AbortSignal;
}

export interface ToolResult {
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface DemoTool {
  /** The `Tool` object of `tools/list`. */
  definition: { name: string; title: string; description: string; inputSchema: Record<string, unknown> } & Record<
    string,
    unknown
  >;
  /** Whether the tool reports progress (then a request with a progressToken gets an SSE answer). */
  streams: boolean;
  run(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult>;
}

/** A tool execution error: the model can read and correct it ("reported in tool results with isError: true"). */
export function toolError(text: string): ToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function structured(value: Record<string, unknown>): ToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

const READ_ONLY = { readOnlyHint: true, openWorldHint: false };
const NO_ARGUMENTS = { type: 'object', properties: {} };

const whoami: DemoTool = {
  definition: {
    name: 'whoami',
    title: 'Who am I',
    description:
      'Returns the signed-in user as the upstream identity provider reports them, fetched with the upstream token ' +
      'that the proxy keeps server-side, and the proxy grant this request was authorised by.',
    inputSchema: NO_ARGUMENTS,
    annotations: { ...READ_ONLY, openWorldHint: true },
  },
  streams: false,
  async run(_args, { auth, upstream }) {
    let user;
    try {
      user = await upstream.userInfo((await auth.upstreamTokens()).accessToken);
    } catch (error) {
      return toolError(upstreamProblem(error));
    }
    return structured({
      upstream: { provider: upstream.name, sub: user.sub, name: user.name, email: user.email, login: user.login },
      proxy: { sub: auth.sub, client_id: auth.clientId, scopes: auth.scopes, expires_at: auth.expiresAt },
    });
  },
};

/** What a tool may tell the model about a failed upstream call: the kind of failure, never the IdP's words. */
function upstreamProblem(error: unknown): string {
  if (error instanceof OAuthError) return 'This grant was revoked; sign in again.';
  if (error instanceof UpstreamError) {
    return error.kind === 'unavailable'
      ? 'The identity provider did not answer; try again later.'
      : `The identity provider refused the request (${error.kind}).`;
  }
  return 'The identity provider could not be asked.';
}

const adminAudit: DemoTool = {
  definition: {
    name: 'admin_audit',
    title: 'Audit this grant',
    description:
      'Shows what the proxy recorded for the grant behind this request (client, user, scopes, expiry). Needs the ' +
      'administrative scope: a token without it gets 403 insufficient_scope and can step up.',
    inputSchema: NO_ARGUMENTS,
    annotations: READ_ONLY,
  },
  streams: false,
  async run(_args, { auth }) {
    return structured({
      grant_id: auth.grantId,
      client_id: auth.clientId,
      sub: auth.sub,
      scopes: auth.scopes,
      expires_at: auth.expiresAt,
    });
  },
};

const MAX_STEPS = 50;
const MAX_INTERVAL_MS = 1000;

const countTo: DemoTool = {
  definition: {
    name: 'count_to',
    title: 'Count with progress',
    description:
      'Counts from 1 to `steps`, one step every `interval_ms` milliseconds, and reports each step as a progress ' +
      'notification when the request carries a progressToken (the answer is then a stream of server-sent events).',
    inputSchema: {
      type: 'object',
      properties: {
        steps: { type: 'integer', minimum: 1, maximum: MAX_STEPS, description: 'How far to count.' },
        interval_ms: {
          type: 'integer',
          minimum: 0,
          maximum: MAX_INTERVAL_MS,
          default: 100,
          description: 'Pause before each step, in milliseconds.',
        },
      },
      required: ['steps'],
    },
    annotations: READ_ONLY,
  },
  streams: true,
  async run(args, { progress, signal }) {
    const steps = args.steps;
    const interval = args.interval_ms ?? 100;
    if (!isIntegerIn(steps, 1, MAX_STEPS)) return toolError(`steps must be an integer from 1 to ${MAX_STEPS}`);
    if (!isIntegerIn(interval, 0, MAX_INTERVAL_MS)) {
      return toolError(`interval_ms must be an integer from 0 to ${MAX_INTERVAL_MS}`);
    }
    for (let step = 1; step <= steps; step++) {
      if (!(await pause(interval, signal))) return toolError('cancelled');
      progress(step, steps, `step ${step}/${steps}`);
    }
    return structured({ counted_to: steps });
  },
};

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Waits `ms`; false when the request was cancelled first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (finished: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(finished);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The demo's tools by name, in the order tools/list shows them. */
export const DEMO_TOOLS: ReadonlyMap<string, DemoTool> = new Map(
  [whoami, countTo, adminAudit].map((tool) => [tool.definition.name, tool]),
);
