#!/usr/bin/env bash
# The conformance suite as a CI gate, for any CI system (the GitHub Action in action.yml runs exactly this). It
# installs Chromium when missing (Debian/Ubuntu, without recommended packages), installs the suite into its own
# folder, runs it, and exits with the suite's exit code: 0 unless a MUST check failed (with GATE_STRICT=true, also
# a SHOULD check), 1 when a check listed as expected to fail passes (a stale baseline), 2 when the run itself broke.
#
# Settings (environment variables, all optional except a target):
#   GATE_TARGET              base URL of the proxy under test
#   GATE_TARGET_COMMAND      shell command starting the proxy (it gets PORT, TARGET_URL, PROXY_BASE_URL, UPSTREAM_*)
#   GATE_UPSTREAM            harness-github | harness-oidc | external                     (default: harness-github
#                            with a target command, external otherwise)
#   GATE_REVISION            MCP revision the checks apply to                     (default: the suite's latest)
#   GATE_TARGET_FILE         target description JSON
#   GATE_EXPECTED_FAILURES   baseline file: JSON array of check ids expected to fail
#   GATE_STRICT              true: SHOULD findings fail the gate too
#   GATE_REPORT_DIR          where report.json, junit.xml, index.html go     (default: conformance-report)
#   GATE_SUITE_PACKAGE       npm install spec(s) of the suite (default: @mcp-oauth-kit/conformance@latest)
#   GATE_SUITE_DIR           where the suite is installed                         (default: .conformance-suite)
#   GATE_EXTRA_ARGS          more oauth-proxy-conformance arguments, e.g. "--workers 2"
# When GITHUB_OUTPUT is set, the exit code and report folder are also written there (exit-code, report-dir), and
# with GATE_DEFER_EXIT=true the script exits 0 so a later step can upload the report before failing the job.
set -uo pipefail

log() { printf '[conformance-gate] %s\n' "$*" >&2; }

if [ -z "${GATE_TARGET:-}" ] && [ -z "${GATE_TARGET_COMMAND:-}" ]; then
  log "set GATE_TARGET (a URL) or GATE_TARGET_COMMAND (a command starting the proxy)"
  exit 2
fi

if ! command -v chromium >/dev/null 2>&1 && [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  log "installing Chromium (the suite drives consent pages in it), without recommended packages"
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium \
    || { log "could not install Chromium; set CHROMIUM_PATH to a Chromium binary"; exit 2; }
fi

suite_dir="${GATE_SUITE_DIR:-.conformance-suite}"
log "installing the suite (${GATE_SUITE_PACKAGE:-@mcp-oauth-kit/conformance@latest}) into ${suite_dir}"
mkdir -p "$suite_dir"
[ -f "$suite_dir/package.json" ] || printf '{"name":"conformance-gate","private":true}\n' > "$suite_dir/package.json"
# shellcheck disable=SC2086 # several install specs may be given, separated by spaces
(cd "$suite_dir" && npm install --no-audit --no-fund --loglevel=error ${GATE_SUITE_PACKAGE:-@mcp-oauth-kit/conformance@latest}) \
  || { log "could not install the suite"; exit 2; }

args=()
[ -n "${GATE_TARGET:-}" ] && args+=(--target "$GATE_TARGET")
[ -n "${GATE_TARGET_COMMAND:-}" ] && args+=(--target-command "$GATE_TARGET_COMMAND")
upstream="${GATE_UPSTREAM:-}"
if [ -z "$upstream" ]; then
  if [ -n "${GATE_TARGET_COMMAND:-}" ]; then upstream=harness-github; else upstream=external; fi
fi
args+=(--upstream "$upstream")
[ -n "${GATE_REVISION:-}" ] && args+=(--revision "$GATE_REVISION")
[ -n "${GATE_TARGET_FILE:-}" ] && args+=(--target-file "$GATE_TARGET_FILE")
[ -n "${GATE_EXPECTED_FAILURES:-}" ] && args+=(--expected-failures "$GATE_EXPECTED_FAILURES")
[ "${GATE_STRICT:-false}" = "true" ] && args+=(--strict)
report_dir="${GATE_REPORT_DIR:-conformance-report}"
args+=(--report "$report_dir")
# shellcheck disable=SC2206 # extra arguments are split like a command line
[ -n "${GATE_EXTRA_ARGS:-}" ] && args+=(${GATE_EXTRA_ARGS})

"$suite_dir/node_modules/.bin/oauth-proxy-conformance" "${args[@]}"
code=$?
log "exit code ${code}; report in ${report_dir}/ (index.html, report.json, junit.xml)"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "exit-code=${code}"; echo "report-dir=${report_dir}"; } >> "$GITHUB_OUTPUT"
fi
if [ "${GATE_DEFER_EXIT:-false}" = "true" ]; then exit 0; fi
exit "$code"
