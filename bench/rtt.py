#!/usr/bin/env python3
"""PUB round trip over one blocking socket: send one 100-byte PUB, wait for its OK, repeat.
Measures nsqd's round trip without a client library's threads in the way.
Usage: bench/rtt.py HOST:PORT [count]"""
import socket, struct, sys, time

host, port = sys.argv[1].rsplit(":", 1)
count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
s = socket.create_connection((host, int(port)))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(b"  V2")
body = b"x" * 100
cmd = b"PUB sub_bench\n" + struct.pack(">i", len(body)) + body


def run(n):
    start = time.perf_counter()
    for _ in range(n):
        s.sendall(cmd)
        reply = b""
        while len(reply) < 10:  # [size][type]["OK"]
            reply += s.recv(10 - len(reply))
    return (time.perf_counter() - start) / n


run(count // 10)  # warm up
per = run(count)
print("%d round trips - %.1fus/op - %.0f ops/s" % (count, per * 1e6, 1 / per))
