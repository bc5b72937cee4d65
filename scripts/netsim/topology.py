"""Topology files for the network simulator: nodes, links and generators.

A topology is a text file, one statement a line; `#` starts a comment.

    node NAME [kind=ventured|litecoind] [miner]
    link A B [latency_ms=N] [jitter_ms=N] [loss=PERCENT] [bandwidth_kbit=N]
    random PREFIX nodes=N degree=D [miners=K] [kind=...] [seed=S]
           [latency_ms=LO..HI] [jitter_ms=N] [loss=PERCENT] [bandwidth_kbit=N]

`random` adds nodes PREFIX0..PREFIX(N-1), the first K of them miners, joined into a
connected random graph of average degree D (a random ring, then random chords), each
link's latency drawn uniformly from [LO, HI]. A line format rather than TOML, so that
every error can name its line and field.

Link defaults: latency 50 ms, jitter 0, loss 0 %, bandwidth 10 000 kbit/s. A link is
dialled from A to B; which side dials does not matter to the traffic.
"""
import random as _random
import re
from dataclasses import dataclass, field

KINDS = ("ventured", "litecoind")
NAME = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
LINK_DEFAULTS = {"latency_ms": 50.0, "jitter_ms": 0.0, "loss": 0.0, "bandwidth_kbit": 10000.0}


class TopologyError(ValueError):
    """A refused topology: names the file, the line and the field."""

    def __init__(self, where, line, message, field_name=None):
        self.line = line
        self.field = field_name
        prefix = f"{where}:{line}: " + (f"{field_name}: " if field_name else "")
        super().__init__(prefix + message)


@dataclass
class Node:
    name: str
    kind: str = "ventured"
    miner: bool = False
    line: int = 0


@dataclass
class Link:
    a: str
    b: str
    latency_ms: float = LINK_DEFAULTS["latency_ms"]
    jitter_ms: float = LINK_DEFAULTS["jitter_ms"]
    loss: float = LINK_DEFAULTS["loss"]
    bandwidth_kbit: float = LINK_DEFAULTS["bandwidth_kbit"]
    line: int = 0


@dataclass
class Topology:
    nodes: list = field(default_factory=list)
    links: list = field(default_factory=list)

    def node(self, name):
        return next(n for n in self.nodes if n.name == name)

    def to_dict(self):
        return {"nodes": [vars(n) for n in self.nodes], "links": [vars(l) for l in self.links]}


def _number(where, line, key, text):
    try:
        value = float(text)
    except ValueError:
        raise TopologyError(where, line, f"not a number: {text!r}", key)
    if value != value or value in (float("inf"), float("-inf")):
        raise TopologyError(where, line, f"not a finite number: {text!r}", key)
    return value


def _check_link_value(where, line, key, value):
    """The physically impossible values: refused rather than clamped."""
    if key in ("latency_ms", "jitter_ms") and value < 0:
        raise TopologyError(where, line, f"must not be negative (got {value:g})", key)
    if key == "loss" and not 0 <= value <= 100:
        raise TopologyError(where, line, f"is a percentage, 0 to 100 (got {value:g})", key)
    if key == "bandwidth_kbit" and value <= 0:
        raise TopologyError(where, line, f"must be above zero (got {value:g})", key)


def _options(where, line, words, allowed, flags=()):
    """`key=value` words (and bare flags) into a dict; unknown keys are refused."""
    options = {}
    for word in words:
        key, eq, value = word.partition("=")
        if not eq:
            if word in flags:
                options[word] = True
                continue
            raise TopologyError(where, line, f"expected key=value, got {word!r}")
        if key not in allowed:
            raise TopologyError(where, line, f"unknown field (known: {', '.join(allowed + tuple(flags))})", key)
        if key in options:
            raise TopologyError(where, line, "given twice", key)
        options[key] = value
    return options


def _link_values(where, line, options):
    values = {}
    for key in LINK_DEFAULTS:
        if key in options:
            values[key] = _number(where, line, key, options[key])
            _check_link_value(where, line, key, values[key])
    return values


def _kind(where, line, options):
    kind = options.get("kind", "ventured")
    if kind not in KINDS:
        raise TopologyError(where, line, f"must be one of {', '.join(KINDS)} (got {kind!r})", "kind")
    return kind


def _integer(where, line, key, text, minimum):
    try:
        value = int(text)
    except ValueError:
        raise TopologyError(where, line, f"not an integer: {text!r}", key)
    if value < minimum:
        raise TopologyError(where, line, f"must be at least {minimum} (got {value})", key)
    return value


def _random_graph(n, degree, rng):
    """A connected graph on 0..n-1 with about n*degree/2 edges: a random ring
    (connected whatever the draw), then random chords, preferring nodes still below
    the degree."""
    order = list(range(n))
    rng.shuffle(order)
    edges = set()
    if n == 2:
        edges.add((0, 1))
    elif n > 2:
        for i in range(n):
            a, b = order[i], order[(i + 1) % n]
            edges.add((min(a, b), max(a, b)))
    wanted = min(n * (n - 1) // 2, max(len(edges), round(n * degree / 2)))
    degrees = [0] * n
    for a, b in edges:
        degrees[a] += 1
        degrees[b] += 1
    attempts = 0
    while len(edges) < wanted and attempts < 100 * n * n:
        attempts += 1
        low = [i for i in range(n) if degrees[i] < degree] or list(range(n))
        a = rng.choice(low)
        b = rng.choice(low if len(low) > 1 else list(range(n)))
        edge = (min(a, b), max(a, b))
        if a == b or edge in edges:
            continue
        edges.add(edge)
        degrees[a] += 1
        degrees[b] += 1
    return sorted(edges)


def _expand_random(where, line, words, topology):
    if not words:
        raise TopologyError(where, line, "random needs a name prefix", "prefix")
    prefix, words = words[0], words[1:]
    allowed = ("nodes", "degree", "miners", "kind", "seed") + tuple(LINK_DEFAULTS)
    options = _options(where, line, words, allowed)
    for key in ("nodes", "degree"):
        if key not in options:
            raise TopologyError(where, line, "missing", key)
    n = _integer(where, line, "nodes", options["nodes"], 1)
    degree = _integer(where, line, "degree", options["degree"], 1 if n > 1 else 0)
    miners = _integer(where, line, "miners", options.get("miners", "1"), 0)
    if miners > n:
        raise TopologyError(where, line, f"more miners than nodes ({miners} > {n})", "miners")
    seed = _integer(where, line, "seed", options.get("seed", "1"), 0)
    kind = _kind(where, line, options)
    latency = options.pop("latency_ms", None)
    values = _link_values(where, line, options)
    lo = hi = LINK_DEFAULTS["latency_ms"]
    if latency is not None:
        low_text, dots, high_text = latency.partition("..")
        lo = _number(where, line, "latency_ms", low_text)
        hi = _number(where, line, "latency_ms", high_text) if dots else lo
        _check_link_value(where, line, "latency_ms", lo)
        if hi < lo:
            raise TopologyError(where, line, f"range upside down ({lo:g}..{hi:g})", "latency_ms")
    names = [f"{prefix}{i}" for i in range(n)]
    for i, name in enumerate(names):
        topology.nodes.append(Node(name, kind, i < miners, line))
    rng = _random.Random(seed)
    for a, b in _random_graph(n, degree, rng):
        link_values = dict(values, latency_ms=round(rng.uniform(lo, hi), 1))
        topology.links.append(Link(names[a], names[b], line=line, **link_values))


def parse(text, where="<topology>"):
    """A validated Topology, or TopologyError naming the line and field."""
    topology = Topology()
    for number, raw in enumerate(text.splitlines(), 1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        statement, words = words[0], words[1:]
        if statement == "node":
            if not words:
                raise TopologyError(where, number, "node needs a name", "name")
            options = _options(where, number, words[1:], ("kind",), flags=("miner",))
            topology.nodes.append(Node(words[0], _kind(where, number, options), "miner" in options, number))
        elif statement == "link":
            if len(words) < 2 or "=" in words[0] or "=" in words[1]:
                raise TopologyError(where, number, "link needs two node names: link A B ...", "a" if not words else "b")
            options = _options(where, number, words[2:], tuple(LINK_DEFAULTS))
            topology.links.append(Link(words[0], words[1], line=number, **_link_values(where, number, options)))
        elif statement == "random":
            _expand_random(where, number, words, topology)
        else:
            raise TopologyError(where, number, f"unknown statement {statement!r} (node, link, random)")
    _validate(topology, where)
    return topology


def _validate(topology, where):
    seen = {}
    for node in topology.nodes:
        if not NAME.match(node.name):
            raise TopologyError(where, node.line, f"{node.name!r}: letters, digits, - and _, at most 24", "name")
        if node.name in seen:
            raise TopologyError(where, node.line, f"duplicate node {node.name!r} (first on line {seen[node.name]})", "name")
        seen[node.name] = node.line
    if not topology.nodes:
        raise TopologyError(where, 0, "no nodes")
    pairs = {}
    for link in topology.links:
        for side in ("a", "b"):
            name = getattr(link, side)
            if name not in seen:
                raise TopologyError(where, link.line, f"unknown node {name!r}", side)
        if link.a == link.b:
            raise TopologyError(where, link.line, f"a link from {link.a!r} to itself", "b")
        pair = frozenset((link.a, link.b))
        if pair in pairs:
            raise TopologyError(where, link.line, f"{link.a}-{link.b} already linked on line {pairs[pair]}", "b")
        pairs[pair] = link.line
    kinds = {n.name: n.kind for n in topology.nodes}
    for link in topology.links:
        if kinds[link.a] != kinds[link.b]:
            raise TopologyError(where, link.line, f"{link.a} is {kinds[link.a]} and {link.b} {kinds[link.b]}: they cannot peer", "b")


def load(path):
    with open(path) as f:
        return parse(f.read(), path)
