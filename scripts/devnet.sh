#!/bin/sh
# A local devnet of `ventured` nodes on loopback, in one command.
#
#   scripts/devnet.sh up N [--miners K] [--dir DIR]   start N nodes, K of them mining (default 1)
#   scripts/devnet.sh status [--dir DIR]              height, tip and peers of each node
#   scripts/devnet.sh down [--dir DIR]                stop them
#
# Every node runs the built-in dev chain with its own data directory DIR/nodeI, a free
# RPC port (written to DIR/nodeI/rpc.addr) and a free peer-to-peer port on 127.0.0.1;
# nodes 1..N-1 use node 0 as their bootnode. Default DIR: ./devnet.
set -eu
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."

command="${1:-}"
[ $# -gt 0 ] && shift
count=3
miners=1
dir="$PWD/devnet"
if [ "$command" = "up" ] && [ $# -gt 0 ]; then count="$1"; shift; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --miners) miners="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

bin="$PWD/target/debug/ventured"

rpc() { # datadir method [params-json]
  curl -s --max-time 10 --user "$(cat "$1/.cookie")" \
    -d "{\"method\":\"$2\",\"params\":${3:-[]}}" "http://$(cat "$1/rpc.addr")/"
}

result() { # extract "result" from a JSON-RPC reply on stdin
  python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print(r if not isinstance(r,(dict,list)) else json.dumps(r))'
}

wait_ready() { # datadir
  tries=0
  until [ -f "$1/rpc.addr" ] && [ -f "$1/.cookie" ] && rpc "$1" getblockcount >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 600 ]; then echo "node in $1 did not start; see $1.log" >&2; exit 1; fi
    sleep 0.1
  done
}

start_node() { # index extra-args...
  i="$1"; shift
  node_dir="$dir/node$i"
  mkdir -p "$node_dir"
  rm -f "$node_dir/rpc.addr"
  "$bin" run --chain dev --datadir "$node_dir" --rpc-port 0 \
    --p2p-listen /ip4/127.0.0.1/tcp/0 --no-mdns "$@" >"$node_dir.log" 2>&1 &
  echo $! >"$node_dir/pid"
  wait_ready "$node_dir"
}

case "$command" in
  up)
    if [ -e "$dir/node0/pid" ] && kill -0 "$(cat "$dir/node0/pid")" 2>/dev/null; then
      echo "a devnet is already running in $dir (scripts/devnet.sh down first)" >&2; exit 1
    fi
    cargo build -q -p ventured
    mkdir -p "$dir"
    mine_args() { if [ "$1" -lt "$miners" ]; then echo "--mine --mine-threads 1"; fi; }
    # shellcheck disable=SC2046
    start_node 0 $(mine_args 0)
    info="$(rpc "$dir/node0" getnetworkinfo)"
    seed="$(echo "$info" | python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print(r["listen_addresses"][0] + "/p2p/" + r["local_peer_id"])')"
    i=1
    while [ "$i" -lt "$count" ]; do
      # shellcheck disable=SC2046
      start_node "$i" --bootnode "$seed" $(mine_args "$i")
      i=$((i + 1))
    done
    echo "devnet of $count node(s), $miners mining, in $dir (bootnode $seed)"
    "$self" status --dir "$dir"
    ;;
  status)
    printf '%-6s %-7s %-8s %-66s %s\n' node pid height tip peers
    for node_dir in "$dir"/node*; do
      [ -d "$node_dir" ] || continue
      pid="$(cat "$node_dir/pid" 2>/dev/null || echo -)"
      if [ "$pid" != "-" ] && kill -0 "$pid" 2>/dev/null; then
        height="$(rpc "$node_dir" getblockcount | result)"
        tip="$(rpc "$node_dir" getbestblockhash | result)"
        peers="$(rpc "$node_dir" getconnectioncount | result)"
      else
        height=-; tip="(not running)"; peers=-
      fi
      printf '%-6s %-7s %-8s %-66s %s\n' "$(basename "$node_dir")" "$pid" "$height" "$tip" "$peers"
    done
    ;;
  down)
    for node_dir in "$dir"/node*; do
      [ -f "$node_dir/pid" ] || continue
      pid="$(cat "$node_dir/pid")"
      kill "$pid" 2>/dev/null || true
      n=0
      while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
      rm -f "$node_dir/pid"
    done
    echo "devnet in $dir stopped (data kept; remove $dir to start afresh)"
    ;;
  *)
    sed -n '2,10p' "$self" >&2
    exit 2
    ;;
esac
