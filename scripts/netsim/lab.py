"""Bringing a simulated network up and down: namespaces, veth pairs, relays, nodes.

Every node runs in its own network namespace `vsim-NAME`, joined to the root namespace
by a veth pair (`vsim-hI` on the root side) on its own /30: the root side is
10.87.x.(4i+1), the node 10.87.x.(4i+2). Lab L (`--lab L`, 1 to 9) uses `vsimL-` and
10.(87+L).x.y instead, so that two networks (ventured's and litecoind's) can run side by
side, under the same load. A node has no default route, so the only
address it can reach is its own root-side one, where the relays of the links it dials
listen. A relay forwards to the other node's address in its namespace. Addresses a node
learns from peers (Kademlia, identify, addr) lead nowhere: every connection goes
through a relay, with that link's latency.

`down` stops what the pid files name, then scans for what a crash may have left:
`vsim-` namespaces (and the processes inside them), relays started with `--link vsim-`,
`vsim-` interfaces (each with its lab's prefix). Nothing else is touched.
"""
import base64
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PREFIX = "vsim-"
SUBNET = "10.87"
RELAY_BASE_PORT = 42000
PORTS = {"ventured": {"p2p": 19444, "rpc": 19443}, "litecoind": {"p2p": 19555, "rpc": 19556}}
DEV_ADDRESS = "vdev1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg37qjmne"
# Litecoin regtest P2WPKH of twenty 0x11 bytes.
LTC_ADDRESS = "rltc1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3p937dx"
VENTURED_LOG = "info,venture_chain=debug,libp2p_gossipsub=error"
HRP = {"ventured": "vdev", "litecoind": "rltc"}


def _bech32(hrp, program):
    """A segwit v0 address (BIP 173), to give each miner its own payout."""
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    data, acc, bits = [0], 0, 0
    for byte in program:
        acc, bits = (acc << 8) | byte, bits + 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)

    def polymod(values):
        chk = 1
        for v in values:
            top = chk >> 25
            chk = (chk & 0x1ffffff) << 5 ^ v
            for i, g in enumerate((0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3)):
                chk ^= g if (top >> i) & 1 else 0
        return chk
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    mod = polymod(expanded + data + [0] * 6) ^ 1
    return hrp + "1" + "".join(charset[d] for d in data + [(mod >> 5 * (5 - i)) & 31 for i in range(6)])


def payout(node):
    """Each node its own payout address: two miners on one tip in the same second with
    one address would build the same block, and a race would go unseen."""
    return _bech32(HRP[node["kind"]], bytes([0x11 + node["index"] % 200]) * 20)


def select_lab(number):
    """Work on lab `number` (0 to 9): its own prefix and /16, so labs do not meet."""
    global PREFIX, SUBNET
    if not 0 <= number <= 9:
        sys.exit(f"--lab {number}: a lab is a number from 0 to 9")
    PREFIX = "vsim-" if number == 0 else f"vsim{number}-"
    SUBNET = f"10.{87 + number}"


def addresses(index):
    """(root side, node side) of node `index`'s /30."""
    base = 4 * index
    prefix = f"{SUBNET}.{base >> 8}."
    return prefix + str((base & 255) + 1), prefix + str((base & 255) + 2)


def sh(*args, check=True):
    return subprocess.run(args, check=check, capture_output=True, text=True)


def namespace(name):
    return PREFIX + name


# --- RPC ---------------------------------------------------------------------------

class Rpc:
    def __init__(self, node):
        self.node = node
        self.url = f"http://{node['ip']}:{PORTS[node['kind']]['rpc']}/"

    def auth(self):
        sub = "regtest/.cookie" if self.node["kind"] == "litecoind" else ".cookie"
        with open(os.path.join(self.node["dir"], sub)) as f:
            return base64.b64encode(f.read().strip().encode()).decode()

    def __call__(self, method, *params, timeout=30):
        body = json.dumps({"jsonrpc": "1.0", "id": 1, "method": method, "params": list(params)}).encode()
        request = urllib.request.Request(self.url, body, {"Authorization": "Basic " + self.auth(),
                                                           "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return json.load(reply)["result"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"{self.node['name']} {method}: {e.read().decode(errors='replace')}")


# --- state ---------------------------------------------------------------------------

def state_path(d):
    return os.path.join(d, "state.json")


def load_state(d):
    with open(state_path(d)) as f:
        return json.load(f)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


# --- up --------------------------------------------------------------------------------

def make_spec(d, block_interval_ms):
    """The dev chain's spec with another miner pace; every node runs the same copy."""
    with open(os.path.join(ROOT, "chainspec", "dev.toml")) as f:
        text = f.read()
    line = "block_interval_ms = 1000"
    if line not in text:
        sys.exit("chainspec/dev.toml has no `block_interval_ms = 1000` line to change")
    path = os.path.join(d, "dev-paced.toml")
    with open(path, "w") as f:
        f.write(text.replace(line, f"block_interval_ms = {block_interval_ms}"))
    return path


def create_namespace(index, node):
    host, ns = addresses(index)
    netns, outer, inner = namespace(node["name"]), f"{PREFIX}h{index}", f"{PREFIX}n{index}"
    sh("ip", "netns", "add", netns)
    sh("ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
    sh("ip", "link", "set", inner, "netns", netns)
    sh("ip", "addr", "add", f"{host}/30", "dev", outer)
    sh("ip", "link", "set", outer, "up")
    sh("ip", "-n", netns, "addr", "add", f"{ns}/30", "dev", inner)
    sh("ip", "-n", netns, "link", "set", inner, "up")
    sh("ip", "-n", netns, "link", "set", "lo", "up")


def spawn(argv, log_path, pid_path, env=None):
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
    with open(pid_path, "w") as f:
        f.write(str(proc.pid))
    return proc.pid


def node_argv(node, dials, options):
    """The command starting `node` inside its namespace, dialling `dials` (relay
    addresses as (ip, port))."""
    ip, ports = node["ip"], PORTS[node["kind"]]
    prefix = ["ip", "netns", "exec", namespace(node["name"])]
    if node["kind"] == "litecoind":
        argv = ["litecoind", "-regtest", "-server", "-listen=1", f"-bind={ip}", f"-port={ports['p2p']}",
                f"-rpcbind={ip}", f"-rpcallowip={SUBNET}.0.0/16", f"-rpcport={ports['rpc']}",
                f"-datadir={node['dir']}", "-dnsseed=0", "-discover=0", "-upnp=0", "-listenonion=0",
                "-logtimemicros=1", "-printtoconsole=0", "-disablewallet=1",
                "-vbparams=mweb:4000000000:4000000001"]
        # -connect alone: no automatic outbound connections beyond the links.
        argv += [f"-connect={h}:{p}" for h, p in dials] or ["-connect=0"]
        return prefix + argv
    argv = [options["ventured"], "run", "--chain", options["chain"], "--datadir", node["dir"],
            "--rpc-bind", ip, "--rpc-port", str(ports["rpc"]), "--p2p-listen", f"/ip4/{ip}/tcp/{ports['p2p']}",
            "--no-mdns", "--no-http", "--log", VENTURED_LOG]
    for h, p in dials:
        argv += ["--bootnode", f"/ip4/{h}/tcp/{p}"]
    if options["mine"] and node["miner"]:
        argv += ["--mine", "--mine-address", payout(node)]
    return prefix + argv


def up(topology, d, options):
    if [n for n in list_namespaces()]:
        sys.exit(f"{PREFIX} namespaces exist already (a network is up, or a crashed one): netsim down first")
    os.makedirs(os.path.join(d, "pids"), exist_ok=True)
    os.makedirs(os.path.join(d, "logs"), exist_ok=True)
    if options["block_interval_ms"] is not None:
        options["chain"] = make_spec(d, options["block_interval_ms"])
    nodes = []
    for i, n in enumerate(topology.nodes):
        kind = options["kind"] or n.kind
        host, ip = addresses(i)
        nodes.append({"name": n.name, "kind": kind, "miner": n.miner, "index": i, "host": host, "ip": ip,
                      "dir": os.path.join(d, "nodes", n.name), "log": log_file(d, n.name, kind)})
    by_name = {n["name"]: n for n in nodes}
    links = []
    for k, l in enumerate(topology.links):
        a, b = by_name[l.a], by_name[l.b]
        links.append({"name": f"{PREFIX}{l.a}-{l.b}", "a": l.a, "b": l.b, "listen": [a["host"], RELAY_BASE_PORT + k],
                      "connect": [b["ip"], PORTS[b["kind"]]["p2p"]], "latency_ms": l.latency_ms,
                      "jitter_ms": l.jitter_ms, "loss": l.loss, "bandwidth_kbit": l.bandwidth_kbit})
    state = {"nodes": nodes, "links": links, "options": options, "dir": d, "started": time.time()}
    with open(state_path(d), "w") as f:
        json.dump(state, f, indent=1)
    try:
        for n in nodes:
            create_namespace(n["index"], n)
        for k, l in enumerate(links):
            spawn([sys.executable, os.path.join(HERE, "relay.py"), "--listen", "%s:%d" % tuple(l["listen"]),
                   "--connect", "%s:%d" % tuple(l["connect"]), "--latency-ms", str(l["latency_ms"]),
                   "--jitter-ms", str(l["jitter_ms"]), "--loss", str(l["loss"]),
                   "--bandwidth-kbit", str(l["bandwidth_kbit"]), "--seed", str(k), "--link", l["name"]],
                  os.path.join(d, "logs", l["name"] + ".log"), relay_pid_file(d, l["name"]))
        for n in nodes:
            if n["name"] not in options["hold"]:
                start_node(state, d, n)
        wait_ready(state, d)
        wait_connected(state, options["connect_timeout"])
    except BaseException:
        print("netsim up failed; cleaning up (logs kept in %s)" % d, file=sys.stderr)
        down(d)
        raise
    return state


def start_node(state, d, node):
    os.makedirs(node["dir"], exist_ok=True)
    dials = [tuple(l["listen"]) for l in state["links"] if l["a"] == node["name"]]
    env = dict(os.environ)
    env.pop("RUST_LOG", None)  # --log decides, so that the tip lines are there
    spawn(node_argv(node, dials, state["options"]), os.path.join(d, "logs", node["name"] + ".out"),
          node_pid_file(d, node["name"]), env)


def running(state):
    """The nodes started (all but those `up --hold` kept back and not started since)."""
    return [n for n in state["nodes"] if os.path.exists(node_pid_file(state["dir"], n["name"]))]


def log_file(d, name, kind):
    if kind == "litecoind":
        return os.path.join(d, "nodes", name, "regtest", "debug.log")
    return os.path.join(d, "logs", name + ".out")


def node_pid_file(d, name):
    return os.path.join(d, "pids", f"node-{name}.pid")


def relay_pid_file(d, name):
    return os.path.join(d, "pids", f"relay-{name}.pid")


def wait_ready(state, d, timeout=180):
    deadline = time.time() + timeout
    for n in running(state):
        while True:
            try:
                Rpc(n)("getblockcount", timeout=5)
                break
            except Exception:
                with open(node_pid_file(d, n["name"])) as f:
                    if not pid_alive(int(f.read())):
                        raise RuntimeError(f"node {n['name']} exited; see {d}/logs/{n['name']}.out")
                if time.time() > deadline:
                    raise RuntimeError(f"node {n['name']} did not answer RPC in {timeout} s")
                time.sleep(0.2)


def peer_count(n):
    return Rpc(n)("getconnectioncount", timeout=10)


def link_counts(state, nodes):
    """How many links each of `nodes` has to the others of `nodes`: its peer count when
    every relay between them carries a connection."""
    want = {n["name"]: 0 for n in nodes}
    for l in state["links"]:
        if l["a"] in want and l["b"] in want:
            want[l["a"]] += 1
            want[l["b"]] += 1
    return want


def wait_connected(state, timeout):
    """Until each node has as many peers as links (every relay carries a connection)."""
    nodes = running(state)
    want = link_counts(state, nodes)
    deadline = time.time() + timeout
    while True:
        short = [(n["name"], c, want[n["name"]]) for n in nodes if (c := peer_count(n)) < want[n["name"]]]
        if not short:
            return
        if time.time() > deadline:
            raise RuntimeError("not all links connected: " + ", ".join(f"{x} {c}/{w}" for x, c, w in short[:10]))
        time.sleep(0.5)


# --- down ------------------------------------------------------------------------------

def list_namespaces():
    out = sh("ip", "netns", "list", check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith(PREFIX)]


def stop_pids(pids, grace=15):
    pids = [p for p in pids if pid_alive(p)]
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.time() + grace
    while time.time() < deadline and any(pid_alive(p) for p in pids):
        time.sleep(0.1)
    for p in pids:
        if pid_alive(p):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
    # Reap our own children if we started them in this process.
    for p in pids:
        try:
            os.waitpid(p, os.WNOHANG)
        except ChildProcessError:
            pass


def relay_pids():
    """Relays by their command line: `relay.py ... --link vsim-...`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if any(a.endswith(b"netsim/relay.py") for a in argv) and b"--link" in argv:
            link = argv[argv.index(b"--link") + 1] if argv.index(b"--link") + 1 < len(argv) else b""
            if link.startswith(PREFIX.encode()):
                found.append(int(entry))
    return found


def down(d=None):
    pids = []
    if d and os.path.isdir(os.path.join(d, "pids")):
        for name in os.listdir(os.path.join(d, "pids")):
            try:
                with open(os.path.join(d, "pids", name)) as f:
                    pids.append(int(f.read().strip()))
            except (OSError, ValueError):
                pass
    for netns in list_namespaces():
        pids += [int(p) for p in sh("ip", "netns", "pids", netns, check=False).stdout.split()]
    pids += relay_pids()
    # Recorded pids are only ours while they still run what we started: a pid file
    # left by a crash may name a recycled pid.
    relays = set(relay_pids())
    pids = [p for p in set(pids) if ours(p, d, relays)]
    stop_pids(pids)
    for netns in list_namespaces():
        sh("ip", "netns", "del", netns, check=False)
    out = sh("ip", "-o", "link", "show", check=False).stdout
    for line in out.splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        if name.startswith(PREFIX):
            sh("ip", "link", "del", name, check=False)
    if d and os.path.isdir(os.path.join(d, "pids")):
        for name in os.listdir(os.path.join(d, "pids")):
            os.remove(os.path.join(d, "pids", name))
    return pids


def ours(pid, d, relays):
    """A relay of ours, a process in one of our namespaces, or one running on a data
    directory under `d` (its namespace may be gone already)."""
    if pid in relays:
        return True
    netns = sh("ip", "netns", "identify", str(pid), check=False).stdout.strip()
    if netns.startswith(PREFIX):
        return True
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read()
    except OSError:
        return False
    return bool(d) and os.path.join(os.path.abspath(d), "nodes").encode() in argv


def leftovers():
    """What `down` should have removed: namespaces, interfaces, relays."""
    out = sh("ip", "-o", "link", "show", check=False).stdout
    links = [l.split(":")[1].strip().split("@")[0] for l in out.splitlines()]
    return {"namespaces": list_namespaces(), "interfaces": [l for l in links if l.startswith(PREFIX)],
            "relays": relay_pids()}
