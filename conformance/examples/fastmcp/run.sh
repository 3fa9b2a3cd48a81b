#!/usr/bin/env bash
# Installs FastMCP into this folder's own node_modules and runs the conformance suite against its OAuth proxy,
# instrumented with the GitHub-style mock IdP. Extra arguments go to the suite (e.g. --grep '^DISC-').
# UPSTREAM=harness-oidc runs it against the OIDC mock instead.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
port="${PORT:-8787}"
upstream="${UPSTREAM:-harness-github}"

(cd "$here" && npm install --no-audit --no-fund --loglevel=error)

cd "$root"
exec node conformance/bin/oauth-proxy-conformance.js \
  --target "http://127.0.0.1:$port" \
  --upstream "$upstream" \
  --target-command "node conformance/examples/fastmcp/server.js" \
  --target-file conformance/examples/fastmcp/target.json \
  --revision "${REVISION:-2025-11-25}" \
  --report "conformance-report/fastmcp${upstream#harness}" \
  "$@"
