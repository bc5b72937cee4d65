#!/bin/sh
# Merged-mining coordinator benchmark (`ventured mm` with its Stratum server):
#   1. share -> accepted block latency (aux chains and parent), while a scrypt CPU miner
#      mines a litecoind regtest parent and two Venture aux chains through `ventured mm`
#      (every share is a block there: all targets are 0x207fffff);
#   2. tip change -> new Stratum job latency, as a Stratum client sees it: a block is
#      mined directly on an aux node or on litecoind, and a job-following miner logs
#      when the clean job arrives;
#   3. shares validated per second: miners flooding the coordinator at a pinned, tiny
#      share difficulty on chains whose targets no CPU reaches (so shares stay shares),
#      for SHA-256d and for scrypt shares.
#   With MWEB=1, litecoind runs with MWEB active, as Litecoin's main network does: its
#   templates carry a HogEx and MWEB data, peg-ins and peg-outs are sent while part 1
#   mines, and part 3 also floods scrypt shares on that parent (every other share is
#   then a parent block solution, assembled with its MWEB data).
# Needs litecoind, litecoin-cli, curl, jq, GNU date. Everything runs on loopback.
# Usage: scripts/bench/mm.sh [EVENTS]   (default 30 tip changes per kind in part 2)
#   VENTURED=path/to/ventured  use that binary instead of building the release one.
#   MWEB=1                     activate MWEB on the litecoind parent.
set -eu
cd "$(dirname "$0")/../.."
EVENTS="${1:-30}"
MWEB="${MWEB:-0}"
if [ -n "${VENTURED:-}" ]; then
  BIN="$VENTURED"
else
  cargo build --release -p ventured >/dev/null
  BIN="$PWD/target/release/ventured"
fi
for tool in litecoind litecoin-cli curl jq; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
WORK="$(mktemp -d)"
PIDS=""
cleanup() {
  for pid in $PIDS; do kill "$pid" 2>/dev/null || true; done
  sleep 1
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
ADDR=vdev1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg37qjmne
now_ms() { date +%s%3N; }

free_port() { # a random port nobody listens on
  while :; do
    port=$(shuf -i 20000-60000 -n 1)
    ss -ltn | grep -q ":$port " || { echo "$port"; return; }
  done
}
vrpc() { # datadir method params-json
  curl -s --user "$(cat "$1/.cookie")" -d "{\"method\":\"$2\",\"params\":$3}" "http://$(cat "$1/rpc.addr")/"
}
lrpc() { # datadir port method params-json
  curl -s --user "$(cat "$1/regtest/.cookie")" -d "{\"method\":\"$3\",\"params\":$4}" "http://127.0.0.1:$2/"
}
spec() { # id chain-id parent-pow extra-difficulty-line -> spec path
  sed -e "s/^id = \"dev\"/id = \"$1\"/" -e "s/chain_id = 0x5645/chain_id = $2/" \
      -e "s/parent_pow = \"sha256d\"/parent_pow = \"$3\"/" \
      -e "s/^algorithm = \"fixed\"/algorithm = \"fixed\"$4/" chainspec/dev.toml > "$WORK/$1.toml"
  echo "$WORK/$1.toml"
}
venture() { # name spec
  "$BIN" run --chain "$2" --datadir "$WORK/$1" --rpc-port 0 --p2p-listen /ip4/127.0.0.1/tcp/0 \
    --no-mdns --log warn >"$WORK/$1.log" 2>&1 &
  PIDS="$PIDS $!"
  while ! [ -f "$WORK/$1/rpc.addr" ] || ! vrpc "$WORK/$1" getblockcount '[]' >/dev/null 2>&1; do sleep 0.05; done
}
litecoind_start() { # name rpc-port p2p-port
  mkdir -p "$WORK/$1"
  if [ "$MWEB" = 1 ]; then mweb_off=""; else mweb_off="-vbparams=mweb:4000000000:4000000001"; fi
  litecoind -regtest -server -rpcbind=127.0.0.1 -rpcallowip=127.0.0.1 -listen=1 -bind=127.0.0.1 \
    -dnsseed=0 -discover=0 -upnp=0 $mweb_off \
    -port="$3" -rpcport="$2" -datadir="$WORK/$1" >/dev/null 2>&1 &
  PIDS="$PIDS $!"
  while ! lrpc "$WORK/$1" "$2" getblockcount '[]' 2>/dev/null | grep -q '"error":null'; do sleep 0.1; done
}
lcli() { # wallet args... (litecoin-cli on the parent)
  w=$1; shift
  litecoin-cli -regtest -datadir="$WORK/ltc" -rpcport="$LTC_RPC" -rpcwallet="$w" "$@"
}
mweb_activate() { # wallet `miner` holds ordinary coins, wallet `mweb` MWEB coins
  lcli "" createwallet miner >/dev/null
  lcli "" createwallet mweb >/dev/null
  lcli miner generatetoaddress 430 "$(lcli miner getnewaddress)" >/dev/null
  lcli miner sendtoaddress "$(lcli mweb getnewaddress "" mweb)" 1000 >/dev/null
  lcli miner generatetoaddress 2 "$(lcli miner getnewaddress)" >/dev/null
  lrpc "$WORK/ltc" "$LTC_RPC" getblocktemplate '[{"rules":["mweb","segwit"]}]' | jq -e '.result.mweb' >/dev/null \
    || { echo "MWEB did not activate" >&2; exit 1; }
}
mweb_traffic() { # one peg-in and one peg-out into the parent's mempool
  lcli miner sendtoaddress "$(lcli mweb getnewaddress "" mweb)" 1 >/dev/null
  lcli mweb sendtoaddress "$(lcli miner getnewaddress)" 1 >/dev/null || true
}
mm() { # name args... ; waits for the status file
  name=$1; shift
  "$BIN" mm --stratum-listen 127.0.0.1:0 --status-file "$WORK/$name.json" "$@" \
    --log info >"$WORK/$name.log" 2>&1 &
  MM_PID=$!
  PIDS="$PIDS $MM_PID"
  while ! jq -e .stratum "$WORK/$name.json" >/dev/null 2>&1; do sleep 0.05; done
}
miner() { # name stratum pow threads [extra...]
  name=$1; stratum=$2; pow=$3; threads=$4; shift 4
  "$BIN" miner --stratum "$stratum" --user bench --pow "$pow" --threads "$threads" "$@" \
    --log warn >"$WORK/$name.log" 2>&1 &
  MINER_PID=$!
  PIDS="$PIDS $MINER_PID"
}
percentiles() { # reads numbers on stdin: count p50 p90 max
  sort -n | awk '{v[NR]=$1} END {if (NR==0) {print "no samples"; exit}
    printf "n=%d p50=%.1f p90=%.1f max=%.1f\n", NR, v[int((NR-1)*0.5)+1], v[int((NR-1)*0.9)+1], v[NR]}'
}

echo "== setup: litecoind regtest pair, two Venture aux chains (scrypt parent), ventured mm"
LTC_RPC=$(free_port); LTC_P2P=$(free_port); PEER_RPC=$(free_port); PEER_P2P=$(free_port)
litecoind_start ltc "$LTC_RPC" "$LTC_P2P"
litecoind_start peer "$PEER_RPC" "$PEER_P2P"
lrpc "$WORK/ltc" "$LTC_RPC" addnode "[\"127.0.0.1:$PEER_P2P\", \"onetry\"]" >/dev/null
lrpc "$WORK/ltc" "$LTC_RPC" generatetodescriptor '[1, "raw(51)"]' >/dev/null
if [ "$MWEB" = 1 ]; then
  mweb_activate
  echo "MWEB active from height $(lrpc "$WORK/ltc" "$LTC_RPC" getblockcount '[]' | jq .result)"
fi
venture auxa "$(spec bench-a 0x5645 scrypt '')"
venture auxb "$(spec bench-b 0x5646 scrypt '')"
mm mm1 --parent-url "127.0.0.1:$LTC_RPC" --parent-cookie "$WORK/ltc/regtest/.cookie" \
  --parent-pow scrypt --parent-rules mweb,segwit --parent-address-script 51 \
  --aux "datadir=$WORK/auxa,address=$ADDR" --aux "datadir=$WORK/auxb,address=$ADDR" \
  --start-difficulty 0.01 --share-interval 1
STRATUM=$(jq -r .stratum "$WORK/mm1.json")

echo "== 1. share -> accepted block (scrypt CPU miner, one share a second, 30 s)"
miner mining "$STRATUM" scrypt 1
if [ "$MWEB" = 1 ]; then
  # A peg-in and a peg-out every 3 s (a peg-out needs its MWEB coins confirmed).
  for _ in 1 2 3 4 5 6 7 8 9 10; do mweb_traffic; sleep 3; done
  echo "blocks with peg-outs: $(for h in $(seq 434 "$(lrpc "$WORK/ltc" "$LTC_RPC" getblockcount '[]' | jq .result)"); do
    lrpc "$WORK/ltc" "$LTC_RPC" getblock "[\"$(lrpc "$WORK/ltc" "$LTC_RPC" getblockhash "[$h]" | jq -r .result)\", 2]" \
      | jq '.result.tx[-1].vout | length > 1'; done | grep -c true)"
else
  sleep 30
fi
kill "$MINER_PID"; sleep 1.5
jq -r '.stats | "shares accepted \(.shares.accepted), stale \(.shares.stale); parent blocks \(.parent.accepted); aux blocks \([.aux[].accepted] | join(", "))",
  "share -> aux block accepted (ms):    \(.latency.share_to_aux_block)",
  "share -> parent block accepted (ms): \(.latency.share_to_parent_block)",
  "poll reply -> job published (ms):    \(.latency.job_update)"' "$WORK/mm1.json"

echo "== 2. tip change -> clean Stratum job at the client ($EVENTS per kind)"
miner watcher "$STRATUM" scrypt 0 --job-log "$WORK/jobs.log"
sleep 2
: >"$WORK/events"
i=0
while [ "$i" -lt "$EVENTS" ]; do
  for kind in aux parent; do
    t0=$(now_ms)
    if [ "$kind" = aux ]; then
      vrpc "$WORK/auxa" generatetoaddress "[1, \"$ADDR\"]" >/dev/null
    else
      lrpc "$WORK/ltc" "$LTC_RPC" generatetodescriptor '[1, "raw(51)"]' >/dev/null
    fi
    t1=$(now_ms)
    echo "$kind $t0 $t1" >>"$WORK/events"
    sleep 0.7
  done
  i=$((i + 1))
done
sleep 1
for kind in aux parent; do
  # The first clean job logged after the block was mined: latency from the mining
  # call's return (the tip had changed by then) and from its start (upper bound).
  grep "^$kind " "$WORK/events" | while read -r _ t0 t1; do
    awk -v t0="$t0" -v t1="$t1" '$4 == "true" && $1 >= t0 {print $1 - t1, $1 - t0; exit}' "$WORK/jobs.log"
  done >"$WORK/lat-$kind"
  echo "$kind tip -> job, from the block's RPC return (ms): $(cut -d' ' -f1 "$WORK/lat-$kind" | percentiles)"
  echo "$kind tip -> job, from the block's RPC call (ms):   $(cut -d' ' -f2 "$WORK/lat-$kind" | percentiles)"
done
kill "$MINER_PID"

if [ "$MWEB" = 1 ]; then
  echo "== 3a. scrypt shares validated per second on the MWEB litecoind parent (every other share solves it)"
  mm flood-mweb --parent-url "127.0.0.1:$LTC_RPC" --parent-cookie "$WORK/ltc/regtest/.cookie" \
    --parent-pow scrypt --parent-address-script 51 --aux "datadir=$WORK/auxa,address=$ADDR" \
    --start-difficulty 1e-12 --min-difficulty 1e-12 --max-difficulty 1e-12
  FLOOD=$(jq -r .stratum "$WORK/flood-mweb.json"); FLOOD_MM=$MM_PID
  miner flood-mweb-1 "$FLOOD" scrypt 1; M1=$MINER_PID
  miner flood-mweb-2 "$FLOOD" scrypt 1; M2=$MINER_PID
  sleep 5
  a0=$(jq .stats.shares.accepted "$WORK/flood-mweb.json"); s0=$(jq .stats.uptime_s "$WORK/flood-mweb.json")
  sleep 20
  a1=$(jq .stats.shares.accepted "$WORK/flood-mweb.json"); s1=$(jq .stats.uptime_s "$WORK/flood-mweb.json")
  kill "$M1" "$M2"; sleep 1.5
  echo "scrypt, MWEB parent: $(echo "$a0 $a1 $s0 $s1" | awk '{printf "%.0f shares/s validated (%d in %.1f s)", ($2-$1)/($4-$3), $2-$1, $4-$3}'),\
 rejected: $(jq -c '.stats.shares | del(.accepted)' "$WORK/flood-mweb.json"),\
 parent: $(jq -c '.stats.parent | {submitted, accepted, stale, rejected, unbuildable, template_error}' "$WORK/flood-mweb.json")"
  # Its queued parent blocks would load the machine during part 3.
  kill "$FLOOD_MM"; sleep 2
fi

echo "== 3. shares validated per second (pinned difficulty, targets out of reach)"
HARD='\nbits = "0x1d00ffff"'
venture hardp "$(spec bench-p 0x5645 sha256d "$HARD")"
venture hardq "$(spec bench-q 0x5646 sha256d "$HARD")"
for pow in sha256d scrypt; do
  mm "flood-$pow" --parent-datadir "$WORK/hardp" --parent-pow "$pow" --parent-rules segwit \
    --parent-address-script 00141111111111111111111111111111111111111111 \
    --aux "datadir=$WORK/hardq,address=$ADDR" \
    --start-difficulty 1e-12 --min-difficulty 1e-12 --max-difficulty 1e-12
  FLOOD=$(jq -r .stratum "$WORK/flood-$pow.json")
  miner "flood-$pow-1" "$FLOOD" "$pow" 1; M1=$MINER_PID
  miner "flood-$pow-2" "$FLOOD" "$pow" 1; M2=$MINER_PID
  sleep 5
  a0=$(jq .stats.shares.accepted "$WORK/flood-$pow.json"); s0=$(jq .stats.uptime_s "$WORK/flood-$pow.json")
  sleep 20
  a1=$(jq .stats.shares.accepted "$WORK/flood-$pow.json"); s1=$(jq .stats.uptime_s "$WORK/flood-$pow.json")
  kill "$M1" "$M2"
  echo "$pow: $(echo "$a0 $a1 $s0 $s1" | awk '{printf "%.0f shares/s validated (%d in %.1f s)", ($2-$1)/($4-$3), $2-$1, $4-$3}'),\
 rejected: $(jq -c '.stats.shares | del(.accepted)' "$WORK/flood-$pow.json")"
done
