"""Errors: problem+json documents naming each bad parameter; never a 500, never HTML."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from werkzeug.test import TestResponse

from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.models import Entity, Event, Position, Quantity, Role, Statement

API = "/api/v1"
PROBLEM = "application/problem+json"


def assert_problem(response: TestResponse, status: int, *parameters: str) -> dict[str, Any]:
    """A problem document of ``status`` whose errors name at least ``parameters``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = response.get_json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    if parameters:
        named = {error["parameter"] for error in body["errors"]}
        assert set(parameters) <= named, body["errors"]
    return body


def cursor(payload: Any) -> str:
    """A cursor in the API's encoding (urlsafe base64 of JSON), with any payload."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return quote(base64.urlsafe_b64encode(raw).decode().rstrip("="))


BAD_REQUESTS = [
    ("statements?speaker=Putin&colour=red", "colour"),
    ("sources?q=x", "q"),
    ("statements?from=2019-13", "from"),
    ("events?to=2019-02-30", "to"),
    ("positions?from=yesterday", "from"),
    ("timeline?from=2019-9", "from"),
    ("statements?from=2019-10&to=2019-09", "from"),
    ("statements?limit=0", "limit"),
    ("entities?limit=501", "limit"),
    ("events?limit=abc", "limit"),
    ("roles?limit=-1", "limit"),
    ("statements?cursor=not-a-cursor", "cursor"),
    ("statements?cursor=" + cursor(["not", "a", "dict"]), "cursor"),
    ("statements?cursor=" + cursor({"s": "date,id", "v": ["2019-99-01", 1]}), "cursor"),
    ("statements?cursor=" + cursor({"s": "date,id", "v": ["2019-09-01"]}), "cursor"),
    ("statements?cursor=" + cursor({"s": "date,id", "v": ["2019-09-01", "one"]}), "cursor"),
    ("statements?cursor=" + cursor({"s": "date,id", "v": ["2019-09-01", 10**30]}), "cursor"),
    ("timeline?cursor=" + cursor({"s": "date,id", "v": ["2019-09-01", -(10**30)]}), "cursor"),
    ("statements?cursor=" + cursor(b"\xff\xfe\xfd"), "cursor"),
    ("statements?cursor=%C3%A9t%C3%A9", "cursor"),
    (
        "statements?sort=-date,id&cursor=" + cursor({"s": "date,id", "v": ["2019-09-01", 1]}),
        "cursor",
    ),
    ("statements?sort=speaker", "sort"),
    ("entities?sort=name,,id", "sort"),
    ("events?group_by=colour", "group_by"),
    ("statements?speaker=Putn", "speaker"),
    ("events?participant=Putin&participant=Netanyahoo", "participant"),
    ("positions?holder=Nobody+At+All", "holder"),
    ("timeline?entity=Irann", "entity"),
    ("roles?organization=Atlantis", "organization"),
    ("entities?kind=alien", "kind"),
    ("events?kind=meeting,party", "kind"),
    ("statements?mode=loud", "mode"),
    ("statements?mode=direct&mode=indirect", "mode"),
    ("statements?fields=id&fields=text", "fields"),
    ("statements?fields=", "fields"),
    ("statements?fields=id,,text", "fields"),
    ("entities?kind=person,%20country", "kind"),
    ("positions?stance=hates", "stance"),
    ("timeline?type=tweet", "type"),
    ("statements?format=xml", "format"),
    ("events?source=no-such-source", "source"),
    ("statements?event=no-such-event", "event"),
    ("search", "q"),
    ("search?q=***", "q"),
]


@pytest.mark.parametrize(
    ("path", "parameter"),
    BAD_REQUESTS,
    ids=[f"{i}-{p.split('?')[0]}-{name}" for i, (p, name) in enumerate(BAD_REQUESTS)],
)
def test_bad_parameter_is_a_400_naming_it(client: FlaskClient, path: str, parameter: str) -> None:
    assert_problem(client.get(f"{API}/{path}"), 400, parameter)


def test_cursor_of_another_sort_is_refused(client: FlaskClient) -> None:
    next_cursor = client.get(f"{API}/events?limit=2").get_json()["meta"]["next_cursor"]
    for sort in ("-date,id", "kind", "id"):
        response = client.get(f"{API}/events?limit=2&sort={sort}&cursor={next_cursor}")
        assert_problem(response, 400, "cursor")


def test_every_bad_parameter_is_named(client: FlaskClient) -> None:
    response = client.get(f"{API}/statements?limit=0&from=yesterday&mode=loud&colour=red")
    assert_problem(response, 400, "limit", "from", "mode", "colour")


@pytest.mark.parametrize(
    ("path", "parameter", "suggestion"),
    [
        ("statements?speaker=Putn", "speaker", "Vladimir Putin"),
        ("statements?mentions=Netanyahoo", "mentions", "Benjamin Netanyahu"),
        ("events?participant=Irann", "participant", "Iran"),
        ("positions?holder=Netanyah", "holder", "Benjamin Netanyahu"),
    ],
)
def test_unknown_entity_comes_with_suggestions(
    client: FlaskClient, path: str, parameter: str, suggestion: str
) -> None:
    body = assert_problem(client.get(f"{API}/{path}"), 400, parameter)
    (error,) = [error for error in body["errors"] if error["parameter"] == parameter]
    assert suggestion in error["suggestions"]


NOT_FOUND = [
    "sources/no-such-source",
    "entities/no-such-entity",
    "events/no-such-event",
    "statements/no-such-statement",
    "positions/no-such-position",
    "roles/0",
    "quantities/99999999",
    "events/99999999999999999",  # beyond any integer column: still just not there
    "no-such-resource",
]


@pytest.mark.parametrize("path", NOT_FOUND)
def test_unknown_item_is_a_404_problem(client: FlaskClient, path: str) -> None:
    assert_problem(client.get(f"{API}/{path}"), 404)


@pytest.mark.parametrize(
    "path",
    ["entities/%00", "statements?speaker=%00", "entities?q=%00", "roles?q=a%00", "search?q=%00a"],
)
def test_nul_characters_are_refused_or_match_nothing(client: FlaskClient, path: str) -> None:
    response = client.get(f"{API}/{path}")
    if response.status_code == 200:
        assert response.get_json()["data"] == [], "no stored text holds a NUL character"
    else:
        assert_problem(response, 404 if response.status_code == 404 else 400)


@pytest.mark.parametrize("path", ["/nope", "/api/v2/statements", "/api/v1/statements/a/b"])
def test_paths_outside_the_api_are_problems_too(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert_problem(response, 404)
    assert b"<html" not in response.data.lower()


HOSTILE = [
    '"Putin"',
    '"Putin',
    "Putin AND Netanyahu",
    "Put*",
    "*",
    "NEAR(Putin Netanyahu",
    "Putin OR NOT Netanyahu",
    "'; DROP TABLE statements; --",
    "1; DELETE FROM entities WHERE 1=1",
    "%_\\",
    "Netanyahu\u2019s \u00abplan\u00bb",
    "x" * 10_000,
    "Putin " * 2_000,
]
TEXT_FILTERS = [
    "search?q=",
    "statements?q=",
    "events?q=",
    "positions?q=",
    "entities?q=",
    "roles?q=",
]


@pytest.fixture(scope="module")
def counts(seeded_url: str) -> Iterator[Any]:
    """A function counting the rows of the main tables, through an engine of our own."""
    engine: Engine = make_engine(seeded_url, read_only=True)

    def count() -> dict[str, int]:
        with engine.connect() as connection:
            return {
                model.__tablename__: connection.scalar(select(func.count()).select_from(model))
                for model in (Entity, Event, Statement, Position, Role, Quantity)
            }

    yield count
    engine.dispose()


def seed_counts() -> dict[str, int]:
    path = SEED_DIR / "netanyahu-fails-to-impress-putin" / "facts.yaml"
    facts = yaml.safe_load(path.read_text(encoding="utf-8"))
    tables = ("entities", "events", "statements", "positions", "roles", "quantities")
    return {table: len(facts[table]) for table in tables}


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("path", TEXT_FILTERS)
def test_text_input_is_searched_or_refused(
    client: FlaskClient, counts: Any, path: str, text: str
) -> None:
    response = client.get(f"{API}/{path}{quote(text)}")
    if response.status_code == 400:
        assert_problem(response, 400, "q")
    else:
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert response.mimetype == "application/json"
    assert counts() == seed_counts()
