// The slice of oidc-provider's API this mock uses (the package ships no TypeScript declarations).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    params: Record<string, string | undefined>;
    session?: { accountId?: string };
    grantId?: string;
    returnTo: string;
  }

  export interface GrantInstance {
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    getOIDCScope(): string;
    getOIDCClaims(): string[];
    save(): Promise<string>;
  }

  export interface GrantClass {
    new (init: { accountId: string; clientId: string }): GrantInstance;
    find(id: string): Promise<GrantInstance | undefined>;
  }

  /** `ctx.oidc` during an authorization request, as the interaction policy's checks and loadExistingGrant see it. */
  export interface OidcContext {
    oidc: {
      provider: { Grant: GrantClass };
      client: { clientId: string };
      session: { grantIdFor(clientId: string): string | undefined };
      result?: { consent?: { grantId?: string } };
      grant?: GrantInstance;
      prompts: Set<string>;
      promptPending(name: string): boolean;
    };
  }

  export class InteractionCheck {
    constructor(reason: string, description: string, error: string, check: (ctx: KoaContext & OidcContext) => boolean);
    static REQUEST_PROMPT: true;
    static NO_NEED_TO_PROMPT: false;
  }

  export interface InteractionPrompt {
    checks: InteractionCheck[] & { remove(reason: string): void };
  }

  export const interactionPolicy: {
    base(): InteractionPrompt[] & { get(name: string): InteractionPrompt };
    Check: typeof InteractionCheck;
  };

  export interface TokenInstance {
    jti: string;
    accountId?: string;
    clientId?: string;
  }

  export interface ClientPrototype {
    redirectUriAllowed(value: string): boolean;
  }

  export type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

  export interface KoaContext {
    path: string;
    method: string;
    query: Record<string, string | string[] | undefined>;
    [key: string]: unknown;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    issuer: string;
    proxy: boolean;
    Grant: GrantClass;
    Client: { prototype: ClientPrototype };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: KoaMiddleware): void;
    on(event: string, listener: (...args: never[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }

  export default Provider;
}
