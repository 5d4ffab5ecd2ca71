#!/usr/bin/env python3
"""PUB round trip over one blocking socket: send one 100-byte PUB, wait for its OK, repeat.
Measures nsqd's round trip without a client library's threads in the way; prints the mean and the
p50/p99 of the round trips.
Usage: bench/rtt.py HOST:PORT [count] [topic]"""
import socket, struct, sys, time

host, port = sys.argv[1].rsplit(":", 1)
count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
s = socket.create_connection((host, int(port)))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(b"  V2")
body = b"x" * 100
topic = sys.argv[3] if len(sys.argv) > 3 else "sub_bench"
cmd = b"PUB " + topic.encode() + b"\n" + struct.pack(">i", len(body)) + body
times = []


def run(n):
    times.clear()
    start = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        s.sendall(cmd)
        reply = b""
        while len(reply) < 10:  # [size][type]["OK"]
            reply += s.recv(10 - len(reply))
        if reply[-2:] != b"OK":
            sys.exit("not OK: %r" % reply)
        times.append(time.perf_counter() - t0)
    return (time.perf_counter() - start) / n


run(count // 10)  # warm up
per = run(count)
times.sort()
p50, p99 = times[len(times) // 2], times[min(len(times) - 1, len(times) * 99 // 100)]
print("%d round trips - %.1fus/op - %.0f ops/s - p50 %.1fus - p99 %.1fus" % (count, per * 1e6, 1 / per, p50 * 1e6, p99 * 1e6))
