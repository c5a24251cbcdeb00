#!/usr/bin/env bash
# Installs the pinned n8n into the cache (outside the repo) once, and prints its bin path.
# A plain install fails offline (a Kafka client's build script downloads zlib), so scripts are
# skipped and the one native module n8n needs, sqlite3, is rebuilt on its own.
set -euo pipefail
. "$(dirname "$0")/env.sh"
# Run from `npm run`, this repo's .npmrc (ignore-scripts=true) reaches npm through the environment
# and would turn the sqlite3 rebuild below into a silent no-op.
unset npm_config_ignore_scripts NPM_CONFIG_IGNORE_SCRIPTS
n8n_home="$PB_CACHE_DIR/n8n-$N8N_VERSION"
n8n_bin="$n8n_home/node_modules/.bin/n8n"
if [ ! -f "$n8n_home/.installed" ]; then
  echo "Installing n8n@$N8N_VERSION into $n8n_home (first time only: minutes, ~3 GB)" >&2
  rm -rf "$n8n_home" && mkdir -p "$n8n_home"
  (
    cd "$n8n_home"
    echo '{"name":"n8n-cache","private":true}' > package.json
    if [ "${N8N_VERSION%%.*}" = 1 ]; then
      # n8n 1.x's default xlsx is a URL on a host this machine cannot reach.
      node -e 'const p=require("./package.json");p.overrides={xlsx:"0.18.5"};require("fs").writeFileSync("package.json",JSON.stringify(p))'
    fi
    npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$N8N_VERSION" >&2
    npm rebuild sqlite3 --ignore-scripts=false --loglevel=error >&2
    node -e 'require("sqlite3")' || { echo "sqlite3 did not build for $(node -v)" >&2; exit 1; }
  )
  touch "$n8n_home/.installed"
fi
echo "$n8n_bin"
