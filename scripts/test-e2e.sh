#!/usr/bin/env bash
# `npm run test:e2e`: the end-to-end suite in a real n8n (test/e2e/README.md). N8N_VERSION picks
# another n8n, e.g. N8N_VERSION=1.123.81 for the last 1.x.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ensure_dev_dependencies
npx jest --config jest.e2e.config.js "$@"
