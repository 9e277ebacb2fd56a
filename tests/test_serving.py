"""Real servers: gunicorn on `factdb:create_app()`, requests over its limits answered
with problem+json, and `factdb serve` on a fresh database."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import BIN, GUNICORN, free_port, get, running


def test_gunicorn_serves_the_app_factory(seeded_url: str) -> None:
    port = free_port()
    command = [*GUNICORN, "-w", "2", "-b", f"127.0.0.1:{port}", "factdb:create_app()"]
    with running(command, seeded_url, port):
        status, headers, body = get(f"http://127.0.0.1:{port}/api/v1/statements?speaker=Putin")
        assert status == 200
        assert headers["Server"].startswith("gunicorn")
        assert json.loads(body)["meta"]["total"] == 5
        status, headers, body = get(f"http://127.0.0.1:{port}/api/v1/statements?speaker=Putn")
        assert status == 400
        assert headers["Content-Type"] == "application/problem+json"


def test_factdb_serve_creates_and_seeds_a_missing_database(tmp_path: Path) -> None:
    database = tmp_path / "new" / "factdb.sqlite3"
    port = free_port()
    command = [str(BIN / "factdb"), "serve", "--port", str(port), "--workers", "1"]
    with running(command, f"sqlite:///{database}", port):
        status, _, body = get(f"http://127.0.0.1:{port}/api/v1/sources")
        assert status == 200
        assert json.loads(body)["data"][0]["slug"] == "netanyahu-fails-to-impress-putin"
        status, _, _ = get(f"http://127.0.0.1:{port}/api/v1/entities/vladimir-putin")
        assert status == 200
    assert database.is_file()


def test_factdb_serve_binds_loopback_by_default() -> None:
    from click.testing import CliRunner

    from factdb.commands import serve_command

    help_text = CliRunner().invoke(serve_command, ["--help"]).output
    assert "--host TEXT" in help_text and "127.0.0.1" in help_text


@pytest.fixture(scope="module")
def gunicorn_port(seeded_url: str) -> Iterator[int]:
    port = free_port()
    command = [*GUNICORN, "-w", "1", "-b", f"127.0.0.1:{port}", "factdb:create_app()"]
    with running(command, seeded_url, port):
        yield port


def _raw(port: int, request: bytes) -> tuple[int, dict[str, str], dict[str, object]]:
    """Send ``request`` as it is; the status, headers and JSON body of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = json.loads(response.read())
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        # A request line one byte over gunicorn's 4,094.
        (b"GET /api/v1/entities?q=" + b"x" * 4067 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /api/v1/entities?q=" + b"x" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /api/v1/entities HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 9000 + b"\r\n\r\n", 431),
        (
            b"GET /api/v1/entities HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-%d: 1\r\n" % n for n in range(120))
            + b"\r\n",
            431,
        ),
        (b"GET /api/v1/entities HTTP/1.1\r\nBroken header\r\n\r\n", 400),
    ],
    ids=["line-4095", "line-100k", "header-9000", "headers-121", "malformed"],
)
def test_requests_gunicorn_refuses_are_problems_too(
    gunicorn_port: int, request_bytes: bytes, status: int
) -> None:
    if status == 414:
        assert len(request_bytes.split(b"\r\n")[0]) > 4094
    got, headers, body = _raw(gunicorn_port, request_bytes)
    assert got == status
    assert headers["content-type"] == "application/problem+json"
    assert body["status"] == status and body["title"] and body["detail"]
    assert str(body["type"]).startswith("https://factdb.invalid/problems/")


def test_a_request_line_at_the_limit_reaches_the_app(gunicorn_port: int) -> None:
    target = "/api/v1/entities?q="
    line_overhead = len("GET ") + len(target) + len(" HTTP/1.1")
    status, headers, body = _raw(
        gunicorn_port,
        f"GET {target}{'x' * (4094 - line_overhead)} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
    )
    # The app's own answer: q is at most 200 characters.
    assert status == 400 and body["errors"][0]["parameter"] == "q"
    assert headers["content-type"] == "application/problem+json"
