"""Real servers: gunicorn on `factdb:create_app()`, and `factdb serve` on a fresh database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from factdb.config import PROJECT_ROOT

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def running(command: list[str], url: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command`` with FACTDB_DATABASE_URL=url, wait until the port answers."""
    env = {**os.environ, "FACTDB_DATABASE_URL": url}
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"server exited with {process.returncode}:\n{output}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start within 60 s")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_gunicorn_serves_the_app_factory(seeded_url: str) -> None:
    port = free_port()
    command = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "factdb:create_app()"]
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
