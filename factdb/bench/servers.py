"""The servers a benchmark loads: start one on a free port of 127.0.0.1, wait until it
answers, always stop it; Datasette installed into its own venv; plain HTTP GETs."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

from factdb.bench.procs import worker_pids
from factdb.bench.queries import Query
from factdb.bench.walk import walk_datasette
from factdb.config import PROJECT_ROOT

DATASETTE_REQUIREMENT = "datasette>=0.65,<0.66"
DATASETTES = {"datasette_default": [], "datasette_nofacets": ["--setting", "suggest_facets", "off"]}
HOST = "127.0.0.1"  # the only host load is ever sent to


class BenchError(RuntimeError):
    """The benchmark cannot run here (a missing tool, a server that does not start)."""


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError(
            "wrk is not installed; install it with `apt-get install -y wrk` (Debian, Ubuntu)"
            " or `brew install wrk` (macOS), then run the benchmark again"
        )
    return wrk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def http_get(url: str, timeout: float) -> tuple[int, bytes]:
    """(status, body) of a GET; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def _answers(url: str) -> bool:
    try:
        http_get(url, 2)
    except OSError:
        return False
    return True


@contextmanager
def serving(
    name: str, command: list[str], env: dict[str, str], ready_path: str, log_dir: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Start ``command`` ("{port}" replaced by a free port), wait until it answers over
    HTTP, and always stop it: terminate, wait, kill after 20 s. Yields (process, base URL)."""
    port = free_port()
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [part.replace("{port}", str(port)) for part in command],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://{HOST}:{port}"
            deadline = time.monotonic() + 60
            while not _answers(base_url + ready_path):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-2000:]
                    raise BenchError(f"{name} did not start (see {log_path}):\n{tail}")
                time.sleep(0.2)
            yield process, base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


def ensure_datasette(out_dir: Path) -> tuple[Path, str]:
    """Datasette 0.65.x in its own venv under ``out_dir``, never in the project's."""
    venv = out_dir / "datasette-venv"
    executable = venv / "bin" / "datasette"
    if not executable.exists():
        (out_dir / "logs").mkdir(parents=True, exist_ok=True)
        with (out_dir / "logs" / "datasette-install.log").open("w") as log:
            for command in (
                [sys.executable, "-m", "venv", str(venv)],
                [str(venv / "bin" / "python"), "-m", "pip", "install", DATASETTE_REQUIREMENT],
            ):
                subprocess.run(
                    command, stdout=log, stderr=subprocess.STDOUT, check=True, timeout=900
                )
    done = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=60)
    version = done.stdout.strip().rsplit(" ", 1)[-1]
    if not version.startswith("0.65."):
        raise BenchError(f"{executable} is Datasette {version!r}, not 0.65.x")
    return executable, version


def datasette_db(base_url: str, sqlite_path: str) -> str:
    databases = json.loads(http_get(base_url + "/-/databases.json", 10)[1])
    for database in databases:
        if database.get("path") and Path(database["path"]).resolve() == Path(sqlite_path):
            return str(database["name"])
    return str(next(d["name"] for d in databases if not d["name"].startswith("_")))


def _alone(pid: int) -> list[int]:
    return [pid]


@dataclass(frozen=True)
class Server:
    """A running server as the benchmark loads it: what each query's URL path is on it
    (None: the server has no equivalent), and its processes, for their peak memory."""

    name: str
    url: str
    path_of: Callable[[Query], str | None]
    pids: Callable[[], list[int]] | None = None


def start_gunicorn(
    stack: ExitStack,
    name: str,
    app: str,
    env: dict[str, str],
    ready: str,
    log_dir: Path,
    workers: int,
    path_of: Callable[[Query], str | None],
) -> Server:
    """``app`` under gunicorn with ``workers`` sync workers, stopped when ``stack``
    closes."""
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{HOST}:{{port}}"]
    command += ["--log-level", "warning", "--graceful-timeout", "5", app]
    process, url = stack.enter_context(
        serving(name, command, {**os.environ, **env}, ready, log_dir)
    )
    return Server(name, url, path_of, partial(worker_pids, process.pid))


def start_servers(stack: ExitStack, path: str, log_dir: Path, workers: int) -> list[Server]:
    """factdb and the floor's bare WSGI function on the SQLite file ``path``."""
    return [
        start_gunicorn(
            stack,
            "factdb",
            "factdb:create_app()",
            {"FACTDB_DATABASE_URL": f"sqlite:///{path}"},
            "/api/v1/",
            log_dir,
            workers,
            lambda query: query.factdb_path,
        ),
        start_gunicorn(
            stack,
            "floor",
            "factdb.bench.floor:application",
            {"FACTDB_BENCH_SQLITE": path},
            "/",
            log_dir,
            workers,
            lambda query: query.floor_path,
        ),
    ]


def start_postgres_servers(stack: ExitStack, url: str, log_dir: Path, workers: int) -> list[Server]:
    """factdb and the psycopg floor's bare WSGI function on the PostgreSQL ``url``."""
    from factdb.bench.floor import floor_path
    from factdb.bench.pgfloor import POSTGRES_VARIABLE, pg_floor_params
    from factdb.bench.postgres import conninfo

    return [
        start_gunicorn(
            stack,
            "factdb_postgresql",
            "factdb:create_app()",
            {"FACTDB_DATABASE_URL": url},
            "/api/v1/",
            log_dir,
            workers,
            lambda query: query.factdb_path,
        ),
        start_gunicorn(
            stack,
            "floor_postgresql",
            "factdb.bench.pgfloor:application",
            {POSTGRES_VARIABLE: conninfo(url)},
            "/",
            log_dir,
            workers,
            lambda query: floor_path(query.qid, pg_floor_params(query.qid, query.floor_params)),
        ),
    ]


def start_datasettes(
    stack: ExitStack, path: str, out: Path, queries: list[Query], results: dict[str, Any]
) -> list[Server]:
    """Datasette with its defaults and with suggest_facets off, stopped when ``stack``
    closes; the second is also asked the floor's SQL through ?sql= (facets are for table
    views). Finds Datasette's Q5 URL by walking its pages."""
    executable, version = ensure_datasette(out)
    results["settings"]["datasette_version"] = version
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    paths = {q.qid: q.datasette_path for q in queries}
    sql_paths = {q.qid: q.datasette_sql_path for q in queries}
    started = []
    for name, extra in DATASETTES.items():
        command = [str(executable), "serve", path, "-h", HOST, "-p", "{port}", *extra]
        process, url = stack.enter_context(
            serving(name, command, env, "/-/versions.json", out / "logs")
        )
        db = quote(datasette_db(url, path))
        if name == "datasette_nofacets":  # the faster one walks the pages
            q5, page, note = walk_datasette(url, db)
            paths["Q5"] = q5.replace(f"/{db}/", "/{db}/", 1)
            results["queries"]["Q5"]["datasette_page"] = f"{page} {note}".strip()

        def table_path(query: Query, db: str = db) -> str | None:
            template = paths[query.qid]
            return None if template is None else template.replace("{db}", db)

        started.append(Server(name, url, table_path, partial(_alone, process.pid)))
        if name == "datasette_nofacets":

            def sql_path(query: Query, db: str = db) -> str | None:
                template = sql_paths[query.qid]
                return None if template is None else template.replace("{db}", db)

            started.append(Server(f"{name}_sql", url, sql_path))
    return started
