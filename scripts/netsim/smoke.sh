#!/bin/sh
# Smoke test of the network simulator, for CI: five ventured nodes behind relays,
# a handful of blocks; fails unless every node got every block and `down` left no
# namespace, interface or process. Asserts no timing. It runs as lab 9 (`vsim9-`), so a
# network brought up by hand (lab 0) neither stops it nor is touched by it.
#
#   VENTURED=path/to/ventured scripts/netsim/smoke.sh [BLOCKS]
#
# Needs root (network namespaces).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
blocks="${1:-5}"
: "${VENTURED:?VENTURED=path/to/ventured is required}"
export VENTURED
dir="$(mktemp -d "${TMPDIR:-/tmp}/netsim-smoke.XXXXXX")"

cleanup() {
  "$here/netsim" down --dir "$dir" --lab 9 >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

fail() {
  echo "netsim smoke: FAILED: $*" >&2
  for log in "$dir"/logs/*.out; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

(cd "$here" && python3 -m unittest -q test_topology) || fail "topology unit tests"
"$here/netsim" up "$here/topologies/five.topo" --dir "$dir" --lab 9 || fail "netsim up"
"$here/netsim" propagation --dir "$dir" --blocks "$blocks" --gap 0.5 --timeout 60 --out "$dir/propagation" \
  || fail "propagation scenario"
python3 - "$dir/propagation.json" "$blocks" <<'PY' || fail "not every node got every block"
import json, sys
r = json.load(open(sys.argv[1]))
missing = [(b["height"], n) for b in r["per_block"] for n, v in b["delays_ms"].items() if v is None]
assert len(r["per_block"]) == int(sys.argv[2]), "blocks mined"
assert r["every_node_got_every_block"] and not missing, missing
PY
"$here/netsim" down --dir "$dir" --lab 9 || fail "netsim down left something behind"
if ip netns list | grep -q '^vsim9-'; then fail "a vsim9- namespace survived down"; fi
if ip -o link show | grep -q ': vsim9-'; then fail "a vsim9- interface survived down"; fi
# Any process still running on one of the smoke's data directories ([n]: not grep itself).
if grep -l "$dir/[n]odes" /proc/[0-9]*/cmdline >/dev/null 2>&1; then fail "a node process survived down"; fi
for pid_file in "$dir"/pids/*; do
  [ -e "$pid_file" ] && fail "pid file $pid_file survived down"
done
trap - EXIT INT TERM
rm -rf "$dir"
echo "netsim smoke: ok ($blocks blocks reached all 5 nodes; nothing left behind)"
