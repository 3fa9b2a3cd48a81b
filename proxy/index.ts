// The library entry point: build the proxy with createOAuthProxy() and mount its app or its bearer check.
export { createOAuthProxy, type OAuthProxy, type ProxyEnv } from './app.ts';
export type { ConsentMode, JsonWebKeyWithKid, ProxyOptions, SigningOptions } from './options/proxy-options.ts';
export { PROXY_OPTIONS, type ProxyTableOptions } from './options/proxy-option-table.ts';
export { OptionError } from './options/option.ts';
export type { AuthInfo, McpHandler } from './resource/auth-info.ts';
export { OAuthError, type OAuthErrorCode, type OAuthErrorOptions } from './errors.ts';
export { systemClock, type Clock } from './clock.ts';
