"""Counts kept per content version: made once per version and key, never for a database
without content, and safe under threads."""

from __future__ import annotations

import threading

import pytest
from cachetools import LRUCache
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from factdb.api.http import counts, request_db


@pytest.fixture
def version(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    current = ["v1"]
    monkeypatch.setattr(request_db, "content_version", lambda: current[0])
    monkeypatch.setattr(counts, "_CACHE", LRUCache(maxsize=16))
    return current


def test_a_count_is_made_once_per_version_and_key(version: list[str]) -> None:
    made: list[str] = []

    def count() -> int:
        made.append(version[0])
        return len(made)

    assert [counts.counted(("k",), count) for _ in range(3)] == [1, 1, 1]
    assert counts.counted(("other",), count) == 2
    version[0] = "v2"  # a load changed the content
    assert counts.counted(("k",), count) == 3
    assert made == ["v1", "v1", "v2"]


def test_nothing_is_kept_without_a_content_version(version: list[str]) -> None:
    version[0] = request_db.NO_CONTENT
    made: list[int] = []
    for _ in range(3):
        counts.counted(("k",), lambda: made.append(1) or len(made))
    assert len(made) == 3


def test_threads_filling_a_small_cache_never_fail(version: list[str]) -> None:
    failures: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for number in range(3000):
                key = (offset * 100_000 + number % 50,)
                assert counts.counted(key, lambda key=key: key[0]) == key[0]
        except BaseException as error:  # collected, then asserted on below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_facets_are_counted_once_per_version_and_filters(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second group_by with the same filters runs no grouping query; other filters,
    or another host asking, get their own (right) answer."""
    monkeypatch.setattr(counts, "_CACHE", LRUCache(maxsize=64))
    grouped: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "GROUP BY" in statement:
            grouped.append(statement)

    with app.app_context():
        engine = request_db.engine()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        first = client.get("/api/v1/statements?group_by=mode").get_json()
        again = client.get("/api/v1/statements?group_by=mode", base_url="http://b.test")
        assert again.get_json()["data"] == first["data"]
        assert again.get_json()["links"]["self"].startswith("http://b.test/")
        assert len(grouped) == 1
        narrowed = client.get("/api/v1/statements?group_by=mode&speaker=vladimir-putin")
        assert len(grouped) == 2
        total = sum(group["count"] for group in narrowed.get_json()["data"])
        assert 0 < total < sum(group["count"] for group in first["data"])
    finally:
        event.remove(engine, "before_cursor_execute", seen)
