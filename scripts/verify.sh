#!/usr/bin/env bash
# `npm run verify`: n8n's own checks on this checkout and on the packed tarball (scripts/verify.ts):
# n8n-node lint and cloud-support, n8n's scanner on the source and the tarball, the tarball's files.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ensure_dev_dependencies
exec node scripts/verify.ts "$@"
