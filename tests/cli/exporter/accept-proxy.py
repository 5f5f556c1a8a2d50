#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A loopback proxy that asks for the Prometheus text format: Prometheus
2.42 always prefers OpenMetrics, so a scrape job through this proxy checks
that Prometheus also parses kleak's text format. Usage: LISTEN_PORT
TARGET_PORT. Serves until killed."""
import http.server
import sys
import urllib.request

target = int(sys.argv[2])


class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        req = urllib.request.Request(f"http://127.0.0.1:{target}{self.path}",
                                     headers={"Accept": "text/plain;version=0.0.4"})
        with urllib.request.urlopen(req, timeout=5) as r:
            body, ctype = r.read(), r.headers["Content-Type"]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
