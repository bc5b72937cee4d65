"""Scenarios run on a network that `netsim up` brought up; each writes a results JSON
and an SVG plot.

Block arrival times come from the nodes' own logs, not from polling: ventured logs
`new tip height=H hash=X` (venture_chain at debug) and litecoind `UpdateTip: new
best=X height=H` (with -logtimemicros), both stamped to the microsecond by the same
clock, so a delay is the gap between the miner's line and each node's line. RPC polling
only decides when to mine the next block.
"""
import heapq
import json
import math
import os
import random
import re
import signal
import threading
import time
from datetime import datetime, timezone

import lab
import svg

STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z")
TIP = {"ventured": re.compile(r"new tip height=(\d+) hash=([0-9a-f]{64})"),
       "litecoind": re.compile(r"UpdateTip: new best=([0-9a-f]{64}) height=(\d+)")}
MINED = re.compile(r"mined block height=(\d+) hash=([0-9a-f]{64})")


def stamp(line):
    m = STAMP.match(line)
    if not m:
        return None
    t = datetime.fromisoformat(m.group(1)).replace(tzinfo=timezone.utc).timestamp()
    return t + float(m.group(2) or 0)


def tip_events(node):
    """[(time, height, hash)] each time the node's tip changed, in log order."""
    events = []
    try:
        f = open(node["log"], errors="replace")
    except FileNotFoundError:
        return events
    with f:
        for line in f:
            m = TIP[node["kind"]].search(line)
            if not m:
                continue
            t = stamp(line)
            if node["kind"] == "ventured":
                height, block = int(m.group(1)), m.group(2)
            else:
                block, height = m.group(1), int(m.group(2))
            if t is not None:
                events.append((t, height, block))
    return events


def arrival(events, block, height):
    """When a node had `block`: its tip became it, or (several blocks connected in one
    step log only the last) a tip at least as high, first seen after it."""
    for t, h, b in events:
        if b == block:
            return t
    for t, h, _ in events:
        if h >= height:
            return t
    return None


def shortest_paths(state, source):
    """Each node's least total link latency from `source` (Dijkstra): the floor under
    any propagation time, were blocks to cost nothing to check and relay."""
    import heapq
    best = {source: 0.0}
    queue = [(0.0, source)]
    while queue:
        dist, here = heapq.heappop(queue)
        if dist > best.get(here, float("inf")):
            continue
        for l in state["links"]:
            if here in (l["a"], l["b"]):
                there = l["b"] if here == l["a"] else l["a"]
                if dist + l["latency_ms"] < best.get(there, float("inf")):
                    best[there] = dist + l["latency_ms"]
                    heapq.heappush(queue, (best[there], there))
    return best


def percentile(samples, q):
    """Nearest rank; None when there is nothing to rank."""
    samples = sorted(samples)
    if not samples:
        return None
    return samples[max(0, math.ceil(q * len(samples)) - 1)]


def summary(samples_ms):
    return {f"p{int(q * 100)}": (round(v, 1) if (v := percentile(samples_ms, q)) is not None else None)
            for q in (0.5, 0.95, 0.99)} | {"max": round(max(samples_ms), 1) if samples_ms else None}


def machine():
    """What else the machine was doing: a figure without it means little."""
    return {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()]}


def address(node):
    return lab.payout(node)


def wait_height(nodes, height, timeout):
    """Until every node's height is at least `height`; the laggards if it times out."""
    deadline = time.time() + timeout
    waiting = list(nodes)
    while waiting:
        waiting = [n for n in waiting if lab.Rpc(n)("getblockcount", timeout=10) < height]
        if waiting and time.time() > deadline:
            return waiting
        if waiting:
            time.sleep(0.2)
    return []


def write(out, results):
    with open(out + ".json", "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    print(f"wrote {out}.json and {out}.svg")


# --- 1. propagation --------------------------------------------------------------------

def propagation(state, blocks, gap, timeout, out):
    nodes = lab.running(state)
    miners = [n for n in nodes if n["miner"]] or nodes[:1]
    load_before = machine()
    # A first block leaves initial download everywhere (litecoind relays little before).
    first = miners[0]
    lab.Rpc(first)("generatetoaddress", 1, address(first))
    late = wait_height(nodes, lab.Rpc(first)("getblockcount"), timeout)
    if late:
        raise RuntimeError("warm-up block did not reach " + ", ".join(n["name"] for n in late))
    mined = []
    for b in range(blocks):
        miner = miners[b % len(miners)]
        rpc = lab.Rpc(miner)
        block = rpc("generatetoaddress", 1, address(miner))[0]
        height = rpc("getblockcount")
        late = wait_height(nodes, height, timeout)
        mined.append({"miner": miner["name"], "hash": block, "height": height,
                      "late": [n["name"] for n in late]})
        print(f"block {b + 1}/{blocks} at height {height} from {miner['name']}"
              + (f": {len(late)} node(s) without it after {timeout} s" if late else ""), flush=True)
        time.sleep(gap)
    time.sleep(1)  # the last log lines written
    events = {n["name"]: tip_events(n) for n in nodes}
    per_node_ms, to90, to100, per_block = [], [], [], []
    everyone = True
    for m in mined:
        t0 = arrival(events[m["miner"]], m["hash"], m["height"])
        delays = {}
        for n in nodes:
            t = arrival(events[n["name"]], m["hash"], m["height"])
            delays[n["name"]] = None if t is None or t0 is None else round(max(0.0, t - t0) * 1000, 2)
        reached = sorted(v for v in delays.values() if v is not None)
        missing = len(nodes) - len(reached)
        everyone &= missing == 0
        need90 = math.ceil(0.9 * len(nodes))
        t90 = reached[need90 - 1] if len(reached) >= need90 else None
        t100 = reached[-1] if not missing else None
        if t90 is not None:
            to90.append(t90)
        if t100 is not None:
            to100.append(t100)
        per_node_ms += [v for k, v in delays.items() if v is not None and k != m["miner"]]
        floor = shortest_paths(state, m["miner"])
        per_block.append(dict(m, to_90pct_ms=t90, to_100pct_ms=t100, missing=missing,
                              latency_floor_100pct_ms=round(max(floor.values()), 1), delays_ms=delays))
    results = {
        "scenario": "propagation", "kind": nodes[0]["kind"], "nodes": len(nodes), "links": len(state["links"]),
        "miners": [n["name"] for n in miners], "blocks": blocks, "every_node_got_every_block": everyone,
        "time_to_90pct_ms": summary(to90), "time_to_100pct_ms": summary(to100),
        "per_node_arrival_ms": summary(per_node_ms),
        "latency_floor_100pct_ms": summary([b["latency_floor_100pct_ms"] for b in per_block]),
        "machine_before": load_before, "machine_after": machine(),
        "per_block": per_block,
    }
    write(out, results)
    plot_propagation(out + ".svg", [results])
    return results


def plot_propagation(path, runs):
    """CDFs of the time to 100 % of nodes (and, for one run, to 90 % and per node),
    one run beside another: ventured and litecoind through the same links."""
    series = []
    for r in runs:
        samples = [b["to_100pct_ms"] for b in r["per_block"] if b["to_100pct_ms"] is not None]
        series.append((f"{r['kind']}: all {r['nodes']} nodes", svg.cdf(samples)))
        s90 = [b["to_90pct_ms"] for b in r["per_block"] if b["to_90pct_ms"] is not None]
        series.append((f"{r['kind']}: 90 % of nodes", svg.cdf(s90)))
        if len(runs) == 1:
            each = [v for b in r["per_block"] for k, v in b["delays_ms"].items() if v is not None and k != b["miner"]]
            series.append((f"{r['kind']}: each node", svg.cdf(each)))
    title = "Block propagation: " + ", ".join(f"{r['kind']} {r['nodes']} nodes, {r['blocks']} blocks" for r in runs)
    svg.plot(path, title, "milliseconds after the miner", "% of blocks (or block arrivals)", series,
             y_max=100, steps=True)


# --- 2. stale rate ---------------------------------------------------------------------

def mined_blocks(node):
    """[(time, height, hash)] the node's own miner found and connected."""
    found = []
    with open(node["log"], errors="replace") as f:
        for line in f:
            m = MINED.search(line)
            if m and (t := stamp(line)) is not None:
                found.append((t, int(m.group(1)), m.group(2)))
    return found


class PoissonMiner:
    """Blocks at exponential intervals (mean `mean_s`), each on a miner drawn at random
    with `generatetoaddress 1`: memoryless like real mining, whatever the nodes see.
    Each block in its own thread, so a slow RPC does not shift the schedule."""

    def __init__(self, miners, mean_s, seed=1):
        self.miners, self.mean_s, self.rng = miners, mean_s, random.Random(seed)
        self.found, self.errors, self.threads = [], [], []
        self.stopped = threading.Event()
        # Miners stopped by the churn scenario: their share of the work is lost while
        # they are down, as a real miner's is.
        self.down, self.skipped = set(), 0

    def mine(self, node):
        try:
            block = lab.Rpc(node)("generatetoaddress", 1, address(node), timeout=60)[0]
            self.found.append({"miner": node["name"], "hash": block, "time": round(time.time(), 3)})
        except Exception as e:  # counted, not fatal: the run goes on
            self.errors.append(f"{node['name']}: {e}")

    def run(self):
        while not self.stopped.wait(self.rng.expovariate(1 / self.mean_s)):
            miner = self.rng.choice(self.miners)
            if miner["name"] in self.down:
                self.skipped += 1
                continue
            thread = threading.Thread(target=self.mine, args=(miner,))
            thread.start()
            self.threads.append(thread)

    def stop(self):
        self.stopped.set()
        for thread in self.threads:
            thread.join()


def start_poisson(nodes, miners, mean_s):
    """A running PoissonMiner, once one first block has reached every node (litecoind
    leaves initial download with it, and relays every block after)."""
    lab.Rpc(miners[0])("generatetoaddress", 1, address(miners[0]))
    if wait_height(nodes, lab.Rpc(miners[0])("getblockcount"), 120):
        raise RuntimeError("the first block did not reach every node")
    driver = PoissonMiner(miners, mean_s)
    threading.Thread(target=driver.run, daemon=True).start()
    return driver


def race_gaps(found, stale):
    """Each stale block with the seconds to the nearest other block mined: a block loses
    a race when another is found within about the time it takes to propagate."""
    out = []
    for b in stale:
        gaps = [abs(b["time"] - o["time"]) for o in found if o is not b and "time" in o]
        out.append(dict(b, race_gap_s=round(min(gaps), 3) if gaps else None))
    return out


def settle(nodes, timeout):
    """Until every node has the same tip; whether they got there."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if len({lab.Rpc(n)("getbestblockhash") for n in nodes}) == 1:
            return True
        time.sleep(0.5)
    return False


def stale_rate(state, minutes, out, poisson=None):
    nodes = lab.running(state)
    miners = [n for n in nodes if n["miner"]] or nodes[:1]
    paced = state["options"].get("mine")
    if poisson and paced:
        raise SystemExit("--poisson drives the miners itself: bring the network up without --mine")
    if not poisson and (not paced or nodes[0]["kind"] != "ventured"):
        raise SystemExit("stale-rate needs ventured nodes brought up with --mine, or --poisson SECONDS")
    if poisson:
        driver = start_poisson(nodes, miners, poisson)
    start = time.time()
    start_height = max(lab.Rpc(n)("getblockcount") for n in nodes)
    heights = []
    while time.time() < start + minutes * 60:
        time.sleep(max(0.0, min(10, start + minutes * 60 - time.time())))
        heights.append((round(time.time() - start, 1), max(lab.Rpc(n)("getblockcount") for n in nodes)))
        print(f"{heights[-1][0]:.0f} s: height {heights[-1][1]}", flush=True)
    end = time.time()
    agreed = None
    if poisson:
        # Mining stops, so every block can be judged once the nodes agree.
        driver.stop()
        agreed = settle(nodes, 120)
    best = max(nodes, key=lambda n: lab.Rpc(n)("getblockcount"))
    rpc = lab.Rpc(best)
    top = rpc("getblockcount")
    # With paced miners still running, blocks near the top may be racing: judge only
    # those two below it.
    judged_top = top if poisson else top - 2
    chain = {rpc("getblockhash", h) for h in range(start_height + 1, judged_top + 1)}
    found = []
    if poisson:
        found = [dict(b) for b in driver.found]
    else:
        for n in miners:
            found += [{"miner": n["name"], "height": h, "hash": block} for t, h, block in mined_blocks(n)
                      if start <= t <= end and start_height < h <= judged_top]
    stale = [b for b in found if b["hash"] not in chain]
    tips = {lab.Rpc(n)("getbestblockhash") for n in nodes}
    results = {
        "scenario": "stale-rate", "kind": nodes[0]["kind"], "nodes": len(nodes), "miners": len(miners),
        "minutes": minutes, "mining": f"poisson, mean {poisson} s" if poisson else
        f"paced, {state['options'].get('block_interval_ms') or 1000} ms + up to as much again",
        "blocks_on_chain": len(chain), "blocks_mined": len(found), "stale": len(stale),
        "stale_rate": round(len(stale) / len(found), 4) if found else None,
        "seconds_per_block": round((end - start) / max(1, top - start_height), 2),
        "nodes_agree_at_end": len(tips) == 1, "settled": agreed,
        "rpc_errors": driver.errors if poisson else [], "machine": machine(),
        "stale_blocks": race_gaps(found, stale) if poisson else stale,
        "heights": heights,
    }
    write(out, results)
    svg.plot(out + ".svg", f"Height under {len(miners)} miners ({len(stale)} stale of {len(found)})",
             "seconds", "best height", [("best height", [(0, start_height)] + heights)], legend_top_left=True)
    return results


# --- 3. partition ----------------------------------------------------------------------

def signal_relays(state, d, links, sig):
    for l in links:
        with open(lab.relay_pid_file(d, l["name"])) as f:
            os.kill(int(f.read()), sig)


def chain_hashes(node, low, high):
    rpc = lab.Rpc(node)
    return {h: rpc("getblockhash", h) for h in range(max(0, low), high + 1)}


def partition(state, d, seconds, timeout, out):
    nodes = lab.running(state)
    if not state["options"].get("mine") or nodes[0]["kind"] != "ventured":
        raise SystemExit("partition needs ventured nodes brought up with --mine")
    half = {n["name"]: (0 if n["index"] < len(nodes) / 2 else 1) for n in nodes}
    sides = [[n for n in nodes if half[n["name"]] == s] for s in (0, 1)]
    if not all(any(n["miner"] for n in side) for side in sides):
        raise SystemExit("each half (first and second half of the nodes, in file order) needs a miner")
    crossing = [l for l in state["links"] if half[l["a"]] != half[l["b"]]]
    samples = []  # (seconds since the cut, height of half 0, of half 1, distinct tips)

    def sample(t0):
        tips = [(lab.Rpc(n)("getblockcount"), lab.Rpc(n)("getbestblockhash")) for n in nodes]
        heights = [max(h for (h, _), n in zip(tips, nodes) if half[n["name"]] == s) for s in (0, 1)]
        samples.append((round(time.time() - t0, 2), heights[0], heights[1], len({t for _, t in tips})))
        return tips

    split_height = max(lab.Rpc(n)("getblockcount") for n in nodes)
    cut = time.time()
    signal_relays(state, d, crossing, signal.SIGUSR1)
    print(f"cut {len(crossing)} link(s) at height {split_height}; waiting {seconds} s", flush=True)
    while time.time() < cut + seconds:
        sample(cut)
        time.sleep(1)
    before = []
    for side in sides:
        top = max(side, key=lambda n: lab.Rpc(n)("getblockcount"))
        height = lab.Rpc(top)("getblockcount")
        before.append({"node": top["name"], "height": height,
                       "hashes": chain_hashes(top, split_height - 1, height)})
    heal = time.time()
    signal_relays(state, d, crossing, signal.SIGUSR2)
    print(f"healed; heights {before[0]['height']} and {before[1]['height']}", flush=True)
    heavier = 0 if before[0]["height"] >= before[1]["height"] else 1
    lighter = 1 - heavier
    converged = None
    while time.time() < heal + timeout:
        tips = sample(cut)
        if len({t for _, t in tips}) == 1 and min(h for h, _ in tips) >= before[heavier]["height"]:
            converged = time.time() - heal
            break
        time.sleep(0.2)
    final = chain_hashes(nodes[0], split_height - 1, before[heavier]["height"])
    heavier_won = final.get(before[heavier]["height"]) == before[heavier]["hashes"][before[heavier]["height"]]
    lost = before[lighter]["hashes"]
    fork = max((h for h, b in lost.items() if final.get(h) == b), default=split_height - 1)
    results = {
        "scenario": "partition", "nodes": len(nodes), "cut_links": len(crossing), "seconds": seconds,
        "split_height": split_height,
        "halves_before_heal": [{"node": b["node"], "height": b["height"], "tip": b["hashes"][b["height"]]}
                               for b in before],
        "tie": before[0]["height"] == before[1]["height"],
        "converged_after_s": round(converged, 2) if converged is not None else None,
        "heavier_branch_won": heavier_won, "reorg_depth": before[lighter]["height"] - fork,
        "fork_height": fork, "machine": machine(), "samples": samples,
    }
    write(out, results)
    svg.plot(out + ".svg", f"Partition of {seconds:g} s, healed at the dashed line's time",
             "seconds since the cut", "best height / distinct tips",
             [("half 0 best height", [(t, a) for t, a, _, _ in samples]),
              ("half 1 best height", [(t, b) for t, _, b, _ in samples]),
              ("distinct tips", [(t, k) for t, _, _, k in samples])], marks=[heal - cut],
             legend_top_left=True)
    return results


# --- 4. churn --------------------------------------------------------------------------

def best_height(nodes, skip):
    """The highest height among the nodes not in `skip` that answer."""
    heights = []
    for n in nodes:
        if n["name"] not in skip:
            try:
                heights.append(lab.Rpc(n)("getblockcount", timeout=5))
            except Exception:
                pass
    return max(heights, default=0)


def churn(state, d, minutes, mean_s, share, out, seed=2):
    """Poisson mining for `minutes` while `share` of the nodes, drawn at random, are each
    stopped once (SIGTERM, as an operator's restart), kept down 5–30 s and started again
    on their data directory. Each restart: blocks missed, seconds until the node answers
    RPC, has all its links back and has caught up with the network's best height of the
    moment it came back. Then mining stops and every node must agree on one tip."""
    nodes = lab.running(state)
    if state["options"].get("mine"):
        raise SystemExit("churn drives the miners itself: bring the network up without --mine")
    if len(nodes) != len(state["nodes"]):
        raise SystemExit("churn needs every node running (no --hold)")
    miners = [n for n in nodes if n["miner"]] or nodes[:1]
    rng = random.Random(seed)
    victims = rng.sample(nodes, max(1, round(share * len(nodes))))
    links = lab.link_counts(state, nodes)
    run_s = minutes * 60
    # Restarts spread over the first 70 % of the run, one per slot, so that the last
    # node is back well before mining stops.
    slot = 0.7 * run_s / len(victims)
    plan = [(victim, (i + rng.random() * 0.5) * slot, rng.uniform(5, 30)) for i, victim in enumerate(victims)]
    stopped, restarts, lags = set(), [], {}
    driver = start_poisson(nodes, miners, mean_s)
    start = time.time()
    start_height = best_height(nodes, ())

    def restart(node, at, down_for):
        name = node["name"]
        time.sleep(max(0.0, start + at - time.time()))
        record = {"node": name, "miner": node["miner"], "stopped_at_s": round(time.time() - start, 1),
                  "down_s": round(down_for, 1), "height_at_stop": best_height([node], ())}
        stopped.add(name)
        if node["miner"]:
            driver.down.add(name)
        with open(lab.node_pid_file(d, name)) as f:
            lab.stop_pids([int(f.read())])
        time.sleep(down_for)
        lab.start_node(state, d, node)
        began = time.time()
        lag = lags.setdefault(name, [])
        target = caught = peers_back = None
        while time.time() < began + 240 and (caught is None or peers_back is None):
            try:
                height = lab.Rpc(node)("getblockcount", timeout=5)
                peers = lab.peer_count(node)
            except Exception:
                time.sleep(0.2)
                continue
            now = time.time() - began
            if target is None:
                record["rpc_after_s"] = round(now, 2)
                target = best_height(nodes, stopped)
                record["behind_blocks"] = target - height
                if node["miner"]:
                    driver.down.discard(name)  # mining again once it answers
            lag.append((round(time.time() - start, 1), max(0, best_height(nodes, stopped) - height)))
            if caught is None and height >= target:
                caught = now
            if peers_back is None and peers >= links[name]:
                peers_back = now
            time.sleep(0.5)
        stopped.discard(name)
        driver.down.discard(name)
        record["caught_up_s"] = round(caught, 2) if caught is not None else None
        record["links_back_s"] = round(peers_back, 2) if peers_back is not None else None
        restarts.append(record)
        print(f"{name}: down {down_for:.0f} s, {record.get('behind_blocks')} behind, caught up after "
              f"{record['caught_up_s']} s, links back after {record['links_back_s']} s", flush=True)

    threads = [threading.Thread(target=restart, args=p, daemon=True) for p in plan]
    for t in threads:
        t.start()
    heights = []
    while time.time() < start + run_s:
        time.sleep(max(0.0, min(10, start + run_s - time.time())))
        heights.append((round(time.time() - start, 1), best_height(nodes, stopped)))
        print(f"{heights[-1][0]:.0f} s: height {heights[-1][1]}, down: {sorted(stopped) or '-'}", flush=True)
    for t in threads:
        t.join()
    end = time.time()
    driver.stop()
    stopping = time.time()
    agreed = settle(nodes, 180)
    rpc = lab.Rpc(nodes[0])
    top = rpc("getblockcount")
    chain = {rpc("getblockhash", h) for h in range(start_height + 1, top + 1)}
    stale = [b for b in driver.found if b["hash"] not in chain]
    restarts.sort(key=lambda r: r["stopped_at_s"])
    done = [r for r in restarts if r["caught_up_s"] is not None]
    results = {
        "scenario": "churn", "kind": nodes[0]["kind"], "nodes": len(nodes), "miners": len(miners),
        "minutes": minutes, "mining": f"poisson, mean {mean_s} s", "restarted": len(restarts),
        "every_restart_caught_up": len(done) == len(restarts),
        "caught_up_s": summary([r["caught_up_s"] for r in done]),
        "links_back_s": summary([r["links_back_s"] for r in restarts if r["links_back_s"] is not None]),
        "blocks_mined": len(driver.found), "blocks_not_mined_miner_down": driver.skipped,
        "stale": len(stale), "stale_rate": round(len(stale) / len(driver.found), 4) if driver.found else None,
        "settled": agreed, "settled_after_s": round(time.time() - stopping, 1) if agreed else None,
        "seconds_per_block": round((end - start) / max(1, top - start_height), 2),
        "rpc_errors": driver.errors, "machine": machine(), "restarts": restarts,
        "stale_blocks": race_gaps(driver.found, stale),
        "heights": heights,
    }
    write(out, results)
    svg.plot(out + ".svg", f"Churn: {len(restarts)} of {len(nodes)} nodes restarted while mining",
             "seconds since mining began", "blocks behind the others, after its restart",
             [(name, points) for name, points in sorted(lags.items())], x_max=run_s, legend_top_left=True)
    return results


# --- 5. late joiner --------------------------------------------------------------------

def late_joiner(state, d, name, blocks, timeout, out):
    """Mines `blocks` on the running network, then starts the node `up --hold NAME`
    kept back and times its sync through its links."""
    nodes = lab.running(state)
    joiner = next((n for n in state["nodes"] if n["name"] == name), None)
    if joiner is None or joiner in nodes:
        raise SystemExit(f"{name} must be a node that `up --hold {name}` kept back")
    source = next((n for n in nodes if n["miner"]), nodes[0])
    rpc = lab.Rpc(source)
    # One block first, everywhere: litecoind in initial download fetches blocks only
    # from its outbound peers, and the miner may be an inbound one.
    rpc("generatetoaddress", 1, address(source))
    late = wait_height(nodes, rpc("getblockcount"), timeout)
    if late:
        raise RuntimeError("the first block did not reach " + ", ".join(n["name"] for n in late))
    while rpc("getblockcount") < blocks:
        rpc("generatetoaddress", min(500, blocks - rpc("getblockcount")), address(source), timeout=600)
    target = rpc("getblockcount")
    late = wait_height(nodes, target, timeout)
    if late:
        raise RuntimeError("the network did not reach the height: " + ", ".join(n["name"] for n in late))
    lab.start_node(state, d, joiner)
    lab.wait_ready(state, d)
    start = time.time()
    samples = [(0.0, 0)]
    while samples[-1][1] < target:
        if time.time() > start + timeout:
            break
        time.sleep(0.2)
        try:
            height = lab.Rpc(joiner)("getblockcount", timeout=10)
        except OSError:
            continue  # busy connecting blocks (litecoind holds its lock meanwhile)
        samples.append((round(time.time() - start, 2), height))
    elapsed = samples[-1][0]
    links = [l for l in state["links"] if name in (l["a"], l["b"])]
    results = {
        "scenario": "late-joiner", "node": name, "blocks": target, "synced": samples[-1][1] >= target,
        "seconds": elapsed, "blocks_per_second": round(samples[-1][1] / elapsed, 1) if elapsed else None,
        "links": [{k: l[k] for k in ("a", "b", "latency_ms", "jitter_ms", "loss", "bandwidth_kbit")} for l in links],
        "machine": machine(), "samples": samples,
    }
    write(out, results)
    svg.plot(out + ".svg", f"{name} joins late and syncs {target} blocks", "seconds after its RPC answered",
             "height", [(name, samples)], legend_top_left=True)
    return results
