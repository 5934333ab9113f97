#!/usr/bin/env python3
"""Loopback TCP proxy for PostgreSQL that adds latency and counts round trips.

    scripts/rtproxy.py --listen 127.0.0.1:0 --upstream 127.0.0.1:5432 --delay-ms 210 \
        --log stats.jsonl --port-file port.txt

Every chunk is forwarded `--delay-ms` after it arrived, in order, in each direction, so
one round trip costs twice the delay, as on a link with that one-way latency.

A round trip is the client sending, then waiting for the server: counted each time server
bytes arrive while the latest traffic was the client's. Bytes the client sends back to back
(psql streaming one large query) are one burst, one round trip. The count is split at the
server's first ReadyForQuery ('Z'): before it is the connection start-up, after it is what
the session costs "after connecting".

For each connection, when it closes, one JSON line goes to `--log`:
{"conn": n, "startup_rt": a, "rt": b, "client_bytes": c, "server_bytes": d, "seconds": e}

Loopback only: the upstream must be a 127.0.0.0/8 or ::1 address. The proxy stops by
itself after `--idle-exit` seconds without a connection (default 600).
"""

import argparse
import asyncio
import ipaddress
import json
import socket
import sys
import time


def parse_addr(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


class Conn:
    """Round-trip bookkeeping for one client connection."""

    def __init__(self, n):
        self.n = n
        self.last = None  # "c" or "s": who sent last
        self.connected = False
        self.startup_rt = 0
        self.rt = 0
        self.client_bytes = 0
        self.server_bytes = 0
        self.started = time.monotonic()
        # A minimal reader of the server's message stream, to find the first 'Z'.
        self.sbuf = b""

    def client(self, data):
        self.client_bytes += len(data)
        self.last = "c"

    def server(self, data):
        self.server_bytes += len(data)
        if self.last == "c":
            if self.connected:
                self.rt += 1
            else:
                self.startup_rt += 1
        self.last = "s"
        if not self.connected:
            self.sbuf += data
            while len(self.sbuf) >= 5:
                kind = self.sbuf[0:1]
                length = int.from_bytes(self.sbuf[1:5], "big")
                if len(self.sbuf) < 1 + length:
                    break
                self.sbuf = self.sbuf[1 + length:]
                if kind == b"Z":
                    self.connected = True
                    self.sbuf = b""
                    break


async def pump(reader, writer, delay, on_data):
    """Copies reader to writer, each chunk `delay` seconds after it arrived, in order."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def send():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                try:
                    writer.write_eof()
                except (OSError, RuntimeError):
                    pass
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(send())
    try:
        while True:
            data = await reader.read(1 << 16)
            if data:
                on_data(data)
            await queue.put((loop.time() + delay, data or None))
            if not data:
                break
        await sender
    except (ConnectionError, OSError):
        sender.cancel()


async def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen", default="127.0.0.1:0")
    ap.add_argument("--upstream", default="127.0.0.1:5432")
    ap.add_argument("--delay-ms", type=float, default=210.0)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file")
    ap.add_argument("--idle-exit", type=float, default=600.0)
    args = ap.parse_args()

    up_host, up_port = parse_addr(args.upstream)
    resolved = socket.getaddrinfo(up_host, up_port, proto=socket.IPPROTO_TCP)[0][4][0]
    if not ipaddress.ip_address(resolved).is_loopback:
        sys.exit(f"rtproxy: upstream {resolved} is not a loopback address")
    delay = args.delay_ms / 1000.0
    counter = {"n": 0, "active": 0, "last": time.monotonic()}

    async def handle(c_reader, c_writer):
        counter["n"] += 1
        counter["active"] += 1
        conn = Conn(counter["n"])
        try:
            s_reader, s_writer = await asyncio.open_connection(up_host, up_port)
        except OSError:
            c_writer.close()
            counter["active"] -= 1
            return
        for w in (c_writer, s_writer):
            sock = w.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.gather(
            pump(c_reader, s_writer, delay, conn.client),
            pump(s_reader, c_writer, delay, conn.server),
        )
        for w in (c_writer, s_writer):
            w.close()
        record = {
            "conn": conn.n,
            "startup_rt": conn.startup_rt,
            "rt": conn.rt,
            "client_bytes": conn.client_bytes,
            "server_bytes": conn.server_bytes,
            "seconds": round(time.monotonic() - conn.started, 3),
        }
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        counter["active"] -= 1
        counter["last"] = time.monotonic()

    host, port = parse_addr(args.listen)
    server = await asyncio.start_server(handle, host, port)
    bound = server.sockets[0].getsockname()[1]
    if args.port_file:
        with open(args.port_file, "w", encoding="utf-8") as f:
            f.write(f"{bound}\n")
    async with server:
        while counter["active"] or time.monotonic() - counter["last"] < args.idle_exit:
            await asyncio.sleep(0.5)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
