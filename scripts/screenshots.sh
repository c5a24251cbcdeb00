#!/usr/bin/env bash
# `npm run screenshots`: regenerates docs/images/*.png from the playground in headless Chromium
# (Debian's chromium package + playwright-core; see scripts/screenshots.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ensure_dev_dependencies
exec node scripts/screenshots.ts "$@"
