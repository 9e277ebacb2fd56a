"""Steady load on an API from client threads, every answer kept with when it was asked;
and what an outage window of those answers shows: the statuses, whether every 503 was
the documented problem, and how long the database was missed."""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from factdb.api.http.problems import MEDIA_TYPE, PROBLEM_TYPE_BASE

UNAVAILABLE = PROBLEM_TYPE_BASE + "database-unavailable"
# Cheap pages of several kinds, so requests are short and the clients see the outage
# at a fine grain.
PATHS = (
    "/api/v1/sources?limit=5",
    "/api/v1/events?limit=5",
    "/api/v1/entities?limit=5",
    "/api/v1/statements?limit=5",
)


@dataclass(frozen=True)
class Answer:
    """One request: when it was sent and answered (time.monotonic()), and its status
    (0: no HTTP answer at all). ``documented`` is whether a 503 was problem+json of
    the database-unavailable type with a Retry-After."""

    sent: float
    answered: float
    status: int
    documented: bool = False
    detail: str = ""


def ask(base_url: str, path: str, timeout: float = 30) -> Answer:
    """GET ``path``; a refused or broken connection is an Answer with status 0."""
    parts = urlsplit(base_url)
    sent = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        documented = False
        detail = ""
        if response.status == 503:
            documented, detail = _documented(response, body)
        elif response.status not in (200, 404):
            detail = f"{response.status}: {body[:300].decode(errors='replace')}"
        return Answer(sent, time.monotonic(), response.status, documented, detail)
    except OSError as error:
        return Answer(sent, time.monotonic(), 0, False, f"{type(error).__name__}: {error}")
    finally:
        connection.close()


def _documented(response: http.client.HTTPResponse, body: bytes) -> tuple[bool, str]:
    media = (response.getheader("Content-Type") or "").split(";")[0].strip()
    try:
        problem = json.loads(body)
    except ValueError:
        return False, f"not JSON: {body[:200]!r}"
    ok = (
        media == MEDIA_TYPE
        and problem.get("type") == UNAVAILABLE
        and problem.get("status") == 503
        and response.getheader("Retry-After") is not None
    )
    return ok, f"{media} {problem.get('type')} Retry-After={response.getheader('Retry-After')}"


@dataclass
class Load:
    """Answers gathered by the client threads while the block runs."""

    answers: list[Answer] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def between(self, start: float, end: float) -> list[Answer]:
        """The answers to requests sent from ``start`` to ``end``."""
        with self.lock:
            return [a for a in self.answers if start <= a.sent <= end]


@contextmanager
def steady_load(base_url: str, clients: int, pause: float = 0.005) -> Iterator[Load]:
    """``clients`` threads asking PATHS in turn, each as soon as its last answer came
    (after ``pause``), until the block ends."""
    load = Load()
    stop = threading.Event()

    def client(offset: int) -> None:
        turn = offset
        while not stop.is_set():
            answer = ask(base_url, PATHS[turn % len(PATHS)])
            turn += 1
            with load.lock:
                load.answers.append(answer)
            stop.wait(pause)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        yield load
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)


@dataclass(frozen=True)
class Outage:
    """What the clients saw around one stop of the standby.

    ``outage_ms``: from the first request that failed to the answer of the last one;
    ``recovery_ms``: from the server taking connections again (pg_ctl returned) to the
    first 200 answer to a request sent after it; ``late_failures``: failed requests sent
    after that first 200 (zero when the workers recovered by themselves)."""

    how: str
    statuses: dict[int, int]
    undocumented_503: int
    outage_ms: float
    down_ms: float
    recovery_ms: float
    late_failures: int
    samples: tuple[str, ...]

    @property
    def other_failures(self) -> int:
        """Answers neither 200 nor 503 (a 0 is no HTTP answer)."""
        return sum(count for status, count in self.statuses.items() if status not in (200, 503))


def outage(how: str, answers: list[Answer], stopped: float, ready: float) -> Outage:
    """Summarise the ``answers`` of a window in which the server went down at
    ``stopped`` and took connections again at ``ready``."""
    statuses = Counter(a.status for a in answers)
    failed = [a for a in answers if a.status != 200]
    back = [a for a in answers if a.status == 200 and a.sent >= ready]
    first_back = min((a.answered for a in back), default=float("nan"))
    late = [a for a in failed if a.sent > first_back]
    outage_ms = (
        (max(a.answered for a in failed) - min(a.sent for a in failed)) * 1000 if failed else 0.0
    )
    return Outage(
        how=how,
        statuses=dict(sorted(statuses.items())),
        undocumented_503=sum(1 for a in answers if a.status == 503 and not a.documented),
        outage_ms=round(outage_ms, 1),
        down_ms=round((ready - stopped) * 1000, 1),
        recovery_ms=round((first_back - ready) * 1000, 1),
        late_failures=len(late),
        samples=tuple(sorted({a.detail for a in failed if a.detail}))[:5],
    )
