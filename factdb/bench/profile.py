"""Where a factdb request's time goes: a request called as a bare WSGI call (no server,
no network) many times under cProfile, its time apportioned to routing, argument
parsing, SQL, building the rows, serialization and the rest.

Each function's own time (cProfile's tottime) goes to exactly one part, chosen by the
file it is defined in, so the parts add up to the whole without double counting.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from typing import Any
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder

# (part, substrings of a function's file or name), the first match wins.
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # psycopg's wait holds the time its C code blocks on the socket: the server's work
    # and the round trips. Sending is counted with it.
    (
        "PostgreSQL's work and the round trips (psycopg waiting, sending)",
        ("psycopg/connection.py:wait", "psycopg/_cursor_base.py:_execute_send"),
    ),
    ("SQL (SQLAlchemy and the driver)", ("sqlalchemy/", "sqlite3", "psycopg")),
    (
        "rows into documents",
        (
            "factdb/api/sqljson/facts.py",
            "factdb/api/sqljson/build.py",
            "factdb/api/sqljson/dialects.py",
        ),
    ),
    (
        "serialization (dump, URLs, JSON)",
        (
            "factdb/api/documents/pydump.py",
            "factdb/api/documents/schemas.py",
            "factdb/api/http/output.py",
            "orjson",
        ),
    ),
    (
        "argument parsing (webargs, marshmallow)",
        ("webargs/", "marshmallow/", "api/http/parsing.py"),
    ),
    ("routing and framework (Flask, werkzeug, flask-smorest)", ("flask", "werkzeug/")),
    ("factdb's own code (filters, paging, ETag)", ("factdb/",)),
)
OTHER = "Python built-ins and the standard library"


def _part(filename: str, name: str) -> str:
    where = f"{filename}:{name}"
    for part, markers in PARTS:
        if any(marker in where for marker in markers):
            return part
    return OTHER


def profile_request(app: Any, path: str, calls: int = 300) -> dict[str, Any]:
    """Time ``path`` as a bare WSGI call (``calls`` times, after a warm-up), then
    profile as many calls and apportion the profiled time to the parts."""
    url = urlsplit(path)
    environ = EnvironBuilder(
        path=url.path, query_string=url.query, base_url="http://127.0.0.1"
    ).get_environ()

    def call() -> str:
        statuses: list[str] = []
        body = app({**environ, "wsgi.input": io.BytesIO()}, lambda s, h, e=None: statuses.append(s))
        b"".join(body)
        return statuses[0]

    for _ in range(20):
        status = call()
    if not status.startswith("200"):
        raise RuntimeError(f"{path} answered {status}")
    started = time.perf_counter()
    for _ in range(calls):
        call()
    plain_ms = (time.perf_counter() - started) / calls * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    seconds: dict[str, float] = {}
    for (filename, _, name), (_, _, own, _, _) in stats.items():
        part = _part(filename, name)
        seconds[part] = seconds.get(part, 0.0) + own
    total = sum(seconds.values())
    order = [part for part, _ in PARTS] + [OTHER]
    return {
        "path": path,
        "calls": calls,
        "ms_per_request": round(plain_ms, 3),
        "profiled_ms_per_request": round(total / calls * 1000, 3),
        "parts": [
            {"part": part, "share": round(seconds[part] / total, 3)}
            for part in order
            if part in seconds
        ],
    }


def markdown(profile: dict[str, Any]) -> list[str]:
    """The breakdown as markdown lines."""
    lines = [
        f"Where a request's time goes, for `{profile['path']}` called {profile['calls']}"
        f" times as a bare WSGI call: {profile['ms_per_request']:.2f} ms a request without"
        f" the profiler ({profile['profiled_ms_per_request']:.2f} ms with it). Shares of"
        " the profiled time:",
        "",
        "| part | share | share of the unprofiled ms |",
        "| --- | --- | --- |",
    ]
    for part in profile["parts"]:
        share = part["share"]
        ms = share * profile["ms_per_request"]
        lines.append(f"| {part['part']} | {share:.0%} | {ms:.2f} |")
    return lines
