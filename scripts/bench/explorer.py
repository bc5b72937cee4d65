#!/usr/bin/env python3
"""Explorer page render time on a long chain: a dev-chain node with a venture allocation
over the whole chain (epochs of 100 blocks, native blocks eligible), N blocks of which
one in twenty is merge-mined (AuxPoW built here the way a pool builds it; `setmocktime`
keeps block times within the future limit), then R
requests of each page one after the other on one kept-alive connection. Reports, per
page, the wall time as the client on loopback sees it (p50, p95, max; an upper bound of
the server's time) and the page's size.

Usage: scripts/bench/explorer.py [--blocks 100000] [--requests 100]
       [--bin target/release/ventured] [--datadir DIR]

With --datadir, the chain is built there once and kept: a later run with the same
directory measures again without rebuilding it.
"""
import argparse, base64, hashlib, http.client, json, os, struct, subprocess, sys, tempfile, time
import urllib.error, urllib.request

from nodefiles import wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADDRESSES = [
    "vdev1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg37qjmne",
    "vdev1qyysjzgfpyysjzgfpyysjzgfpyysjzgfpqe3csc",
    "vdev1qj2ff9y5jj2ff9y5jj2ff9y5jj2ff9y5jnjgl6w",
]
MERGE_MINED_EVERY = 20


def sha256d(data):
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def auxpow_hex(info):
    """A solved AuxPoW for a `createauxblock` reply: a parent coinbase committing to
    the block (Namecoin's fabe6d6d marker, a one-chain tree, nonce 0) as the parent
    block's only transaction, and a parent header meeting the aux target."""
    commitment = b"\xfa\xbe\x6d\x6d" + bytes.fromhex(info["hash"]) + struct.pack("<II", 1, 0)
    script = b"\x02\xf4\x01" + bytes([len(commitment)]) + commitment
    coinbase = (struct.pack("<I", 1) + b"\x01" + b"\x00" * 32 + b"\xff" * 4
                + bytes([len(script)]) + script + b"\xff" * 4
                + b"\x01" + struct.pack("<q", 50) + b"\x00" + struct.pack("<I", 0))
    target = int.from_bytes(bytes.fromhex(info["_target"]), "little")
    prefix = struct.pack("<i", 0x20000000) + b"\x11" * 32 + sha256d(coinbase) + struct.pack("<II", 1764200000, 0x207fffff)
    nonce = 0
    while int.from_bytes(sha256d(prefix + struct.pack("<I", nonce)), "little") > target:
        nonce += 1
    parent = prefix + struct.pack("<I", nonce)
    # coinbase, hashBlock, empty coinbase branch, index 0, empty chain branch, index 0.
    return (coinbase + b"\x00" * 32 + b"\x00" + struct.pack("<i", 0) + b"\x00" + struct.pack("<i", 0) + parent).hex()


class Node:
    def __init__(self, binary, datadir, spec):
        self.process = subprocess.Popen(
            [binary, "run", "--chain", spec, "--datadir", datadir, "--rpc-port", "0",
             "--p2p-listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns", "--http", "127.0.0.1:0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.rpc_url = f"http://{wait_for(os.path.join(datadir, 'rpc.addr'))}"
        self.auth = "Basic " + base64.b64encode(wait_for(os.path.join(datadir, ".cookie")).encode()).decode()
        self.http = wait_for(os.path.join(datadir, "http.addr"))

    def rpc(self, method, *params):
        body = json.dumps({"method": method, "params": list(params), "id": 1}).encode()
        request = urllib.request.Request(self.rpc_url, body, {"Authorization": self.auth})
        try:
            reply = json.loads(urllib.request.urlopen(request, timeout=3600).read())
        except urllib.error.HTTPError as e:  # JSON-RPC 1.0 errors come with HTTP 500
            reply = json.loads(e.read())
        if reply.get("error"):
            sys.exit(f"{method}: {reply['error']}")
        return reply["result"]


def fill(node, blocks):
    start = time.time()
    height, turn = node.rpc("getblockcount"), 0
    while height < blocks:
        # Blocks come faster than the clock: pin "now" at the tip's time so that block
        # times stay within the 2-hour future limit (dev chains only).
        node.rpc("setmocktime", max(int(time.time()), node.rpc("getblockchaininfo")["time"]))
        native = min(MERGE_MINED_EVERY - 1, blocks - height)
        node.rpc("generatetoaddress", native, ADDRESSES[turn % len(ADDRESSES)])
        height += native
        if height < blocks:
            info = node.rpc("createauxblock", ADDRESSES[(turn + 1) % len(ADDRESSES)])
            if node.rpc("submitauxblock", info["hash"], auxpow_hex(info)) is not True:
                sys.exit("a merge-mined block was refused")
            height += 1
        turn += 1
    return time.time() - start


def measure(host, paths, requests):
    connection = http.client.HTTPConnection(host, timeout=60)
    results = {}
    for path in paths:
        samples, size = [], 0
        for i in range(requests + 3):
            start = time.perf_counter()
            connection.request("GET", path)
            reply = connection.getresponse()
            body = reply.read()
            elapsed = time.perf_counter() - start
            if reply.status >= 400:
                sys.exit(f"{path}: HTTP {reply.status}: {body[:300]!r}")
            if i >= 3:  # the first requests warm the caches
                samples.append(elapsed)
            size = len(body)
        samples.sort()
        pick = lambda q: round(samples[min(len(samples) - 1, int(q * len(samples)))] * 1000, 2)
        results[path] = {"p50_ms": pick(0.5), "p95_ms": pick(0.95), "max_ms": round(samples[-1] * 1000, 2), "bytes": size}
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target/release/ventured"))
    parser.add_argument("--datadir", help="keep the chain here (and reuse it when present)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.datadir or scratch
        os.makedirs(work, exist_ok=True)
        dev = open(os.path.join(ROOT, "chainspec/dev.toml")).read().replace('id = "dev"', 'id = "explorer-bench"')
        spec = os.path.join(work, "bench.toml")
        with open(spec, "w") as f:
            f.write(dev + f"""
[venture]
start_height = 1
end_height = {args.blocks}
total = 1_000_000_000_000
epoch_length = 100
eligible = "all"

[venture.vesting]
cliff_blocks = 100
tranches = 4
tranche_interval = 100
""")
        datadir = os.path.join(work, "node")
        reused = os.path.isdir(os.path.join(datadir, "chaindata"))
        node = Node(args.bin, datadir, spec)
        try:
            if reused:
                # The chain's times ran ahead of the clock while it was built.
                node.rpc("setmocktime", node.rpc("getblockchaininfo")["time"])
            fill_s = 0.0 if reused else fill(node, args.blocks)
            tip = node.rpc("getblockcount")
            tip_hash = node.rpc("getbestblockhash")
            merged = node.rpc("getblockhash", tip - tip % MERGE_MINED_EVERY)
            coinbase = node.rpc("getblock", tip_hash, 1)["tx"][0]
            paths = ["/", "/charts", "/charts?blocks=20000", f"/block/{tip_hash}", f"/block/{merged}",
                     f"/tx/{coinbase}?block={tip_hash}", "/venture", "/network", f"/search?q={tip}",
                     f"/address/{ADDRESSES[1]}"]
            utxos = node.rpc("gettxoutsetinfo")["txouts"]
            results = measure(node.http, paths, args.requests)
            print(json.dumps({"blocks": tip, "utxos": utxos, "fill_s": round(fill_s, 1), "requests": args.requests,
                              "binary": args.bin, "pages": results}, indent=1))
        finally:
            node.process.terminate()
            node.process.wait()


if __name__ == "__main__":
    main()
