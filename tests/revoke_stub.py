"""A local stand-in for providers' revocation endpoints: ``http.server`` on 127.0.0.1 in a
thread, recording every request it gets (method, path, headers, body)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Stub:
    url: str
    requests: list[Received] = field(default_factory=list)
    status: int = 202
    reply: bytes = b""
    redirect_to: str | None = None


@contextmanager
def revocation_stub(status: int = 202, reply: object = None) -> Iterator[Stub]:
    stub = Stub(url="", status=status, reply=b"" if reply is None else json.dumps(reply).encode())

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            stub.requests.append(
                Received(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
            )
            if stub.redirect_to:
                self.send_response(307)
                self.send_header("Location", stub.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(stub.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(stub.reply)))
            self.end_headers()
            self.wfile.write(stub.reply)

        do_POST = do_DELETE = do_GET = _handle

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
