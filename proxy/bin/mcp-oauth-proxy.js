#!/usr/bin/env node
// `mcp-oauth-proxy`: the compiled CLI (`npm run build` in a clone of the repository; shipped in the package).
import '../dist/server/cli.js';
