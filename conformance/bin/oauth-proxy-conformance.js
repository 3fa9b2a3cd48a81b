#!/usr/bin/env node
// `oauth-proxy-conformance`: the compiled CLI (`npm run build` in a clone of the repository; shipped in the package).
import '../dist/cli.js';
