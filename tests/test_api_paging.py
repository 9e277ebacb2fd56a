"""Keyset paging: the envelope, walking every page, sort keys and their tie-breaker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, select

from factdb.db import make_engine
from factdb.models import DateInterval, Event, Position, Statement

API = "/api/v1"
Row = dict[str, Any]
# Every collection, with the sorts each is walked in (its default first).
COLLECTIONS: dict[str, list[str]] = {
    "sources": ["", "-slug"],
    "entities": ["", "-name", "kind,-id"],
    "events": ["", "-date,id", "kind,-date"],
    # The first participant's participations choose the page (their index's order).
    "events?participant=Putin": ["", "-date,id", "kind,-date", "-id"],
    "events?participant=Putin&participant=Netanyahu&from=2019-09": ["", "-date"],
    "statements": ["", "-date,id", "-date,-id"],
    "positions": ["", "-date,id", "stance,-date"],
    "roles": ["", "-title"],
    "quantities": ["", "value", "-value,unit", "unit,-value"],
    "timeline": ["", "-date,id", "type,-date"],
    "search?q=Netanyahu": ["", "id"],
    "search?q=Putin+Sochi": ["-score,id"],
    "search?q=Netanyahu&type=statement,event": ["", "-id"],
    "evidence": ["", "-start"],
}
WALKS = [(path, sort) for path, sorts in COLLECTIONS.items() for sort in sorts]


def url(path: str, **params: Any) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items() if value not in ("", None))
    return f"{API}/{path}{'&' if '?' in path else '?'}{query}"


def get(client: FlaskClient, target: str) -> dict[str, Any]:
    response = client.get(target)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def unpaged(client: FlaskClient, path: str, sort: str = "") -> list[Row]:
    body = get(client, url(path, sort=sort, limit=500))
    assert body["meta"]["next_cursor"] is None
    assert body["meta"]["total"] == len(body["data"])
    return body["data"]


def walk(client: FlaskClient, path: str, sort: str, limit: int) -> Iterator[Row]:
    """Every row, following links.next; fails when the pages do not end."""
    target: str | None = url(path, sort=sort, limit=limit)
    total: int | None = None
    pages = 0
    while target is not None:
        body = get(client, target)
        total = body["meta"]["total"] if total is None else total
        assert body["meta"]["total"] == total, "the total changed between pages"
        assert len(body["data"]) <= limit
        yield from body["data"]
        pages += 1
        assert pages <= total // limit + 1, "the pages never end"
        target = body["links"]["next"]


@pytest.mark.parametrize("path", list(COLLECTIONS))
def test_envelope(client: FlaskClient, path: str) -> None:
    response = client.get(url(path, limit=1))
    assert response.status_code == 200
    body = response.get_json()
    # A filter naming an entity adds how its name was resolved (test_api_resolved.py).
    resolved = {"resolved"} if "participant=" in path else set()
    assert set(body) == {"data", "meta", "links"} | resolved
    assert {"total", "limit", "next_cursor"} <= set(body["meta"])
    assert set(body["links"]) == {"self", "next"}
    assert body["meta"]["limit"] == 1 and len(body["data"]) == 1
    assert urlsplit(body["links"]["self"]).path == urlsplit(url(path)).path
    if body["meta"]["total"] > 1:
        cursor = body["meta"]["next_cursor"]
        assert isinstance(cursor, str) and cursor
        assert parse_qs(urlsplit(body["links"]["next"]).query)["cursor"] == [cursor]
        assert response.headers["Link"] == f'<{body["links"]["next"]}>; rel="next"'
    last = client.get(url(path, limit=500))
    assert last.get_json()["links"]["next"] is None
    assert "Link" not in last.headers


@pytest.mark.parametrize("path", ["statements", "entities", "evidence"])
def test_limit_defaults_to_50(client: FlaskClient, path: str) -> None:
    body = get(client, url(path))
    assert body["meta"]["limit"] == 50
    assert len(body["data"]) == min(50, body["meta"]["total"])


@pytest.mark.parametrize("limit", [1, 2, 3])
@pytest.mark.parametrize(("path", "sort"), WALKS, ids=[f"{p}-{s or 'default'}" for p, s in WALKS])
def test_walking_the_pages_gives_the_unpaged_rows(
    client: FlaskClient, path: str, sort: str, limit: int
) -> None:
    everything = unpaged(client, path, sort)
    assert everything
    assert list(walk(client, path, sort, limit)) == everything


def start(row: Row) -> str:
    return (row.get("date") or {}).get("start") or "9999-12-31"  # undated last


def fold(name: str) -> str:
    return " ".join(name.casefold().split())


class Desc:
    """Reverses the order of a value inside a sort key tuple."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: Desc) -> bool:
        return bool(self.value > other.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Desc) and self.value == other.value


# The order a sort must give, computed from the rows' own fields, id breaking ties.
ORDERS: list[tuple[str, str, Callable[[Row], tuple[Any, ...]]]] = [
    ("events", "kind", lambda r: (r["kind"], r["id"])),
    ("events", "kind,-date", lambda r: (r["kind"], Desc(start(r)), r["id"])),
    ("events", "-date", lambda r: (Desc(start(r)), r["id"])),
    ("events?participant=Putin", "date", lambda r: (start(r), r["id"])),
    ("events?participant=Putin", "-date", lambda r: (Desc(start(r)), r["id"])),
    ("statements", "-date,-id", lambda r: (Desc(start(r)), Desc(r["id"]))),
    ("positions", "stance", lambda r: (r["stance"], r["id"])),
    ("positions", "-stance,date", lambda r: (Desc(r["stance"]), start(r), r["id"])),
    ("entities", "kind", lambda r: (r["kind"], r["id"])),
    ("entities", "-name", lambda r: (Desc(fold(r["name"])), r["id"])),
    ("roles", "title", lambda r: (r["title"], r["id"])),
    ("roles", "-id", lambda r: (Desc(r["id"]),)),
    ("quantities", "unit", lambda r: (r["unit"], r["id"])),
    ("sources", "slug", lambda r: (r["slug"], r["id"])),
]


@pytest.mark.parametrize(("path", "sort", "key"), ORDERS, ids=[f"{p}-{s}" for p, s, _ in ORDERS])
def test_sort_keys_end_with_id(
    client: FlaskClient, path: str, sort: str, key: Callable[[Row], tuple[Any, ...]]
) -> None:
    rows = unpaged(client, path, sort)
    assert [r["id"] for r in rows] == [r["id"] for r in sorted(rows, key=key)]


@pytest.fixture(scope="module")
def engine(seeded_url: str) -> Iterator[Engine]:
    engine = make_engine(seeded_url, read_only=True)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("model", [Event, Statement, Position], ids=lambda m: m.__tablename__)
def test_dated_resources_default_to_chronological_order(
    client: FlaskClient, engine: Engine, model: Any
) -> None:
    query = select(model.slug, model.id, DateInterval.start_date).outerjoin(
        DateInterval, DateInterval.id == model.date_id
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    undated = dt.date.max
    expected = [slug for slug, id_, day in sorted(rows, key=lambda r: (r[2] or undated, r[1]))]
    assert [r["slug"] for r in unpaged(client, model.__tablename__)] == expected


def test_timeline_is_chronological(client: FlaskClient) -> None:
    starts = [row["date"]["start"] for row in unpaged(client, "timeline")]
    assert starts == sorted(starts)
    assert [row["date"]["start"] for row in unpaged(client, "timeline", "-date")] == starts[::-1]


def test_search_is_best_first(client: FlaskClient) -> None:
    scores = [row["score"] for row in unpaged(client, "search?q=Netanyahu")]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "query", ["search?q=Netanyahu", "search?q=security&type=statement,position", "search?q=the"]
)
def test_search_in_id_order_shows_the_hits_as_ranked(client: FlaskClient, query: str) -> None:
    """Sorted by id, page after page, every hit has the snippet and the score it has
    when ranked: the scores are made per page in either case, in different ways."""
    ranked = {(row["id"], row["type"]): row for row in unpaged(client, query)}
    assert ranked, query
    for sort in ("id", "-id"):
        rows = list(walk(client, query, sort, 3))
        assert len(rows) == len(ranked)
        assert {(row["id"], row["type"]): row for row in rows} == ranked
