#!/usr/bin/env python3
"""Prometheus scrape time: a dev node with N blocks, S scrapes of /metrics spaced by
--interval seconds, wall time per scrape as the client sees it (p50, p95, max), and
the size of the answer. The node reads its values at most every 0.5 s (closer scrapes
get the values already read), so the default spacing of 0.6 s times full reads.

Usage: scripts/bench/metrics.py [--blocks 2000] [--scrapes 50] [--interval 0.6]
       [--bin target/release/ventured]
"""
import argparse, base64, json, os, subprocess, sys, tempfile, time, urllib.request

from nodefiles import wait_for

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEV_ADDRESS = "vdev1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg37qjmne"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=2000)
    parser.add_argument("--scrapes", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.6)
    parser.add_argument("--bin", default=os.path.join(ROOT, "target/release/ventured"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as datadir:
        node = subprocess.Popen(
            [args.bin, "run", "--chain", "dev", "--datadir", datadir, "--rpc-port", "0",
             "--p2p-listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns", "--metrics", "127.0.0.1:0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            rpc_addr = wait_for(os.path.join(datadir, "rpc.addr"))
            cookie = wait_for(os.path.join(datadir, ".cookie"))
            metrics_url = f"http://{wait_for(os.path.join(datadir, 'metrics.addr'))}/metrics"
            auth = "Basic " + base64.b64encode(cookie.encode()).decode()
            body = json.dumps({"method": "generatetoaddress", "params": [args.blocks, DEV_ADDRESS], "id": 1}).encode()
            urllib.request.urlopen(urllib.request.Request(f"http://{rpc_addr}", body, {"Authorization": auth}), timeout=3600).read()
            samples, size = [], 0
            for _ in range(args.scrapes):
                time.sleep(args.interval)
                start = time.perf_counter()
                size = len(urllib.request.urlopen(metrics_url, timeout=60).read())
                samples.append(time.perf_counter() - start)
            samples.sort()
            pick = lambda q: round(samples[min(len(samples) - 1, int(q * len(samples)))] * 1000, 2)
            print(json.dumps({"blocks": args.blocks, "scrapes": args.scrapes, "interval_s": args.interval, "p50_ms": pick(0.5),
                              "p95_ms": pick(0.95), "max_ms": round(samples[-1] * 1000, 2), "bytes": size}))
        finally:
            node.terminate()
            node.wait()


if __name__ == "__main__":
    main()
