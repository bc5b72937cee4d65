#!/bin/sh
# A local devnet of `ventured` nodes on loopback, in one command.
#
#   scripts/devnet.sh up N [--miners K] [--parent litecoind] [--dir DIR]
#                                                start N nodes, K miners (default 1)
#   scripts/devnet.sh status [--dir DIR]         height, tip and peers of each node;
#                                                the parent's height and the shares
#   scripts/devnet.sh down [--dir DIR]           stop everything it started
#
# Every node runs the built-in dev chain with its own data directory DIR/nodeI, a free
# RPC port (written to DIR/nodeI/rpc.addr), a free peer-to-peer port on 127.0.0.1 and
# Prometheus metrics on a free port (DIR/nodeI/metrics.addr) and the explorer and
# dashboard on another (DIR/nodeI/http.addr); nodes 1..N-1 use node 0 as their
# bootnode. Default DIR: ./devnet.
#
# With --parent litecoind the chain is merge-mined: two litecoind regtest nodes (the
# parent and the peer its getblocktemplate needs), `ventured mm` between the parent and
# node 0, and K `ventured miner` Stratum miners hashing scrypt. The nodes run the dev
# chain with a scrypt parent proof of work (DIR/devnet-ltc.toml) and do not mine
# themselves. Litecoin's MWEB is kept inactive on this parent.
#
# VENTURED=path/to/ventured uses that binary instead of building one.
set -eu
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."

command="${1:-}"
[ $# -gt 0 ] && shift
count=3
miners=1
parent=""
dir="$PWD/devnet"
if [ "$command" = "up" ] && [ $# -gt 0 ]; then count="$1"; shift; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --miners) miners="$2"; shift 2 ;;
    --parent) parent="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

bin="${VENTURED:-$PWD/target/debug/ventured}"
# Litecoin regtest P2WPKH of twenty 0x11 bytes: the parent's coinbase payout.
LTC_ADDRESS="rltc1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3p937dx"
DEV_ADDRESS="vdev1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg37qjmne"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ltc() { # index litecoin-cli-args...
  i="$1"; shift
  litecoin-cli -regtest -datadir="$dir/ltc$i" -rpcport="$(cat "$dir/ltc$i/rpcport")" "$@"
}

start_litecoind() { # index
  ltc_dir="$dir/ltc$1"
  mkdir -p "$ltc_dir"
  free_port >"$ltc_dir/rpcport"
  free_port >"$ltc_dir/p2pport"
  litecoind -regtest -server -rpcbind=127.0.0.1 -rpcallowip=127.0.0.1 -listen=1 \
    -bind=127.0.0.1 -dnsseed=0 -discover=0 -upnp=0 \
    -vbparams=mweb:4000000000:4000000001 \
    -port="$(cat "$ltc_dir/p2pport")" -rpcport="$(cat "$ltc_dir/rpcport")" \
    -datadir="$ltc_dir" >"$ltc_dir.log" 2>&1 &
  echo $! >"$ltc_dir/pid"
  tries=0
  until ltc "$1" getblockcount >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 600 ]; then echo "litecoind in $ltc_dir did not start; see $ltc_dir.log" >&2; exit 1; fi
    sleep 0.1
  done
}

stop_pid_file() { # file
  [ -f "$1" ] || return 0
  pid="$(cat "$1")"
  kill "$pid" 2>/dev/null || true
  n=0
  while kill -0 "$pid" 2>/dev/null && [ "$n" -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
  rm -f "$1"
}

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
  "$bin" run --chain "$chain" --datadir "$node_dir" --rpc-port 0 \
    --p2p-listen /ip4/127.0.0.1/tcp/0 --no-mdns --metrics 127.0.0.1:0 --http 127.0.0.1:0 "$@" >"$node_dir.log" 2>&1 &
  echo $! >"$node_dir/pid"
  wait_ready "$node_dir"
}

case "$command" in
  up)
    if [ -e "$dir/node0/pid" ] && kill -0 "$(cat "$dir/node0/pid")" 2>/dev/null; then
      echo "a devnet is already running in $dir (scripts/devnet.sh down first)" >&2; exit 1
    fi
    case "$parent" in
      ""|litecoind) ;;
      *) echo "unknown parent: $parent (litecoind is the one supported)" >&2; exit 2 ;;
    esac
    [ -n "${VENTURED:-}" ] || cargo build -q --workspace --bins
    mkdir -p "$dir"
    chain=dev
    if [ "$parent" = litecoind ]; then
      chain="$dir/devnet-ltc.toml"
      sed -e 's/^id = "dev"/id = "devnet-ltc"/' -e 's/^parent_pow = "sha256d"/parent_pow = "scrypt"/' \
        chainspec/dev.toml >"$chain"
      echo "$chain" >"$dir/chain"
    fi
    # Merge-mined: the Stratum miners do the work, not the nodes.
    mine_args() { if [ -z "$parent" ] && [ "$1" -lt "$miners" ]; then echo "--mine --mine-threads 1"; fi; }
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
    if [ "$parent" = litecoind ]; then
      start_litecoind 0
      start_litecoind 1
      ltc 1 addnode "127.0.0.1:$(cat "$dir/ltc0/p2pport")" onetry >/dev/null
      # Out of initial download, so that getblocktemplate answers.
      ltc 0 generatetoaddress 1 "$LTC_ADDRESS" >/dev/null
      mkdir -p "$dir/mm"
      "$bin" mm --stratum-listen 127.0.0.1:0 --status-file "$dir/mm/status.json" \
        --metrics "127.0.0.1:$(free_port)" \
        --parent-url "127.0.0.1:$(cat "$dir/ltc0/rpcport")" \
        --parent-cookie "$dir/ltc0/regtest/.cookie" --parent-pow scrypt \
        --parent-address "$LTC_ADDRESS" \
        --aux "datadir=$dir/node0,address=$DEV_ADDRESS" \
        --start-difficulty 0.0001 --share-interval 1 >"$dir/mm.log" 2>&1 &
      echo $! >"$dir/mm/pid"
      tries=0
      until [ -s "$dir/mm/status.json" ]; do
        tries=$((tries + 1))
        if [ "$tries" -gt 600 ]; then echo "ventured mm did not start; see $dir/mm.log" >&2; exit 1; fi
        sleep 0.1
      done
      stratum="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["stratum"])' "$dir/mm/status.json")"
      k=0
      while [ "$k" -lt "$miners" ]; do
        mkdir -p "$dir/miner$k"
        "$bin" miner --stratum "$stratum" --user "devnet.$k" --threads 1 --pow scrypt \
          >"$dir/miner$k.log" 2>&1 &
        echo $! >"$dir/miner$k/pid"
        k=$((k + 1))
      done
      echo "merge-mined by litecoind regtest (RPC port $(cat "$dir/ltc0/rpcport")) through ventured mm (stratum+tcp://$stratum), $miners Stratum miner(s)"
      echo "coordinator metrics: http://$(sed -n 's/^metrics listening on //p' "$dir/mm.log")/metrics"
    fi
    echo "devnet of $count node(s) in $dir (bootnode $seed)"
    echo "dashboard: http://$(cat "$dir/node0/http.addr")/"
    for node_dir in "$dir"/node*/; do
      echo "  $(basename "$node_dir") metrics: http://$(cat "$node_dir/metrics.addr")/metrics"
    done
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
    if [ -f "$dir/ltc0/pid" ]; then
      echo "parent (litecoind regtest) height: $(ltc 0 getblockcount 2>/dev/null || echo '(not running)')"
    fi
    if [ -f "$dir/mm/status.json" ]; then
      python3 - "$dir/mm/status.json" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))["stats"]
shares = stats["shares"]
print("coordinator shares: " + ", ".join(f"{k} {v}" for k, v in shares.items()))
print(f"coordinator blocks: parent {stats['parent']['accepted']} accepted, "
      + ", ".join(f"aux{i} {a['accepted']} accepted" for i, a in enumerate(stats["aux"])))
PY
    fi
    ;;
  down)
    for pid_file in "$dir"/miner*/pid "$dir/mm/pid" "$dir"/node*/pid "$dir"/ltc*/pid; do
      stop_pid_file "$pid_file"
    done
    echo "devnet in $dir stopped (data kept; remove $dir to start afresh)"
    ;;
  *)
    sed -n '2,22p' "$self" >&2
    exit 2
    ;;
esac
