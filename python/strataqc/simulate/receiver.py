"""A webhook on 127.0.0.1 that keeps what it is sent: the on-call person of a simulated night.

Bounded: it listens on loopback only, reads at most MAX_BODY bytes per post and
keeps at most MAX_POSTS posts; it runs in a daemon thread until closed.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY = 1 << 20
MAX_POSTS = 10_000


class Receiver:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            timeout = 10  # a stalled client cannot hold a thread for long

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY or len(receiver.posts) >= MAX_POSTS:
                    self.send_response(413)
                    self.end_headers()
                    return
                try:
                    post = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    post = {"title": "", "message": "(not JSON)"}
                with receiver._lock:
                    receiver.posts.append(post)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass  # the harness prints its own progress

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"json://127.0.0.1:{self.server.server_port}/night"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def take(self) -> list[dict[str, Any]]:
        """Posts since the last call."""
        with self._lock:
            posts, self.posts = self.posts, []
        return posts

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "Receiver":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
