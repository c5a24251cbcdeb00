#!/usr/bin/env bash
# The README's test command: n8n's own checks (scripts/verify.ts: n8n-node lint and
# cloud-support, the build, the packed tarball, n8n's scanner on source and tarball), types, the
# unit and engine-level tests, then the end-to-end suite in a real n8n (installed into the cache
# on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ensure_dev_dependencies
npm run verify
npm run typecheck
npm run test:unit
npm run test:e2e
