#!/usr/bin/env bash
# Runs the conformance suite against this example (see ../run-example.sh for the settings: UPSTREAM, REVISION,
# UPDATE_BASELINE). This example serves MCP 2026-07-28 by default.
exec "$(dirname "${BASH_SOURCE[0]}")/../run-example.sh" "$(dirname "${BASH_SOURCE[0]}")" 2026-07-28 "$@"
