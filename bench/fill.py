#!/usr/bin/env python3
"""Publishes COUNT messages of SIZE bytes to topic sub_bench with MPUB batches of 200, waiting for
each reply, over one socket. Usage: bench/fill.py HOST:PORT [count] [size]"""
import socket, struct, sys, time

host, port = sys.argv[1].rsplit(":", 1)
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
size = int(sys.argv[3]) if len(sys.argv) > 3 else 200
s = socket.create_connection((host, int(port)))
s.sendall(b"  V2")
body = b"x" * size
payload = struct.pack(">i", 200) + b"".join(struct.pack(">i", size) + body for _ in range(200))
cmd = b"MPUB sub_bench\n" + struct.pack(">i", len(payload)) + payload
start = time.perf_counter()
for _ in range(count // 200):
    s.sendall(cmd)
    hdr = b""
    while len(hdr) < 4:
        hdr += s.recv(4 - len(hdr))
    n = struct.unpack(">i", hdr)[0]
    rest = b""
    while len(rest) < n:
        rest += s.recv(n - len(rest))
    if rest[4:] != b"OK":
        sys.exit("MPUB refused: %r" % rest)
print("published %d x %d B in %.1fs" % (count // 200 * 200, size, time.perf_counter() - start))
