// The one error type of the proxy. It carries exactly the wire fields of an OAuth error response plus what the
// HTTP layer needs; `detail` is logged on the server and never sent to a client.

/**
 * Error codes from RFC 6749 §4.1.2.1 / §5.2, RFC 7591 §3.2.2, RFC 7009 §2.2.1, RFC 8707 §2, RFC 6750 §3.1
 * and the proxy's own `temporarily_unavailable` for a failing backend.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'unsupported_token_type'
  | 'invalid_target'
  | 'invalid_token'
  | 'insufficient_scope';

export interface OAuthErrorOptions {
  /** HTTP status; 400 unless the spec says otherwise (401 for invalid_client with credentials, 503 …). */
  status?: number;
  /** Extra response headers, e.g. `WWW-Authenticate`. */
  headers?: Record<string, string>;
  /**
   * Whether this error may be sent to the client's redirect_uri (RFC 6749 §4.1.2.1). False for an unknown client
   * or an unverified redirect URI: those render an error page instead.
   */
  redirectable?: boolean;
  /** Server-side detail for the logs. Never sent. */
  detail?: string;
  /**
   * What an end user reads on an error page, in plain language; the wire code and description appear below it for
   * the application's developer. Default: a sentence for the error code.
   */
  explanation?: string;
  errorUri?: string;
}

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly errorDescription: string | undefined;
  readonly errorUri: string | undefined;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly redirectable: boolean;
  readonly detail: string | undefined;
  readonly explanation: string | undefined;

  constructor(error: OAuthErrorCode, errorDescription?: string, options: OAuthErrorOptions = {}) {
    super(errorDescription ? `${error}: ${errorDescription}` : error);
    this.name = 'OAuthError';
    this.error = error;
    this.errorDescription = errorDescription === undefined ? undefined : wireSafeDescription(errorDescription);
    this.errorUri = options.errorUri;
    this.status = options.status ?? 400;
    this.headers = options.headers ?? {};
    this.redirectable = options.redirectable ?? false;
    this.detail = options.detail;
    this.explanation = options.explanation;
  }

  /** The JSON body of RFC 6749 §5.2: only the wire fields, never `detail`. */
  toJSON(): { error: OAuthErrorCode; error_description?: string; error_uri?: string } {
    return {
      error: this.error,
      ...(this.errorDescription !== undefined ? { error_description: this.errorDescription } : {}),
      ...(this.errorUri !== undefined ? { error_uri: this.errorUri } : {}),
    };
  }
}

/**
 * `error_description` may only hold %x20-21 / %x23-5B / %x5D-7E: printable ASCII without `"` and `\`. Descriptions
 * often quote a parameter value, so instead of trusting every call site the one error type maps the rest: quotes to
 * apostrophes, backslashes to slashes, anything else (controls, non-ASCII) to `?`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function wireSafeDescription(description: string): string {
  return description.replace(/[^\x20-\x7e]|["\\]/g, (c) => (c === '"' ? "'" : c === '\\' ? '/' : '?'));
}

/** An error's name and message only, for logs: upstream errors never carry tokens, and stacks need not be logged. */
export function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
