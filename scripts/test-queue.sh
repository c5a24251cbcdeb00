#!/usr/bin/env bash
# `npm run test:queue`: this package in n8n's queue mode (test/queue/): a throw-away PostgreSQL
# cluster, redis-server, n8n main and two workers, all started by the suite on 127.0.0.1 and stopped
# by process id. Needs Debian's `postgresql` and `redis-server` packages (no service has to run).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ensure_dev_dependencies
npx jest --config jest.queue.config.js "$@"
