#!/usr/bin/env bash
# Runs the browser end-to-end and accessibility tests against an already
# built sixr (it builds nothing: `cargo build --release` first) and exits with
# node's code. Needs Debian's chromium and `npm ci` done in tests/e2e.
# SIXR_BIN overrides the binary (default: target/release/sixr of this checkout).
set -euo pipefail
cd "$(dirname "$0")"

export SIXR_BIN="${SIXR_BIN:-$(cd ../.. && pwd)/target/release/sixr}"
if [ ! -x "$SIXR_BIN" ]; then
  echo "tests/e2e/run.sh: no sixr binary at $SIXR_BIN; run 'cargo build --release' first" >&2
  exit 2
fi
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  echo "tests/e2e/run.sh: npm packages missing; run 'npm ci' in tests/e2e first" >&2
  exit 2
fi

rm -rf artifacts
# One test file at a time: each starts its own server and Chromium, and the
# CI machine has two cores.
set +e
node --test --test-concurrency=1 --test-timeout=180000 ./*.test.js
code=$?
set -e
if [ "$code" -ne 0 ] && [ -d artifacts ]; then
  echo "tests/e2e/run.sh: screenshots of the failing steps are in tests/e2e/artifacts/" >&2
fi
exit "$code"
