#!/usr/bin/env python3
"""Peer-to-peer benchmark: ventured against Debian's litecoind 0.21 (regtest), same run.

  1. Initial sync: a second node catches up N coinbase-only blocks from a first one
     on loopback; blocks per second from the moment it is up to the moment it has them.
     ventured runs it twice: on the dev chain (SHA-256d) and on the same spec with
     scrypt proof of work, which is what litecoind checks for every header; the ratio
     compares like with like (scrypt).
     The scrypt sync rate is set against the machine's limit, measured in the same run:
     OpenSSL's scrypt(1024, 1, 1) of 80-byte headers on every core at once (each header
     needs one, so no sync can check headers faster).
  2. Block propagation on a devnet of K nodes: for each of M blocks mined on node 0,
     the time from the miner accepting it to the last node accepting it, read from the
     nodes' own log timestamps (microseconds); p50, p95 and max.

Usage: scripts/bench/p2p.py [--blocks 5000] [--nodes 10] [--propagation 100]
       [--bin target/release/ventured] [--skip-litecoin]
Needs litecoind/litecoin-cli (scripts/setup.sh installs them) unless --skip-litecoin.
"""
import argparse, base64, hashlib, json, multiprocessing, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEV_ADDRESS = "vdev1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg37qjmne"
# P2WPKH of 20 0x11 bytes under Litecoin regtest's prefix.
LTC_ADDRESS = "rltc1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3p937dx"
TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)Z")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rpc(url, auth, method, params=None, timeout=600):
    body = json.dumps({"method": method, "params": params or [], "id": 1}).encode()
    request = urllib.request.Request(url, body, {"Authorization": "Basic " + base64.b64encode(auth.encode()).decode()})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return json.load(reply)["result"]
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{method}: {e.read().decode()}")


def parse_time(line):
    m = TIME.match(line)
    if not m:
        return None
    stamp = m.group(1)
    whole, frac = stamp.split(".")
    return datetime.fromisoformat(whole).timestamp() + float("0." + frac)


def percentiles(samples):
    samples = sorted(samples)
    p = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
    return {"p50_ms": round(p(0.50) * 1000, 2), "p95_ms": round(p(0.95) * 1000, 2), "max_ms": round(samples[-1] * 1000, 2), "blocks": len(samples)}


def tip_times(log_path, tip_line):
    """hash -> time a node made it its tip, from the first log line matching `tip_line`."""
    times = {}
    for line in open(log_path):
        m = tip_line.search(line)
        t = m and parse_time(line)
        if t and m.group(1) not in times:
            times[m.group(1)] = t
    return times


def stop(node, wait):
    """Asks a node to stop over RPC; kills it if it has not exited after `wait` seconds."""
    try:
        node.call("stop")
    except Exception:
        pass
    try:
        node.proc.wait(wait)
    except subprocess.TimeoutExpired:
        node.proc.kill()


class Ventured:
    def __init__(self, binary, work, name, extra=(), chain="dev"):
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.log_path = self.dir + ".log"
        env = dict(os.environ, RUST_LOG="info,venture_chain=debug,libp2p_gossipsub=error")
        args = [binary, "run", "--chain", chain, "--datadir", self.dir, "--rpc-port", "0",
                "--p2p-listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns", *extra]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(self.log_path, "w"), env=env)
        for _ in range(6000):
            try:
                addr = open(os.path.join(self.dir, "rpc.addr")).read().strip()
                self.auth = open(os.path.join(self.dir, ".cookie")).read().strip()
                self.url = f"http://{addr}/"
                self.call("getblockcount")
                break
            except Exception:
                time.sleep(0.01)
        else:
            raise RuntimeError(f"{name} did not start; see {self.log_path}")

    def call(self, method, params=None):
        return rpc(self.url, self.auth, method, params)

    def p2p_addr(self):
        info = self.call("getnetworkinfo")
        return info["listen_addresses"][0] + "/p2p/" + info["local_peer_id"]

    def tip_times(self):
        return tip_times(self.log_path, re.compile(r"new tip.*hash=([0-9a-f]{64})"))

    def stop(self):
        stop(self, 30)


class Litecoind:
    def __init__(self, work, name, connect=None):
        self.dir = os.path.join(work, name)
        os.makedirs(self.dir, exist_ok=True)
        self.port, self.rpc_port = free_port(), free_port()
        args = ["litecoind", "-regtest", "-server", "-rpcbind=127.0.0.1", "-rpcallowip=127.0.0.1", "-listen=1",
                "-bind=127.0.0.1", f"-port={self.port}", f"-rpcport={self.rpc_port}", "-dnsseed=0", "-discover=0",
                f"-datadir={self.dir}", "-logtimemicros=1", "-vbparams=mweb:4000000000:4000000001", "-printtoconsole=0",
                "-disablewallet=1", "-fallbackfee=0.0001"]
        if connect:
            args.append(f"-addnode=127.0.0.1:{connect}")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.rpc_port}/"
        for _ in range(6000):
            try:
                self.auth = open(os.path.join(self.dir, "regtest", ".cookie")).read().strip()
                self.call("getblockcount")
                break
            except Exception:
                time.sleep(0.01)
        else:
            raise RuntimeError(f"litecoind {name} did not start")

    def call(self, method, params=None):
        return rpc(self.url, self.auth, method, params)

    def tip_times(self):
        log = os.path.join(self.dir, "regtest", "debug.log")
        return tip_times(log, re.compile(r"UpdateTip: new best=([0-9a-f]{64})"))

    def stop(self):
        stop(self, 60)


def scrypt_dev_spec(work):
    """The dev chain's spec with scrypt proof of work (a different genesis, same rules)."""
    text = open(os.path.join(ROOT, "chainspec", "dev.toml")).read()
    assert '\npow = "sha256d"\n' in text
    text = text.replace('\npow = "sha256d"\n', '\npow = "scrypt"\n', 1).replace('id = "dev"', 'id = "dev-scrypt"', 1)
    path = os.path.join(work, "dev-scrypt.toml")
    with open(path, "w") as f:
        f.write(text)
    return path


def _scrypt_for(seconds):
    header, count, end = bytes(80), 0, time.time() + seconds
    while time.time() < end:
        for _ in range(100):
            header = hashlib.scrypt(header, salt=header, n=1024, r=1, p=1, dklen=32) + header[32:]
        count += 100
    return count


def scrypt_limit(seconds=3.0):
    """Headers per second OpenSSL's scrypt (through Python's hashlib) checks on all
    cores at once: the ceiling of any scrypt chain's sync on this machine."""
    cores = os.cpu_count() or 1
    with multiprocessing.Pool(cores) as pool:
        start = time.time()
        counts = pool.map(_scrypt_for, [seconds] * cores)
        elapsed = time.time() - start
    return {"cores": cores, "headers_per_second": round(sum(counts) / elapsed, 1)}


def measure_sync(first, start_second, blocks, mine):
    mined = 0
    while mined < blocks:
        step = min(1000, blocks - mined)
        mine(first, step)
        mined += step
    second = start_second()
    start = time.time()
    while second.call("getblockcount") < blocks:
        time.sleep(0.02)
    elapsed = time.time() - start
    assert second.call("getbestblockhash") == first.call("getbestblockhash")
    return second, {"blocks": blocks, "seconds": round(elapsed, 2), "blocks_per_second": round(blocks / elapsed, 1)}


def measure_propagation(nodes, count, mine_one):
    tips = []
    for _ in range(count):
        tips.append(mine_one(nodes[0]))
        time.sleep(0.2)
    last = nodes[0].call("getbestblockhash")
    deadline = time.time() + 120
    while any(n.call("getbestblockhash") != last for n in nodes):
        if time.time() > deadline:
            raise RuntimeError("the devnet did not converge")
        time.sleep(0.05)
    time.sleep(0.5)
    logs = [n.tip_times() for n in nodes]
    samples = []
    for tip in tips:
        if all(tip in log for log in logs):
            samples.append(max(log[tip] for log in logs) - logs[0][tip])
    return percentiles(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=5000)
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--propagation", type=int, default=100)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "ventured"))
    parser.add_argument("--skip-litecoin", action="store_true")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="venture-p2p-bench-")
    results = {}
    running = []
    try:
        # ventured: sync, SHA-256d and scrypt
        generate = lambda node, n: node.call("generatetoaddress", [n, DEV_ADDRESS])
        for key, chain in (("ventured_sync", "dev"), ("ventured_sync_scrypt", scrypt_dev_spec(work))):
            a = Ventured(args.bin, work, f"{key}-a", chain=chain)
            running.append(a)
            start_b = lambda: running.append(Ventured(args.bin, work, f"{key}-b", ["--bootnode", a.p2p_addr()], chain)) or running[-1]
            b, results[key] = measure_sync(a, start_b, args.blocks, generate)
            for node in running:
                node.stop()
            running.clear()
        results["scrypt_limit"] = scrypt_limit()
        results["ventured_scrypt_sync_share_of_limit"] = round(
            results["ventured_sync_scrypt"]["blocks_per_second"] / results["scrypt_limit"]["headers_per_second"], 3)
        # ventured: propagation
        seed = Ventured(args.bin, work, "prop-0")
        running.append(seed)
        for i in range(1, args.nodes):
            running.append(Ventured(args.bin, work, f"prop-{i}", ["--bootnode", seed.p2p_addr()]))
        time.sleep(3)
        results["ventured_propagation"] = measure_propagation(running, args.propagation, lambda n: n.call("generatetoaddress", [1, DEV_ADDRESS])[0])
        for node in running:
            node.stop()
        running.clear()

        if not args.skip_litecoin:
            l1 = Litecoind(work, "ltc-sync-a")
            running.append(l1)
            mine_ltc = lambda node, n: node.call("generatetoaddress", [n, LTC_ADDRESS])
            l2, results["litecoind_sync"] = measure_sync(l1, lambda: running.append(Litecoind(work, "ltc-sync-b", l1.port)) or running[-1], args.blocks, mine_ltc)
            for node in running:
                node.stop()
            running.clear()
            seed = Litecoind(work, "ltc-prop-0")
            running.append(seed)
            for i in range(1, args.nodes):
                running.append(Litecoind(work, f"ltc-prop-{i}", seed.port))
            time.sleep(3)
            results["litecoind_propagation"] = measure_propagation(running, args.propagation, lambda n: n.call("generatetoaddress", [1, LTC_ADDRESS])[0])
            for node in running:
                node.stop()
            running.clear()
            results["sync_ratio_ventured_scrypt_over_litecoind"] = round(
                results["ventured_sync_scrypt"]["blocks_per_second"] / results["litecoind_sync"]["blocks_per_second"], 2)
    finally:
        for node in running:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
