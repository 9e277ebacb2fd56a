"""Formats and shapes: field shapes, UTF-8 JSON, CSV of every row, caching headers."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from factdb.api.collections import collection
from factdb.config import SEED_DIR

API = "/api/v1"
SOURCE = "netanyahu-fails-to-impress-putin"
FACTS = ["entities", "events", "statements", "positions", "roles", "quantities"]
DATED = ["events", "statements", "positions", "roles"]
COLLECTIONS = ["sources", *FACTS, "timeline", "search?q=Netanyahu", "evidence"]
TIMELINE_DATE_KEYS = {"start", "end", "precision", "text", "basis", "year_basis"}
DATE_KEYS = TIMELINE_DATE_KEYS | {"relative"}  # a fact's date shows a relative date's rule
EVIDENCE_KEYS = {"source", "start", "end", "text"}


def url(path: str, query: str = "") -> str:
    return f"{API}/{path}{'&' if '?' in path else '?'}{query}"


def rows(client: FlaskClient, path: str, query: str = "limit=500") -> list[dict[str, Any]]:
    response = client.get(url(path, query))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["data"]


def identity(row: dict[str, Any]) -> str:
    """What identifies a row in both JSON and CSV: its type, slug and id, or evidence span."""
    parts = ("type", "slug", "id", "fact_type", "fact_slug", "start", "end")
    return "|".join(str(row.get(part, "")) for part in parts if part in row)


@pytest.fixture(scope="module")
def source_text(app: Flask) -> str:
    return app.test_client().get(f"{API}/sources/{SOURCE}").get_json()["data"]["text"]


def test_source_item_has_its_full_text(source_text: str) -> None:
    article = (SEED_DIR / SOURCE / "article.txt").read_text(encoding="utf-8")
    assert source_text == article


@pytest.mark.parametrize("resource", FACTS)
def test_every_item_has_its_shapes(client: FlaskClient, source_text: str, resource: str) -> None:
    for row in rows(client, resource):
        item = client.get(f"{API}/{resource}/{row['slug']}")
        assert item.status_code == 200
        data = item.get_json()["data"]
        assert set(item.get_json()) == {"data"}
        assert client.get(f"{API}/{resource}/{data['id']}").get_json()["data"] == data
        assert data["evidence"], f"{resource}/{row['slug']} rests on no text"
        for span in data["evidence"]:
            assert set(span) == EVIDENCE_KEYS and span["source"] == SOURCE
            assert source_text[span["start"] : span["end"]] == span["text"]
        if resource in DATED:
            assert "date" in data
            assert data["date"] is None or set(data["date"]) == DATE_KEYS
        if resource == "statements":
            assert data["mode"] in {"direct", "indirect", "mixed"}
            assert {"slug", "name"} <= set(data["speaker"])


def test_late_august_date(client: FlaskClient) -> None:
    date = client.get(f"{API}/events/late-august-strike").get_json()["data"]["date"]
    assert (date["start"], date["end"], date["text"]) == ("2019-08-21", "2019-08-31", "late August")
    assert date["year_basis"] == "inferred"


def test_timeline_rows_carry_dates(client: FlaskClient) -> None:
    for row in rows(client, "timeline"):
        assert set(row["date"]) == TIMELINE_DATE_KEYS
        assert row["date"]["start"] <= row["date"]["end"]


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    path = SEED_DIR / SOURCE / "facts.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_event_item_embeds_its_facts(client: FlaskClient, seed: dict[str, Any]) -> None:
    data = client.get(f"{API}/events/sochi-visit").get_json()["data"]
    (event,) = [e for e in seed["events"] if e["key"] == "sochi-visit"]
    roles = {p["entity"]: p["role"] for p in event["participants"]}
    assert {p["slug"]: p["role"] for p in data["participants"]} == roles
    assert all(p["name"] for p in data["participants"])
    assert data["place"]["slug"] == event["place"]
    assert [q["slug"] for q in data["quantities"]] == ["days-before-election"]
    assert [span["text"] for span in data["evidence"]] == event["evidence"]
    assert {t["slug"] for t in data["topics"]} == set(event["topics"])


def test_entity_items_count_what_their_links_list(client: FlaskClient) -> None:
    for row in rows(client, "entities"):
        data = client.get(f"{API}/entities/{row['slug']}").get_json()["data"]
        assert isinstance(data["aliases"], list) and isinstance(data["roles"], list)
        assert set(data["counts"]) == set(data["links"])
        for name, link in data["links"].items():
            total = client.get(link).get_json()["meta"]["total"]
            assert data["counts"][name] == total, (row["slug"], name)


def test_entity_item_embeds_aliases_and_roles(client: FlaskClient) -> None:
    data = client.get(f"{API}/entities/vladimir-putin").get_json()["data"]
    assert {a["alias"] for a in data["aliases"]} == {"Putin", "Russian President", "Russian leader"}
    assert [r["slug"] for r in data["roles"]] == ["putin-president"]
    assert data["counts"]["statements"] == 5


def test_json_is_utf8_with_characters_unescaped(client: FlaskClient) -> None:
    for target in (f"{API}/statements?limit=500", f"{API}/sources/{SOURCE}"):
        response = client.get(target)
        assert response.mimetype == "application/json"
        assert "\u2019".encode() in response.data and b"\\u2019" not in response.data
        response.data.decode("utf-8")
    problem = client.get(f"{API}/statements?speaker=%D0%9F%D1%83%D1%82%D0%B8%D0%BD%E2%80%99")
    assert problem.mimetype == "application/problem+json"
    assert (
        "\u041f\u0443\u0442\u0438\u043d\u2019".encode() in problem.data
    )  # "Putin" in Cyrillic, then U+2019


def read_csv(response: TestResponse, most: int) -> list[dict[str, str]]:
    """The CSV rows of a streamed response, stopping (and failing) past ``most`` rows."""
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    lines: list[str] = []
    try:
        for chunk in response.response:
            lines.append(chunk.decode() if isinstance(chunk, bytes) else chunk)
            assert len(lines) <= most + 1, "the CSV goes on past every matching row"
    finally:
        response.close()
    return list(csv.DictReader(io.StringIO("".join(lines))))


def csv_rows(client: FlaskClient, target: str, accept: bool, most: int) -> list[dict[str, str]]:
    if accept:
        response = client.get(target, headers={"Accept": "text/csv"}, buffered=False)
    else:
        response = client.get(f"{target}&format=csv", buffered=False)
    return read_csv(response, most)


def _csv_check(client: FlaskClient, path: str, query: str, accept: bool) -> None:
    json_rows = rows(client, path, f"{query}&limit=500")
    total = client.get(url(path, f"{query}&limit=1")).get_json()["meta"]["total"]
    assert total == len(json_rows) > 0
    table = csv_rows(client, url(path, f"{query}&limit=1"), accept, most=total)
    assert len(table) == total
    assert [identity(row) for row in table] == [identity(row) for row in json_rows]


@pytest.mark.parametrize("accept", [True, False], ids=["accept", "format"])
@pytest.mark.parametrize("path", COLLECTIONS)
def test_csv_has_every_row_of_the_json(client: FlaskClient, path: str, accept: bool) -> None:
    _csv_check(client, path, "", accept)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("statements", "speaker=Putin&sort=-date,id"),
        ("events", "participant=Iran&from=2019-08"),
        ("positions", "target=annexation"),
        ("timeline", "entity=Netanyahu&sort=-date,id"),
        ("quantities", "sort=value"),
    ],
)
def test_csv_keeps_filters_and_sort(client: FlaskClient, path: str, query: str) -> None:
    _csv_check(client, path, query, accept=False)


@pytest.fixture
def small_csv_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """CSV pages of 2 rows, so that streaming crosses many pages on the seed."""
    monkeypatch.setattr(collection, "CSV_PAGE", 2)


@pytest.mark.usefixtures("small_csv_pages")
@pytest.mark.parametrize(
    ("path", "query"),
    [(path, "") for path in COLLECTIONS]
    + [("events", "sort=-date,id"), ("quantities", "sort=-value,unit"), ("timeline", "sort=type")],
)
def test_csv_streams_across_pages(client: FlaskClient, path: str, query: str) -> None:
    _csv_check(client, path, query, accept=False)


CACHED = ["statements?speaker=Putin", "entities/russia", "timeline?limit=3", "", "openapi.json"]


@pytest.mark.parametrize("path", CACHED)
def test_etag_and_not_modified(client: FlaskClient, path: str) -> None:
    first = client.get(f"{API}/{path}")
    assert first.status_code == 200
    assert "ETag" in first.headers and "Cache-Control" in first.headers
    again = client.get(f"{API}/{path}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers.get("ETag") == first.headers["ETag"]
    assert again.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", CACHED[:3])
def test_not_modified_keeps_cache_control(client: FlaskClient, path: str) -> None:
    """RFC 9110 15.4.5: a 304 carries the Cache-Control that the 200 would have."""
    first = client.get(f"{API}/{path}")
    again = client.get(f"{API}/{path}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers.get("Cache-Control") == first.headers["Cache-Control"]


def test_etag_differs_by_representation(client: FlaskClient) -> None:
    as_json = client.get(f"{API}/statements").headers["ETag"]
    as_csv = client.get(f"{API}/statements", headers={"Accept": "text/csv"})
    assert as_csv.headers["ETag"] != as_json
    stale = client.get(f"{API}/statements?limit=2", headers={"If-None-Match": as_json})
    assert stale.status_code == 200


NOSNIFF = [
    ("GET", "statements"),
    ("GET", "statements?format=csv"),
    ("GET", "entities/russia"),
    ("GET", "statements?limit=0"),
    ("GET", "statements/nope"),
    ("GET", "nope"),
    ("POST", "statements"),
    ("HEAD", "events"),
    ("OPTIONS", "events"),
    ("GET", "openapi.json"),
]


@pytest.mark.parametrize(("method", "path"), NOSNIFF)
def test_nosniff_on_every_response(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(f"{API}/{path}", method=method)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert not response.data.lstrip().lower().startswith(b"<")
