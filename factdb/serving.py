"""Run the app under gunicorn from Python, for `factdb serve`; and the worker that answers
the requests gunicorn refuses before the app sees them with problem+json too."""

from __future__ import annotations

import json
import socket
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine, ParseException
from gunicorn.workers.sync import SyncWorker

from factdb.api.http.problems import MEDIA_TYPE, PROBLEM_TYPE_BASE

# The project's limits are gunicorn's own (its defaults, set here so that they are
# stated): a request line of 4,094 bytes, 100 header fields of 8,190 bytes each.
LIMITS = {"limit_request_line": 4094, "limit_request_fields": 100, "limit_request_field_size": 8190}
WORKER_CLASS = "factdb.serving.ProblemWorker"


class ProblemWorker(SyncWorker):
    """gunicorn's sync worker; a request it cannot read (request line or headers over the
    limits, or malformed) is answered with problem+json rather than gunicorn's HTML."""

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        if not isinstance(exc, ParseException):
            super().handle_error(req, client, addr, exc)
            return
        status, title, detail = refusal(exc)
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            client.sendall(problem_bytes(status, title, detail))
        except OSError:
            self.log.debug("Failed to send error message.")


def refusal(exc: ParseException) -> tuple[int, str, str]:
    """The status, title and detail of a request gunicorn could not read."""
    if isinstance(exc, LimitRequestLine):
        limit = LIMITS["limit_request_line"]
        return 414, "URI Too Long", f"the request line is over {limit} bytes; shorten the URL"
    if isinstance(exc, LimitRequestHeaders):
        fields, size = LIMITS["limit_request_fields"], LIMITS["limit_request_field_size"]
        detail = f"at most {fields} header fields of {size} bytes each are read ({exc})"
        return 431, "Request Header Fields Too Large", detail
    return 400, "Bad Request", f"the request is not valid HTTP/1.1: {exc}"


def problem_bytes(status: int, title: str, detail: str) -> bytes:
    """A whole HTTP/1.1 response: the problem document, and the connection closed."""
    slug = title.lower().replace(" ", "-")
    body = json.dumps(
        {"type": PROBLEM_TYPE_BASE + slug, "title": title, "status": status, "detail": detail},
        ensure_ascii=False,
    ).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {title}\r\nConnection: close\r\nContent-Type: {MEDIA_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\n\r\n"
    )
    return head.encode("latin-1") + body


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(app: Flask, host: str, port: int, workers: int) -> None:
    """Serve ``app`` on host:port with ``workers`` gunicorn worker processes."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "accesslog": "-",
        "timeout": 30,
        "worker_class": WORKER_CLASS,
        **LIMITS,
    }
    _Gunicorn(app, options).run()
