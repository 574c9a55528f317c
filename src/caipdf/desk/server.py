"""The desk over HTTP: read-only, from memory, to the URLs it names.

Python's own http.server is enough for a handful of editors on one
machine, and needs nothing installed; one thread per connection, as each
browser keeps one open for its events (server-sent events, /events).

What a URL may reach is a table, not the file system: the page's own three
files (read from layouts/desk/ when the server starts) and what the desk
publishes (the state, the page images, the editions' PDFs), looked up by
the URL's path exactly as it comes. Nothing is decoded or joined to a
folder, so `..`, `%2e%2e`, `%2f` and their double encodings name nothing
and get 404. Only GET and HEAD are answered. Bound to the loopback
address, the server answers only requests addressed to it by that name
(the Host header), so that a web page elsewhere cannot read it through a
name of its own that points here.
"""

from __future__ import annotations

import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from caipdf import paths
from caipdf.desk.desk import Desk, Served

PAGE_FILES = {"/": ("index.html", "text/html; charset=utf-8"),
              "/desk.css": ("desk.css", "text/css; charset=utf-8"),
              "/desk.js": ("desk.js", "text/javascript; charset=utf-8"),
              "/icon.svg": ("icon.svg", "image/svg+xml")}
KEEP_ALIVE = 15  # seconds between two comments on a quiet event stream
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


class DeskServer(ThreadingHTTPServer):
    daemon_threads = True  # a browser's open event stream does not hold up Ctrl-C

    def __init__(self, desk: Desk, host: str, port: int):
        self.desk = desk
        self.loopback_only = host in LOOPBACK
        self.stopping = threading.Event()
        self.page_files = {path: Served(content_type,
                                        (paths.LAYOUTS / "desk" / name).read_bytes())
                           for path, (name, content_type) in PAGE_FILES.items()}
        super().__init__((host, port), Handler)

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser leaving is no error
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: DeskServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        if self.server.loopback_only and not self._addressed_to_loopback():
            return self._refuse(HTTPStatus.MISDIRECTED_REQUEST,
                                "this desk answers requests to 127.0.0.1 or localhost only")
        path = self.path.split("?", 1)[0]
        if path == "/events":
            return self._events() if send_body else self._refuse(HTTPStatus.METHOD_NOT_ALLOWED,
                                                                 "GET only")
        served = self.server.page_files.get(path) or self.server.desk.served(path)
        if served is None:
            return self._refuse(HTTPStatus.NOT_FOUND, "not a page of this desk")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", served.content_type)
        self.send_header("Content-Length", str(len(served.body)))
        self.send_header("Cache-Control", "public, max-age=31536000, immutable"
                         if served.immutable else "no-cache")
        if served.download:
            self.send_header("Content-Disposition", f'attachment; filename="{served.download}"')
        self._security_headers()
        self.end_headers()
        if send_body:
            self.wfile.write(served.body)

    def _events(self) -> None:
        """The state now, then again each time it changes, until the browser leaves."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self._security_headers()
        self.end_headers()
        self.close_connection = True
        desk, sent = self.server.desk, -1
        try:
            while not self.server.stopping.is_set():
                version = desk.wait_for_change(sent, KEEP_ALIVE)
                if version == sent:
                    self.wfile.write(b": still here\n\n")
                else:
                    state = desk.served("/state").body
                    self.wfile.write(b"event: state\ndata: " + state + b"\n\n")
                    sent = version
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser closed the page

    def _addressed_to_loopback(self) -> bool:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        return host in LOOPBACK

    def _refuse(self, status: HTTPStatus, reason: str) -> None:
        body = f"{status.value} {status.phrase}: {reason}\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self._security_headers()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _security_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal shows the builds, not every image fetched
