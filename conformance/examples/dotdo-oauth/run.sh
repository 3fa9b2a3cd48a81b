#!/usr/bin/env bash
# Runs the conformance suite against this example (see ../run-example.sh for the settings: UPSTREAM, REVISION,
# UPDATE_BASELINE). This example serves MCP 2025-11-25 by default.
exec "$(dirname "${BASH_SOURCE[0]}")/../run-example.sh" "$(dirname "${BASH_SOURCE[0]}")" 2025-11-25 "$@"
