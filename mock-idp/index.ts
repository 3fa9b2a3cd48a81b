// Mock upstream identity providers (OIDC and GitHub-style) for testing OAuth proxies: public API.
export { startMockIdp } from './start.ts';
export type {
  FaultKind,
  FaultSpec,
  IssuedToken,
  MockIdp,
  MockIdpEndpoints,
  MockIdpFlavor,
  MockIdpUser,
  RecordedRequest,
  StartMockIdpOptions,
} from './types.ts';
