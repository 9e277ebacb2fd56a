"""Real servers for the tests: a free port, a process started and stopped around a test,
and a GET that returns error statuses instead of raising."""

from __future__ import annotations

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
# factdb's own gunicorn worker: problem+json for requests gunicorn refuses to read.
GUNICORN = [str(BIN / "gunicorn"), "-k", "factdb.serving.ProblemWorker"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@contextmanager
def running(command: list[str], url: str, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Start ``command`` with FACTDB_DATABASE_URL=url; wait until a worker answers HTTP
    on the port (the master binds it before the workers have loaded the app)."""
    env = {**os.environ, "FACTDB_DATABASE_URL": url}
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"server exited with {process.returncode}:\n{output}")
            try:
                get(f"http://127.0.0.1:{port}/api/v1/", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not answer within 90 s")
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
