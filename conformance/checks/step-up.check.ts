// MCP step-up authorization (conformance/requirements.md, PRM-12): a tool that needs more than basic access, named in the target
// description's `stepUp`, is called with a token holding only what the 401 challenge asked for. The server should
// answer 403 insufficient_scope naming every scope the call needs; a new authorization for the union of scopes must
// then work; and the scope hierarchy must count (2026-07-28). PRM-17 to PRM-19 are split out of PRM-12 so that each
// defect has one precise check.
import { completedFlow, type CompletedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { NotApplicable, NotTestable } from '../lib/model/outcome.ts';
import { ref } from '../lib/model/refs.ts';
import { since } from '../lib/model/vocabulary.ts';
import { parseBearerChallenge, unauthenticatedChallenge } from '../lib/oauth/discovery.ts';
import { requireUnderstood } from '../lib/oauth/mcp-probe.ts';
import { callTool, type ToolCall } from '../lib/oauth/mcp-tool-call.ts';
import type { CheckSession } from '../lib/session/check-session.ts';
import type { StepUpTool } from '../lib/target/description.ts';

const RUNTIME = ref.mcpAuthRev('2025-11-25', 'runtime-insufficient-scope-errors', 'Runtime insufficient scope errors');
const STEP_UP = ref.mcpAuthRev('2026-07-28', 'step-up-authorization-flow', 'Step-up authorization flow');

function scopes(text: string | undefined): string[] {
  return (text ?? '').split(' ').filter((s) => s !== '');
}

function declared(session: CheckSession): StepUpTool {
  const step = session.settings.targetDescription.stepUp;
  if (!step) {
    throw new NotApplicable('declare stepUp (a tool that needs more than basic access) in the target description');
  }
  return step;
}

interface StepUpScenario {
  step: StepUpTool;
  basic: CompletedFlow;
  /** The call with the basic token. */
  refused: ToolCall;
  /** The new authorization for the union of the granted and the challenged scopes, and the call with its token. */
  stepped: CompletedFlow;
  retried: ToolCall;
}

/**
 * Sign in with the scope the 401 challenge names (MCP "Scope Selection Strategy"), call the tool, then re-authorize
 * as the step-up flow says ("the union of the client's previously requested scope set and the scopes from the
 * current challenge") and call it again.
 */
function stepUpScenario(session: CheckSession): Promise<StepUpScenario> {
  return session.memo('step-up', async () => {
    const step = declared(session);
    const needed = scopes(step.scope);
    const challenge = parseBearerChallenge((await unauthenticatedChallenge(session)).headers.get('www-authenticate'));
    const basicScope = challenge?.scope;
    if (needed.every((s) => scopes(basicScope).includes(s))) {
      throw new NotTestable(
        `the 401 challenge already asks for ${step.scope}: declare a tool basic access cannot call`,
      );
    }
    const basic = await completedFlow(session, { scope: basicScope ?? null });
    const granted = basic.tokens.scope !== undefined ? scopes(basic.tokens.scope) : scopes(basicScope);
    if (needed.every((s) => granted.includes(s))) {
      throw new NotTestable(`the basic authorization was granted ${basic.tokens.scope}, which covers ${step.scope}`);
    }
    const refused = requireUnderstood(await callTool(session, basic.tokens.access_token, step.tool, step.arguments));
    const challenged = refused.challenge?.error === 'insufficient_scope' ? scopes(refused.challenge.scope) : needed;
    const union = [...new Set([...granted, ...challenged])];
    const stepped = await completedFlow(session, { client: basic.client, scope: union.join(' ') });
    const retried = await callTool(session, stepped.tokens.access_token, step.tool, step.arguments);
    return { step, basic, refused, stepped, retried };
  });
}

/**
 * "When a client makes a request with an access token with insufficient scope during runtime operations, the
 * server SHOULD respond with: HTTP 403 Forbidden status code […] WWW-Authenticate header with the Bearer scheme and
 * additional parameters: error="insufficient_scope" […] resource_metadata - the URI of the Protected Resource
 * Metadata document (for consistency with 401 responses)".
 */
defineCheck(
  {
    id: 'PRM-12',
    title: 'a call that needs more scope gets 403 with error="insufficient_scope" and resource_metadata',
    level: 'SHOULD',
    quote:
      'When a client makes a request with an access token with insufficient scope during runtime operations, the server SHOULD respond with: […] HTTP 403 Forbidden status code […] WWW-Authenticate header with the Bearer scheme and additional parameters: […] error="insufficient_scope" […] resource_metadata - the URI of the Protected Resource Metadata document (for consistency with 401 responses)',
    refs: [RUNTIME, ref.rfc(6750, '3.1')],
    revisions: since('2025-11-25'),
  },
  async ({ session, verdict }) => {
    const { refused } = await stepUpScenario(session);
    const header = refused.response.headers.get('www-authenticate') ?? '(no WWW-Authenticate)';
    verdict.check(refused.status === 403, 'the call with the basic token must get 403 Forbidden', {
      expected: 403,
      actual: `${refused.status} (${refused.attempts.join('; ')})`,
    });
    verdict.check(refused.challenge?.error === 'insufficient_scope', 'the challenge must say insufficient_scope', {
      expected: 'Bearer error="insufficient_scope", …',
      actual: header,
    });
    verdict.check(Boolean(refused.challenge?.resource_metadata), 'the challenge must carry resource_metadata', {
      expected: 'resource_metadata="…"',
      actual: header,
    });
  },
);

/**
 * "servers SHOULD include the scopes needed to satisfy the current request in the scope parameter" (2025-11-25);
 * "servers SHOULD include all scopes required for the current operation in a single challenge. Challenging
 * incrementally (returning one missing scope, then another on the subsequent retry) forces multiple authorization
 * round-trips for a single operation" (2026-07-28).
 */
defineCheck(
  {
    id: 'PRM-17',
    title: 'the insufficient_scope challenge names every scope the call needs',
    level: 'SHOULD',
    quote:
      'Whatever scope-inclusion strategy a server adopts, servers SHOULD include all scopes required for the current operation in a single challenge.',
    refs: [RUNTIME, ref.mcpAuthRev('2026-07-28', 'runtime-insufficient-scope-errors', 'Server scope management')],
    revisions: since('2025-11-25'),
  },
  async ({ session, verdict }) => {
    const { step, refused } = await stepUpScenario(session);
    if (refused.challenge?.error !== 'insufficient_scope') {
      return verdict.notTestable('the call was not answered with an insufficient_scope challenge (see PRM-12)');
    }
    const named = scopes(refused.challenge.scope);
    const missing = scopes(step.scope).filter((s) => !named.includes(s));
    verdict.check(
      missing.length === 0,
      `the challenge must name every scope the call needs (missing ${missing.join(' ')})`,
      {
        expected: step.scope,
        actual: refused.challenge.scope ?? '(no scope parameter)',
      },
    );
  },
);

/**
 * "Servers MUST account for scope hierarchies, where a broader scope implies narrower ones, when deciding whether a
 * token is sufficient for an operation." Tested with the hierarchy the target declares: a token holding only
 * `broaderScope` calls the step-up tool, and a token holding only the step-up scope calls `impliedTool`.
 */
defineCheck(
  {
    id: 'PRM-18',
    title: 'a broader scope is accepted where a narrower one is needed (scope hierarchy)',
    level: 'MUST',
    quote:
      'Servers MUST account for scope hierarchies, where a broader scope implies narrower ones, when deciding whether a token is sufficient for an operation.',
    refs: [STEP_UP],
    revisions: since('2026-07-28'),
  },
  async ({ session, verdict }) => {
    const step = declared(session);
    const cases: Array<{ scope: string; tool: string; args?: Record<string, unknown> }> = [
      ...(step.broaderScope ? [{ scope: step.broaderScope, tool: step.tool, args: step.arguments }] : []),
      ...(step.impliedTool
        ? [{ scope: step.scope, tool: step.impliedTool.tool, args: step.impliedTool.arguments }]
        : []),
    ];
    if (cases.length === 0) {
      return verdict.notApplicable('declare stepUp.broaderScope or stepUp.impliedTool to test the scope hierarchy');
    }
    for (const { scope, tool, args } of cases) {
      const flow = await completedFlow(session, { scope });
      const granted = scopes(flow.tokens.scope ?? scope);
      const extra = granted.filter((s) => !scopes(scope).includes(s));
      if (extra.length > 0) {
        return verdict.notTestable(
          `asked for ${scope} alone but was granted ${flow.tokens.scope}: no hierarchy to test`,
        );
      }
      const call = requireUnderstood(await callTool(session, flow.tokens.access_token, tool, args));
      verdict.check(call.result !== undefined, `a token with only ${scope} must be able to call ${tool}`, {
        expected: '2xx with a JSON-RPC result',
        actual: `${call.status} ${call.response.headers.get('www-authenticate') ?? call.response.text.slice(0, 120)}`,
      });
    }
  },
);

/**
 * The step-up flow: "Determine required scopes by computing the union of the client's previously requested scope
 * set and the scopes from the current challenge […] Initiate (re-)authorization with the determined scope set.
 * Retry the original request with the new authorization". The challenge's scopes are "the minimum scopes needed for
 * the operation": a token granted them must work.
 */
defineCheck(
  {
    id: 'PRM-19',
    title: 're-authorizing with the challenged scopes added lets the call through',
    level: 'SHOULD',
    quote:
      'When responding with insufficient scope errors, servers SHOULD include the scopes needed to satisfy the current request in the scope parameter.',
    refs: [STEP_UP, RUNTIME],
    revisions: since('2025-11-25'),
  },
  async ({ session, verdict }) => {
    const { step, stepped, retried } = await stepUpScenario(session);
    const granted = scopes(stepped.tokens.scope);
    if (stepped.tokens.scope !== undefined && !scopes(step.scope).every((s) => granted.includes(s))) {
      verdict.warn('the step-up authorization should grant the scopes the challenge named', {
        expected: step.scope,
        actual: stepped.tokens.scope,
      });
    }
    requireUnderstood(retried);
    verdict.check(retried.result !== undefined, 'the call must succeed with the wider token', {
      expected: '2xx with a JSON-RPC result',
      actual: `${retried.status} ${retried.response.text.slice(0, 120)}`,
    });
  },
);
