#!/usr/bin/env node
// `mock-idp`: the compiled CLI (`npm run build` in a clone of the repository; shipped in the package).
import '../dist/cli.js';
