#!/usr/bin/env bash
# Installs what Hearth needs and is missing; quiet and quick when everything is there.
#   scripts/deps.sh run    build + run the app (WebKitGTK 4.1, appindicator, librsvg, ...)
#   scripts/deps.sh test   also what the tests need (Xvfb, D-Bus, gnome-keyring, dbusmock,
#                          WebKitWebDriver, a notification server, imagemagick, python3-xlib)
#   (`make bench` uses the test set: its webview benchmark runs under Xvfb like the tests)
# Debian packages come from apt-get when we are root or have sudo; otherwise the missing ones
# are listed and we stop. npm packages (including the Tauri CLI) go to ui/node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-run}"
run_pkgs=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev libdbus-1-dev xdg-utils)
test_pkgs=(xvfb xauth webkit2gtk-driver dbus-x11 gnome-keyring libsecret-tools
  python3-dbusmock python3-xlib dunst imagemagick)
pkgs=("${run_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
    echo "Hearth needs these Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "deps: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in cargo node npm; do
  command -v "$tool" >/dev/null || { echo "deps: $tool is missing (Rust via rustup; Node.js 20.19 or newer)" >&2; exit 1; }
done

if [ "$mode" = test ] && ! cargo nextest --version >/dev/null 2>&1; then
  echo "deps: installing cargo-nextest"
  cargo install --locked --quiet cargo-nextest
fi
if [ "$mode" = test ]; then
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
fi

# Pinned npm tools in their own prefix, .tools/: the Tauri CLI (for `make bundle`; the
# registry reachable here serves only some of its per-platform optional packages, so it
# cannot sit in ui/'s lock file, which npm ci rejects when it leaves optional platforms out)
# and, for the tests, Claude Code and Codex (the runtimes' tests run the real CLIs offline;
# pinned because on Node 20 an unpinned install silently picks an old Claude Code; both ship
# native binaries that do not use Node, so the EBADENGINE warning of 2.1.332 is harmless).
# One npm command installs them all, so none prunes the others.
TAURI_CLI_VERSION=2.12.5
CLAUDE_CODE_VERSION=2.1.332
CODEX_VERSION=0.171.0
tools=("@tauri-apps/cli@$TAURI_CLI_VERSION")
stale=0
[ "$(.tools/node_modules/.bin/tauri --version 2>/dev/null)" = "tauri-cli $TAURI_CLI_VERSION" ] || stale=1
if [ "$mode" = test ]; then
  tools+=("@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" "@openai/codex@$CODEX_VERSION")
  [ "$(.tools/node_modules/.bin/claude --version 2>/dev/null)" = "$CLAUDE_CODE_VERSION (Claude Code)" ] || stale=1
  [ "$(.tools/node_modules/.bin/codex --version 2>/dev/null)" = "codex-cli $CODEX_VERSION" ] || stale=1
else # kept, not pruned by the install
  if [ -x .tools/node_modules/.bin/claude ]; then tools+=("@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION"); fi
  if [ -x .tools/node_modules/.bin/codex ]; then tools+=("@openai/codex@$CODEX_VERSION"); fi
fi
if [ "$stale" = 1 ]; then
  echo "deps: installing ${tools[*]} into .tools/"
  npm install --prefix .tools --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "${tools[@]}"
fi

# npm packages, only when the lock file changed since the last install.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "deps: npm ci in ui/"
  npm --prefix ui ci --no-audit --no-fund --loglevel=error
  touch ui/node_modules/.package-lock.json
fi

# The real MCP servers from npm the tests start (test mode only).
servers=src-tauri/mcp/tests/servers
if [ "$mode" = test ] && { [ ! -f $servers/node_modules/.package-lock.json ] || [ $servers/package-lock.json -nt $servers/node_modules/.package-lock.json ]; }; then
  echo "deps: npm ci in $servers/"
  npm --prefix $servers ci --no-audit --no-fund --loglevel=error
  touch $servers/node_modules/.package-lock.json
fi
