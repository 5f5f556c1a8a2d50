#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Slow clients on loopback: N connections that each send a request header
byte per second, for at most SECONDS. Prints how many connections the
server closed before the end ("closed N of M") so the test can check the
request deadline. Bounded in count and time; loopback only."""
import socket
import sys
import time

host, port, n, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
assert host.startswith("127.") or host == "::1", "loopback only"
req = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 4096
socks, closed = [], 0
for _ in range(n):
    s = socket.create_connection((host, port), timeout=2)
    s.setblocking(False)
    socks.append(s)
end = time.monotonic() + seconds
i = 0
while time.monotonic() < end and socks:
    alive = []
    for s in socks:
        try:
            s.send(req[i:i + 1])
            if s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                raise ConnectionError
            alive.append(s)
        except BlockingIOError:
            alive.append(s)  # nothing to read yet: still open
        except OSError:
            closed += 1
            s.close()
    socks = alive
    i = min(i + 1, len(req) - 1)
    time.sleep(1)
for s in socks:
    s.close()
print(f"closed {closed} of {n}")
