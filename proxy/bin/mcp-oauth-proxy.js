#!/usr/bin/env node
// Runs the TypeScript CLI through tsx so that `npx mcp-oauth-proxy` works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli.ts');
