#!/usr/bin/env bash
# `npm run dev`: the playground, a real n8n with this package and the local ProductBridge
# stand-in on 127.0.0.1 (see scripts/dev.ts). `npm run dev -- --port 5680` for another port.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ensure_dev_dependencies
exec node scripts/dev.ts "$@"
