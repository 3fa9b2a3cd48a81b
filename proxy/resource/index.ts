export { createDemoMcpHandler, type DemoMcpServerOptions } from './demo-mcp-server.ts';
export { createGatewayHandler, IDENTITY_HEADER_PREFIX, type GatewayOptions } from './gateway.ts';
export { createNodeGateway, type NodeGatewayOptions } from './gateway-node.ts';
export { createNodeHttpFetch, MAX_FORWARDED_BODY_BYTES } from './node-http-fetch.ts';
export type { NodeExchange, NodeMcpHandler } from './node-route.ts';
