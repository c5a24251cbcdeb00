#!/usr/bin/env bash
# `npm run bench`: the benchmark inside a real n8n (see bench/run.ts). Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ensure_dev_dependencies
mkdir -p docs
node bench/run.ts "$@"
