#!/bin/sh
# Installs what building and testing Venture needs on a Debian/Ubuntu machine:
#   libclang-dev  RocksDB's Rust bindings are generated with bindgen at build time
#   litecoind     a real Bitcoin Core–family node and client (litecoin-cli) for the
#                 end-to-end tests and as a merged-mining parent chain
#   curl, python3 what scripts/devnet.sh drives nodes with
#   chromium      a real browser, headless, for the explorer's end-to-end test
#   iproute2      `ip`, with which the network simulator's smoke test makes namespaces
# Rust itself comes from rustup (https://rustup.rs). Safe to run repeatedly.
set -eu

missing=""
dpkg -s libclang-dev >/dev/null 2>&1 || missing="$missing libclang-dev"
command -v litecoind >/dev/null 2>&1 || missing="$missing litecoind"
# devnet.sh (and its end-to-end test) drive nodes with curl and python3.
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
# The explorer's pages are tested in a real browser.
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
# The network simulator's smoke test puts nodes in namespaces with `ip`.
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
[ -z "$missing" ] && exit 0

echo "installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
