// The standalone server as a library: read the configuration the way mcp-oauth-proxy does and start it.
export { ConfigError, loadServerConfig, OPTION_SECTIONS, type ServerConfig } from './config.ts';
export { startProxyServer, type RunningProxy, type StartOptions } from './start.ts';
export { createLogger } from './logger.ts';
export { turnBufferedDestination, type TurnBufferedDestination } from './log-destination.ts';
