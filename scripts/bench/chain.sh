#!/bin/sh
# Core chain benchmark (release build):
#   - blocks connected per second: import-blocks of N coinbase-only blocks
#   - start-up time to RPC-ready with N blocks
#   - bytes on disk per block
# Usage: scripts/bench/chain.sh [N]   (default 10000)
set -eu
cd "$(dirname "$0")/../.."
N="${1:-10000}"
cargo build --release -p ventured >/dev/null
BIN="$PWD/target/release/ventured"
WORK="$(mktemp -d)"
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PID=""

rpc() { # method params-json
  curl -s --user "$(cat "$1/.cookie")" -d "{\"method\":\"$2\",\"params\":$3}" "http://$(cat "$1/rpc.addr")/"
}
wait_ready() { # datadir
  while ! [ -f "$1/rpc.addr" ] || ! rpc "$1" getblockcount '[]' >/dev/null 2>&1; do sleep 0.01; done
}

# 1. A source chain of N blocks, mined over RPC.
"$BIN" run --chain dev --datadir "$WORK/source" --rpc-port 0 --log warn >/dev/null 2>&1 &
PID=$!
wait_ready "$WORK/source"
ADDR=vdev1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg37qjmne
left=$N
while [ "$left" -gt 0 ]; do
  step=$(( left < 1000 ? left : 1000 ))
  rpc "$WORK/source" generatetoaddress "[$step, \"$ADDR\"]" >/dev/null
  left=$(( left - step ))
done
rpc "$WORK/source" stop '[]' >/dev/null; wait "$PID" || true
"$BIN" export-blocks "$WORK/blocks.dat" --chain dev --datadir "$WORK/source" >/dev/null

# 2. Import into a fresh data directory.
echo "== import of $N blocks"
"$BIN" import-blocks "$WORK/blocks.dat" --chain dev --datadir "$WORK/imported" --quiet

# 3. Start-up to RPC-ready.
start=$(date +%s.%N)
"$BIN" run --chain dev --datadir "$WORK/imported" --rpc-port 0 --log warn >/dev/null 2>&1 &
PID=$!
wait_ready "$WORK/imported"
ready=$(date +%s.%N)
height=$(rpc "$WORK/imported" getblockcount '[]' | sed 's/.*"result":\([0-9]*\).*/\1/')
rpc "$WORK/imported" stop '[]' >/dev/null; wait "$PID" || true
echo "== start-up to RPC-ready at height $height: $(echo "$ready - $start" | bc) s"

# 4. Size on disk.
bytes=$(du -sb "$WORK/imported/chaindata" | cut -f1)
echo "== chaindata: $bytes bytes, $(( bytes / N )) bytes per block"
echo "== block file: $(( $(stat -c %s "$WORK/blocks.dat") / N )) bytes per block (framed)"
