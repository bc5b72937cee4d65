"""Unit tests of the topology parser and the labs' address plan: python3 -m unittest
(from scripts/netsim)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lab  # noqa: E402
from topology import TopologyError, parse  # noqa: E402


class Accepted(unittest.TestCase):
    def test_nodes_and_links(self):
        t = parse("""
            # two miners and a relay node
            node a miner
            node b kind=ventured
            node c
            link a b latency_ms=20 jitter_ms=5 loss=1.5 bandwidth_kbit=5000
            link b c   # defaults
        """)
        self.assertEqual([n.name for n in t.nodes], ["a", "b", "c"])
        self.assertTrue(t.node("a").miner and not t.node("b").miner)
        first, second = t.links
        self.assertEqual((first.latency_ms, first.jitter_ms, first.loss, first.bandwidth_kbit), (20, 5, 1.5, 5000))
        self.assertEqual((second.latency_ms, second.loss), (50, 0))

    def test_random_graph_is_connected_with_the_degree_asked(self):
        t = parse("random n nodes=50 degree=4 miners=5 latency_ms=20..150 seed=7")
        self.assertEqual(len(t.nodes), 50)
        self.assertEqual(sum(n.miner for n in t.nodes), 5)
        self.assertEqual(len(t.links), 100)
        self.assertTrue(all(20 <= l.latency_ms <= 150 for l in t.links))
        reached, frontier = {"n0"}, ["n0"]
        while frontier:
            here = frontier.pop()
            for l in t.links:
                for x, y in ((l.a, l.b), (l.b, l.a)):
                    if x == here and y not in reached:
                        reached.add(y)
                        frontier.append(y)
        self.assertEqual(len(reached), 50)

    def test_random_graph_is_reproducible(self):
        text = "random n nodes=20 degree=3 seed=3 latency_ms=10..90"
        self.assertEqual(parse(text).to_dict(), parse(text).to_dict())

    def test_litecoind_nodes(self):
        t = parse("random l nodes=3 degree=2 kind=litecoind")
        self.assertEqual({n.kind for n in t.nodes}, {"litecoind"})


class Refused(unittest.TestCase):
    def refused(self, text, line, field):
        with self.assertRaises(TopologyError) as caught:
            parse(text, "t.topo")
        self.assertEqual((caught.exception.line, caught.exception.field), (line, field), str(caught.exception))
        self.assertIn(f"t.topo:{line}:", str(caught.exception))
        return str(caught.exception)

    def test_unknown_node_in_a_link(self):
        message = self.refused("node a\nnode b\nlink a c\n", 3, "b")
        self.assertIn("unknown node 'c'", message)

    def test_link_to_itself(self):
        self.refused("node a\nlink a a\n", 2, "b")

    def test_negative_latency(self):
        self.refused("node a\nnode b\n\nlink a b latency_ms=-5\n", 4, "latency_ms")

    def test_negative_jitter(self):
        self.refused("node a\nnode b\nlink a b jitter_ms=-1\n", 3, "jitter_ms")

    def test_loss_above_100(self):
        self.refused("node a\nnode b\nlink a b loss=101\n", 3, "loss")

    def test_zero_bandwidth(self):
        self.refused("node a\nnode b\nlink a b bandwidth_kbit=0\n", 3, "bandwidth_kbit")

    def test_not_a_number(self):
        self.refused("node a\nnode b\nlink a b latency_ms=fast\n", 3, "latency_ms")

    def test_duplicate_names(self):
        message = self.refused("node a\nnode b\nnode a\n", 3, "name")
        self.assertIn("first on line 1", message)

    def test_duplicate_from_a_generator(self):
        self.refused("node n1\nrandom n nodes=3 degree=2\n", 2, "name")

    def test_duplicate_link(self):
        self.refused("node a\nnode b\nlink a b\nlink b a\n", 4, "b")

    def test_unknown_kind(self):
        self.refused("node a kind=bitcoind\n", 1, "kind")

    def test_unknown_field(self):
        self.refused("node a\nnode b\nlink a b latency=5\n", 3, "latency")

    def test_mixed_kinds_cannot_peer(self):
        self.refused("node a\nnode b kind=litecoind\nlink a b\n", 3, "b")

    def test_generator_without_degree(self):
        self.refused("random n nodes=5\n", 1, "degree")

    def test_generator_range_upside_down(self):
        self.refused("random n nodes=5 degree=2 latency_ms=90..10\n", 1, "latency_ms")

    def test_generator_more_miners_than_nodes(self):
        self.refused("random n nodes=2 degree=1 miners=3\n", 1, "miners")

    def test_bad_name(self):
        self.refused("node a/b\n", 1, "name")


class Labs(unittest.TestCase):
    """Two labs side by side share no name and no address."""

    def tearDown(self):
        lab.select_lab(0)

    def test_labs_do_not_meet(self):
        lab.select_lab(0)
        first = (lab.namespace("a"), lab.addresses(0), lab.addresses(63))
        lab.select_lab(1)
        second = (lab.namespace("a"), lab.addresses(0), lab.addresses(63))
        self.assertEqual(first, ("vsim-a", ("10.87.0.1", "10.87.0.2"), ("10.87.0.253", "10.87.0.254")))
        self.assertEqual(second, ("vsim1-a", ("10.88.0.1", "10.88.0.2"), ("10.88.0.253", "10.88.0.254")))
        # Neither prefix starts the other, so one lab's `down` leaves the other alone.
        self.assertFalse("vsim1-a".startswith("vsim-") or "vsim-a".startswith("vsim1-"))

    def test_lab_out_of_range(self):
        with self.assertRaises(SystemExit):
            lab.select_lab(10)


if __name__ == "__main__":
    unittest.main()
