#!/usr/bin/env bash
# The README's test command: the official lint, types, the build, the unit and engine-level
# tests, then the end-to-end suite in a real n8n (installed into the cache on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ensure_dev_dependencies
npm run lint
npm run typecheck
npm run test:unit
npm run test:e2e
