#!/usr/bin/env python3
"""One simulated link: a TCP relay that forwards a node-to-node connection with the
link's latency, jitter, bandwidth and loss.

    relay.py --listen IP:PORT --connect IP:PORT [--latency-ms 50] [--jitter-ms 0]
             [--loss 0] [--bandwidth-kbit 10000] [--seed N] --link NAME

Each chunk read from one side is delivered to the other at

    departure = max(now, wire free) + size / bandwidth      (the wire is busy meanwhile)
    delivery  = departure + latency ± uniform jitter  (+ RTO on a lost chunk)

and never before the chunk ahead of it, so a stream stays in order, as TCP keeps it.
Bandwidth and latency compose: a burst queues behind the wire, then each chunk flies
for the latency. Each direction has its own wire, shared by the link's connections.

Loss: the nodes speak TCP, so a lost segment is not lost data but a retransmission.
A lost chunk is delivered one retransmission timeout (200 ms, Linux's minimum RTO)
late, and the chunks behind it wait for it (head-of-line blocking).

SIGUSR1 cuts the link (connections reset, new ones refused), SIGUSR2 heals it.
"""
import argparse
import asyncio
import collections
import random
import signal
import sys
import time

RTO = 0.200
CHUNK = 16 * 1024
# Bytes a direction may hold before it stops reading: TCP's window, roughly.
MAX_QUEUED = 4 * 1024 * 1024


class Wire:
    """One direction of the link: when it is next free to send."""

    def __init__(self, args, rng):
        self.args, self.rng = args, rng
        self.free_at = 0.0

    def delivery(self, size, now):
        start = max(now, self.free_at)
        self.free_at = start + size * 8 / (self.args.bandwidth_kbit * 1000)
        jitter = self.rng.uniform(-self.args.jitter_ms, self.args.jitter_ms)
        at = self.free_at + max(0.0, self.args.latency_ms + jitter) / 1000
        if self.args.loss and self.rng.random() * 100 < self.args.loss:
            at += RTO
        return at


async def pump(reader, writer, wire):
    """Copies one direction through a timed queue."""
    loop = asyncio.get_running_loop()
    queue = collections.deque()
    queued = 0
    ready = asyncio.Event()
    room = asyncio.Event()
    room.set()
    done = False

    async def read():
        nonlocal queued, done
        last = 0.0
        try:
            while True:
                await room.wait()
                data = await reader.read(CHUNK)
                if not data:
                    break
                last = max(last, wire.delivery(len(data), loop.time()))
                queue.append((last, data))
                queued += len(data)
                if queued > MAX_QUEUED:
                    room.clear()
                ready.set()
        finally:
            done = True
            ready.set()

    async def write():
        nonlocal queued
        while True:
            if not queue:
                if done:
                    break
                ready.clear()
                await ready.wait()
                continue
            at, data = queue[0]
            delay = at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            queue.popleft()
            queued -= len(data)
            if queued <= MAX_QUEUED:
                room.set()
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()

    await asyncio.gather(read(), write())


class Link:
    def __init__(self, args):
        self.args = args
        rng = random.Random(args.seed)
        self.wires = (Wire(args, rng), Wire(args, rng))
        self.server = None
        self.connections = set()

    async def serve(self, reader, writer):
        host, port = self.args.connect.rsplit(":", 1)
        try:
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
        except OSError as e:
            print(f"{self.args.link}: cannot reach {self.args.connect}: {e}", flush=True)
            writer.transport.abort()
            return
        pair = (writer, up_writer)
        self.connections.add(pair)
        # When a link carried a connection tells why a network took long to converge.
        print(f"{time.strftime('%H:%M:%S')} {self.args.link}: connection", flush=True)
        try:
            await asyncio.gather(pump(reader, up_writer, self.wires[0]), pump(up_reader, writer, self.wires[1]))
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            self.connections.discard(pair)
            for w in pair:
                w.transport.abort()

    async def listen(self):
        host, port = self.args.listen.rsplit(":", 1)
        self.server = await asyncio.start_server(self.serve, host, int(port), reuse_address=True)

    def cut(self):
        if self.server:
            self.server.close()
            self.server = None
        for pair in list(self.connections):
            for w in pair:
                w.transport.abort()
        print(f"{time.strftime('%H:%M:%S')} {self.args.link}: cut", flush=True)

    async def heal(self):
        if not self.server:
            await self.listen()
        print(f"{time.strftime('%H:%M:%S')} {self.args.link}: healed", flush=True)


async def main(args):
    link = Link(args)
    await link.listen()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGUSR1, link.cut)
    loop.add_signal_handler(signal.SIGUSR2, lambda: asyncio.ensure_future(link.heal()))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"{args.link}: {args.listen} -> {args.connect}", flush=True)
    await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listen", required=True)
    parser.add_argument("--connect", required=True)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--jitter-ms", type=float, default=0)
    parser.add_argument("--loss", type=float, default=0, help="percent of chunks delayed by one RTO")
    parser.add_argument("--bandwidth-kbit", type=float, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--link", required=True, help="the link's name, also what down scans for")
    asyncio.run(main(parser.parse_args()))
    sys.exit(0)
