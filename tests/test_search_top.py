"""search_top: the loader keeps the best hits of frequent search terms, and /search
reads its first pages from them while they are current, with the same answers as
ranking every match."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

import factdb.api.search
from factdb import create_app
from factdb.api import database
from factdb.api.problems import BadParameter
from factdb.api.search_top import kept_hits
from factdb.db import make_engine
from factdb.loader.search_top import rebuild_search_top
from tests.conftest import DatabaseFactory, seed

KEPT = 3  # kept hits per term: a page of 2 and the row after it


@pytest.fixture(scope="module")
def kept_app(databases: DatabaseFactory) -> Iterator[Flask]:
    """A seeded SQLite database whose search_top keeps the best 3 hits of every term
    that 2 documents or more hold."""
    url = databases.new("sqlite")
    seed(url)
    engine = make_engine(url)
    assert rebuild_search_top(engine, min_matches=2, kept=KEPT) > 10
    engine.dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    yield app
    database.dispose(app)


def _frequent_terms(app: Flask) -> list[str]:
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT term, count(*) FROM search_top GROUP BY term ORDER BY term"
        ).fetchall()
    connection.close()
    return [term for term, kept in rows if kept == KEPT]


def _pages(app: Flask, path: str) -> list[dict[str, Any]]:
    """Every page of ``path``, following links.next."""
    client, pages, target = app.test_client(), [], path
    while target:
        response = client.get(target)
        assert response.status_code == 200, response.get_json()
        pages.append(response.get_json())
        target = (pages[-1]["links"]["next"] or "").removeprefix("http://localhost")
    return pages


def test_the_loader_ranks_the_frequent_terms_after_a_load(seeded_url: str) -> None:
    engine = make_engine(seeded_url)
    with engine.connect() as connection:
        versions = connection.exec_driver_sql(
            "SELECT content_version, search_top_version FROM dataset"
        ).one()
        kept = connection.exec_driver_sql("SELECT count(*) FROM search_top").scalar()
    engine.dispose()
    if engine.dialect.name == "sqlite":  # no seed word is in 1,000 documents
        assert versions[1] == versions[0] and kept == 0
    else:  # PostgreSQL ranks with ts_rank, live
        assert versions[1] is None and kept == 0


@pytest.mark.parametrize("limit", [1, 2])
@pytest.mark.parametrize("case", [str.lower, str.upper])
def test_kept_pages_are_the_pages_ranked_live(
    kept_app: Flask, monkeypatch: pytest.MonkeyPatch, limit: int, case: Any
) -> None:
    """Page after page, past the kept hits and into live ranking, the same bodies."""
    terms = _frequent_terms(kept_app)
    assert len(terms) > 10
    used: list[bool] = []

    def spied(*args: Any) -> Any:
        found = kept_hits(*args)
        used.append(found is not None)
        return found

    for term in terms[:: max(1, len(terms) // 8)]:
        path = f"/api/v1/search?q={case(term)}&limit={limit}"
        used.clear()
        monkeypatch.setattr(factdb.api.search, "kept_hits", spied)
        kept = _pages(kept_app, path)
        # A page is read from the kept hits only when they hold it and the row after it.
        assert used[: (KEPT - 1) // limit] == [True] * ((KEPT - 1) // limit), term
        assert not any(used[KEPT // limit :]), term
        monkeypatch.setattr(factdb.api.search, "kept_hits", lambda *args: None)
        assert kept == _pages(kept_app, path), term


def test_other_searches_are_ranked_live(kept_app: Flask) -> None:
    term = _frequent_terms(kept_app)[0]
    with kept_app.test_request_context():
        assert kept_hits("sqlite", [term], {"limit": 1}) is not None
        for words, args in [
            ([term], {"limit": 1, "type": ["statement"]}),
            ([term], {"limit": 1, "sort": "id"}),
            ([term], {"limit": 1, "format": "csv"}),
            ([term], {"limit": 1, "group_by": "type"}),
            ([term], {"limit": KEPT}),  # the row after the page is not kept
            ([term, term], {"limit": 1}),
            ([term + "é"], {"limit": 1}),
            ([term], {"limit": 1, "cursor": "not a cursor"}),
        ]:
            if "cursor" in args:
                with pytest.raises(BadParameter, match="malformed cursor"):
                    kept_hits("sqlite", words, args)
                continue
            assert kept_hits("sqlite", words, args) is None, (words, args)
        assert kept_hits("postgresql", [term], {"limit": 1}) is None


def test_kept_hits_of_another_content_version_are_not_read(
    databases: DatabaseFactory,
) -> None:
    url = databases.new("sqlite")
    seed(url)
    engine = make_engine(url)
    rebuild_search_top(engine, min_matches=2, kept=KEPT)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE dataset SET content_version = 'changed'")
        term = connection.exec_driver_sql("SELECT min(term) FROM search_top").scalar()
    engine.dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.test_request_context():
        assert kept_hits("sqlite", [term], {"limit": 1}) is None
    database.dispose(app)
