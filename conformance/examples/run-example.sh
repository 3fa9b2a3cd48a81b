#!/usr/bin/env bash
# What every example's run.sh does: installs the example's own dependencies (its folder's node_modules, from its
# package-lock.json) and runs the conformance suite of this repository against it, the target started by the suite
# with the mock IdP's settings. Called as `run-example.sh <example folder> <default revision> [suite args…]`.
#
#   UPSTREAM=harness-github|harness-oidc   upstream mock (default harness-github)
#   REVISION=…                             MCP revision (default: the one this example serves, see RESULTS.md)
#   UPDATE_BASELINE=1                      run without the baseline, then write the blocking ids of this run to
#                                          expected-failures.<flavor>.json (triage them in RESULTS.md first!)
# Extra arguments go to the suite (e.g. --grep '^DCR-'). The report goes to conformance-report/<example>-<flavor>/.
# Exit code: the suite's gate with expected-failures.<flavor>.json as the baseline (0 while nothing changed).
set -euo pipefail
here="$(cd "$1" && pwd)"
root="$(cd "$here/../../.." && pwd)"
name="$(basename "$here")"
upstream="${UPSTREAM:-harness-github}"
flavor="${upstream#harness-}"
revision="${REVISION:-$2}"
shift 2
baseline="$here/expected-failures.$flavor.json"
report="$root/conformance-report/$name-$flavor"

(cd "$here" && npm install --no-audit --no-fund --loglevel=error)

args=(--upstream "$upstream" --target-command "node conformance/examples/$name/server.js" --revision "$revision"
  --report "$report")
[ -f "$here/target.json" ] && args+=(--target-file "conformance/examples/$name/target.json")

cd "$root"
if [ -n "${UPDATE_BASELINE:-}" ]; then
  node conformance/bin/oauth-proxy-conformance.js "${args[@]}" "$@" || true
  node -e '
    const [report, out] = process.argv.slice(1);
    const { gate } = JSON.parse(require("node:fs").readFileSync(report, "utf8"));
    const ids = [...gate.failing, ...gate.expectedFailures].sort();
    require("node:fs").writeFileSync(out, JSON.stringify(ids, null, 2) + "\n");
    console.log(`${out}: ${ids.length} blocking ids`);
  ' "$report/report.json" "$baseline"
  npx --no-install prettier --write "$baseline" >/dev/null
  exit 0
fi
exec node conformance/bin/oauth-proxy-conformance.js "${args[@]}" --expected-failures "$baseline" "$@"
