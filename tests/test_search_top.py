"""search_top: the loader keeps the best hits of frequent search terms, and /search
reads its first pages from them while they are current, with the same answers as
ranking every match."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.orm import Session

import factdb.api.resources.search
from factdb import create_app
from factdb.api.collections.search_top import kept_hits
from factdb.api.http import request_db
from factdb.api.http.problems import BadParameter
from factdb.db import make_engine
from factdb.loader.apply import update_content_version
from factdb.loader.search_top import ranked_version, rebuild_search_top
from tests.conftest import DatabaseFactory, seed

KEPT = 3  # kept hits per term: a page of 2 and the row after it
TIED = "zyxtied"  # a word that 6 documents of the same text hold: 6 equal scores


@pytest.fixture(scope="module")
def kept_app(databases: DatabaseFactory) -> Iterator[Flask]:
    """A seeded SQLite database whose search_top keeps the best 3 hits of every term
    that 2 documents or more hold."""
    url = databases.new("sqlite")
    seed(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        for number in range(6):
            connection.execute(
                text(
                    "INSERT INTO search_documents (fact_type, fact_id, slug, title, body)"
                    " VALUES ('statement', :n, :slug, 'Tied', :body)"
                ),
                {"n": 10_000 + number, "slug": f"tied-{number}", "body": f"{TIED} words"},
            )
        update_content_version(Session(bind=connection))
    assert rebuild_search_top(engine, min_matches=2, kept=KEPT) > 10
    engine.dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    yield app
    request_db.dispose(app)


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


def _versions(url: str) -> tuple[str, str | None, int]:
    """(content version, search_top's version, kept rows)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            content, ranked = connection.exec_driver_sql(
                "SELECT content_version, search_top_version FROM dataset"
            ).one()
            kept = connection.exec_driver_sql("SELECT count(*) FROM search_top").scalar()
    finally:
        engine.dispose()
    return content, ranked, int(kept or 0)


def test_loading_files_and_the_command_rank_the_frequent_terms(
    databases: DatabaseFactory,
) -> None:
    url = databases.new()
    seed(url)  # load_folders
    content, ranked, kept = _versions(url)
    sqlite = url.startswith("sqlite")
    # No seed word is in 1,000 documents; PostgreSQL ranks with ts_rank, live.
    assert (ranked, kept) == ((ranked_version(content), 0) if sqlite else (None, 0))
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    result = app.test_cli_runner().invoke(args=["rank-search"])
    assert result.exit_code == 0 and "ranked 0 frequent search term(s)" in result.output
    assert _versions(url) == (content, ranked, kept)


def test_a_ranking_that_a_load_overtakes_is_not_used(databases: DatabaseFactory) -> None:
    """The content changes while the terms are ranked: the version stays cleared."""
    url = databases.new("sqlite")
    seed(url)
    engine = make_engine(url)

    def load_meanwhile(_c: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # Before a term's transaction writes: between two terms' transactions.
        if statement.startswith("DELETE FROM search_top WHERE term"):
            with sqlite3.connect(url.removeprefix("sqlite:///")) as other:
                other.execute("UPDATE dataset SET content_version = 'loaded meanwhile'")
            other.close()

    event.listen(engine, "before_cursor_execute", load_meanwhile)
    assert rebuild_search_top(engine, min_matches=2, kept=KEPT) > 10
    engine.dispose()
    content, ranked, kept = _versions(url)
    assert content == "loaded meanwhile" and ranked is None and kept > 0


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
        monkeypatch.setattr(factdb.api.resources.search, "kept_hits", spied)
        kept = _pages(kept_app, path)
        # A page is read from the kept hits only when they hold it and the row after it.
        assert used[: (KEPT - 1) // limit] == [True] * ((KEPT - 1) // limit), term
        assert not any(used[KEPT // limit :]), term
        monkeypatch.setattr(factdb.api.resources.search, "kept_hits", lambda *args: None)
        assert kept == _pages(kept_app, path), term


@pytest.mark.parametrize("limit", [1, 2])
def test_tied_scores_across_the_end_of_the_kept_hits(
    kept_app: Flask, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """6 equal scores, 3 kept: the kept ones are the first 3 by id, as live ranking
    orders them, and a cursor moves on from them into live ranking."""
    path = f"/api/v1/search?q={TIED}&limit={limit}"
    kept = _pages(kept_app, path)
    assert [row["score"] for page in kept for row in page["data"]] == [
        kept[0]["data"][0]["score"]
    ] * 6
    monkeypatch.setattr(factdb.api.resources.search, "kept_hits", lambda *args: None)
    assert kept == _pages(kept_app, path)


def test_other_searches_are_ranked_live(kept_app: Flask) -> None:
    term = _frequent_terms(kept_app)[0]
    with kept_app.test_request_context():
        assert kept_hits("sqlite", [term], {"limit": 1}) is not None
        for words, args in [
            ([term], {"limit": 1, "type": ["statement"]}),
            ([term], {"limit": 1, "sort": "id"}),
            ([term], {"limit": 1, "sort": "-score,-id"}),
            ([term], {"limit": 1, "sort": "score"}),
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
    request_db.dispose(app)


def test_csv_asked_by_accept_is_ranked_live(kept_app: Flask) -> None:
    term = _frequent_terms(kept_app)[0]
    with kept_app.test_request_context(headers={"Accept": "text/csv"}):
        assert kept_hits("sqlite", [term], {"limit": 1}) is None
