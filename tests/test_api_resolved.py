"""Every collection says how the entity names of its filters were resolved: the
``resolved`` member in JSON, the Factdb-Resolved header in every format."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, unquote

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient

from factdb.api.filters.resolved import header
from factdb.api.http.openapi import HEADER
from tests.test_fuzz import _openapi_document

ROOT = "http://localhost/api/v1"
MOSCOW_HEADER = "speaker=Moscow -> moscow (name): 0; also russia (metonym): 1"
# One entry of the header: parameter=value -> slug (way): count, then "; also" entries.
NAMED = r"([^\s(),;]+) \((slug|name|alias|metonym)\): (\d+)"
ENTRY = re.compile(rf"^(\w+)=([^\s,;]+) -> {NAMED}((?:; also {NAMED})*)$")
ALSO = re.compile(rf"; also {NAMED}")


def entity(slug: str, name: str, kind: str) -> dict[str, str]:
    return {"slug": slug, "name": name, "url": f"{ROOT}/entities/{slug}", "kind": kind}


MOSCOW = entity("moscow", "Moscow", "place")
RUSSIA = entity("russia", "Russia", "country")
PUTIN = entity("vladimir-putin", "Vladimir Putin", "person")
NETANYAHU = entity("benjamin-netanyahu", "Benjamin Netanyahu", "person")


def resolved(client: FlaskClient, path: str) -> list[dict[str, Any]]:
    response = client.get(path)
    assert response.status_code == 200, response.get_json()
    found = response.get_json()["resolved"]
    assert isinstance(found, list)
    return found


def parse_header(text: str) -> list[dict[str, Any]]:
    """The Factdb-Resolved header read back into the resolved member's terms."""
    entries = []
    for part in text.split(", "):
        match = ENTRY.match(part)
        assert match, f"unparseable entry {part!r}"
        parameter, value, slug, way, count, rest = match.groups()[:6]
        also = [
            {"slug": unquote(s), "matched_by": w, "count": int(c)} for s, w, c in ALSO.findall(rest)
        ]
        entries.append(
            {
                "parameter": parameter,
                "value": unquote(value),
                "slug": unquote(slug),
                "matched_by": way,
                "count": int(count),
                "also": also,
            }
        )
    return entries


def flattened(member: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The resolved member with each entity reduced to its slug, as the header has it."""

    def named(item: dict[str, Any]) -> dict[str, Any]:
        return {"slug": item["entity"]["slug"], "matched_by": item["matched_by"]} | {
            "count": item["count"]
        }

    return [
        {"parameter": r["parameter"], "value": r["value"], **named(r)}
        | {"also": [named(other) for other in r["also"]]}
        for r in member
    ]


def test_moscow_is_the_city_and_the_hint_names_russia(client: FlaskClient) -> None:
    response = client.get("/api/v1/statements?speaker=Moscow")
    body = response.get_json()
    assert body["data"] == [] and body["meta"]["total"] == 0
    assert body["resolved"] == [
        {
            "parameter": "speaker",
            "value": "Moscow",
            "entity": MOSCOW,
            "matched_by": "name",
            "count": 0,
            "also": [{"entity": RUSSIA, "matched_by": "metonym", "count": 1}],
        }
    ]
    assert response.headers[HEADER] == MOSCOW_HEADER


def test_the_hint_counts_what_the_other_entity_gives(client: FlaskClient) -> None:
    hint = resolved(client, "/api/v1/statements?speaker=Moscow")[0]["also"][0]
    other = client.get(f"/api/v1/statements?speaker={hint['entity']['slug']}").get_json()
    assert other["meta"]["total"] == hint["count"] == 1
    assert other["data"][0]["speaker"]["slug"] == "russia"


def test_an_alias_resolves_as_alias(client: FlaskClient) -> None:
    assert resolved(client, "/api/v1/statements?speaker=Putin") == [
        {
            "parameter": "speaker",
            "value": "Putin",
            "entity": PUTIN,
            "matched_by": "alias",
            "count": 5,
            "also": [],
        }
    ]


@pytest.mark.parametrize(
    ("value", "matched_by"),
    [
        ("vladimir-putin", "slug"),
        ("Vladimir-Putin", "slug"),  # a slug in another case: still only the slug
        ("Vladimir%20Putin", "name"),
        ("VLADIMIR%20%20PUTIN", "name"),
        ("moscow", "slug"),  # written as the slug, though the name matches too
        ("MOSCOW", "name"),
    ],
)
def test_how_a_value_matched(client: FlaskClient, value: str, matched_by: str) -> None:
    [entry] = resolved(client, f"/api/v1/statements?speaker={value}")
    assert entry["value"] == unquote(value)
    assert entry["matched_by"] == matched_by


def test_each_name_of_a_repeated_filter_is_resolved(client: FlaskClient) -> None:
    path = "/api/v1/events?participant=Putin&participant=Netanyahu"
    found = resolved(client, path)
    assert [(r["parameter"], r["value"], r["entity"]) for r in found] == [
        ("participant", "Putin", PUTIN),
        ("participant", "Netanyahu", NETANYAHU),
    ]
    assert [(r["matched_by"], r["also"]) for r in found] == [("alias", []), ("alias", [])]
    for entry in found:  # each count is what that participant alone gives
        alone = client.get(f"/api/v1/events?participant={entry['entity']['slug']}").get_json()
        assert entry["count"] == alone["meta"]["total"]


# Every entity-valued filter of every collection, with a value naming an entity.
NAME_FILTERS = [
    ("statements", "speaker", "Putin"),
    ("statements", "relayed_by", "Netanyahu"),
    ("statements", "mentions", "Moscow"),
    ("events", "participant", "Netanyahu"),
    ("events", "place", "Sochi"),
    ("positions", "holder", "Moscow"),
    ("positions", "target", "Israel"),
    ("roles", "holder", "Putin"),
    ("roles", "organization", "Russia"),
    ("quantities", "subject", "Russian%20immigrants"),
    ("timeline", "entity", "Moscow"),
    ("evidence", "entity", "Moscow"),
]


@pytest.mark.parametrize(("resource", "parameter", "value"), NAME_FILTERS)
def test_every_entity_filter_says_how_its_name_resolved(
    client: FlaskClient, resource: str, parameter: str, value: str
) -> None:
    path = f"/api/v1/{resource}?{parameter}={value}"
    response = client.get(path)
    body = response.get_json()
    [entry] = body["resolved"]
    assert (entry["parameter"], entry["value"]) == (parameter, unquote(value))
    # Alone, the filter's count is the collection's total, for the alternatives too.
    assert entry["count"] == body["meta"]["total"]
    for other in entry["also"]:
        slug = other["entity"]["slug"]
        alone = client.get(f"/api/v1/{resource}?{parameter}={slug}").get_json()
        assert other["count"] == alone["meta"]["total"]
    assert parse_header(response.headers[HEADER]) == flattened(body["resolved"])


def test_moscow_as_a_metonym_leads_to_russias_facts(client: FlaskClient) -> None:
    [entry] = resolved(client, "/api/v1/timeline?entity=Moscow")
    assert entry["count"] == 0
    [russia] = entry["also"]
    assert russia["entity"] == RUSSIA and russia["count"] > 0


def test_several_filters_are_listed_in_the_order_they_apply(client: FlaskClient) -> None:
    found = resolved(client, "/api/v1/roles?holder=Putin&organization=Russia")
    assert [(r["parameter"], r["entity"]["slug"]) for r in found] == [
        ("holder", "vladimir-putin"),
        ("organization", "russia"),
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/statements",
        "/api/v1/statements?mode=direct",
        "/api/v1/entities?q=putin",
        "/api/v1/positions?target=annexation",  # a topic, not an entity
        "/api/v1/quantities?subject=netanyahu-putin-meeting",  # an event
        "/api/v1/statements?group_by=speaker",
    ],
)
def test_no_entity_name_no_member_and_no_header(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "resolved" not in response.get_json()
    assert HEADER not in response.headers


def test_csv_carries_the_header_and_the_same_rows(client: FlaskClient) -> None:
    path = "/api/v1/events?participant=Putin&participant=Netanyahu"
    response = client.get(path + "&format=csv")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).count("\r\n") == 5  # the header row and 4 events
    found = parse_header(response.headers[HEADER])
    assert found == flattened(resolved(client, path))
    assert [(r["value"], r["slug"], r["matched_by"]) for r in found] == [
        ("Putin", "vladimir-putin", "alias"),
        ("Netanyahu", "benjamin-netanyahu", "alias"),
    ]


def test_csv_from_a_cursor_and_accept_header_carry_it_too(client: FlaskClient) -> None:
    first = client.get("/api/v1/statements?speaker=Putin&limit=2").get_json()
    cursor = first["meta"]["next_cursor"]
    response = client.get(
        f"/api/v1/statements?speaker=Putin&cursor={cursor}", headers={"Accept": "text/csv"}
    )
    assert response.mimetype == "text/csv"
    assert response.headers[HEADER] == "speaker=Putin -> vladimir-putin (alias): 5"


def test_paging_keeps_its_links_and_repeats_the_member(client: FlaskClient) -> None:
    path = "/api/v1/statements?speaker=Putin&limit=2"
    response = client.get(path)
    body = response.get_json()
    assert response.headers["Link"] == f'<{body["links"]["next"]}>; rel="next"'
    following = client.get(body["links"]["next"])
    assert following.get_json()["resolved"] == body["resolved"]
    assert following.headers[HEADER] == response.headers[HEADER]


@pytest.mark.parametrize("csv", [False, True])
def test_facets_say_it_too(client: FlaskClient, csv: bool) -> None:
    path = "/api/v1/statements?speaker=Moscow&group_by=mode" + ("&format=csv" if csv else "")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers[HEADER] == MOSCOW_HEADER
    if not csv:
        body = response.get_json()
        assert body["data"] == [] and body["resolved"][0]["also"][0]["count"] == 1


def test_the_header_percent_encodes_values_and_stays_latin_1(app: Flask) -> None:
    member = [
        {
            "parameter": "speaker",
            "value": 'Москва, "Kremlin"; 1 > 0',
            "entity": {"slug": "moscow"},
            "matched_by": "alias",
            "count": 0,
            "also": [{"entity": {"slug": "russia"}, "matched_by": "metonym", "count": 1}],
        },
        {
            "parameter": "mentions",
            "value": "Tel Aviv",
            "entity": {"slug": "tel-aviv"},
            "matched_by": "name",
            "count": 2,
            "also": [],
        },
    ]
    text = header(member)[HEADER]
    text.encode("ascii")  # so latin-1 too
    value = quote('Москва, "Kremlin"; 1 > 0', safe="")
    assert text == (
        f"speaker={value} -> moscow (alias): 0; also russia (metonym): 1, "
        "mentions=Tel%20Aviv -> tel-aviv (name): 2"
    )
    assert [entry["value"] for entry in parse_header(text)] == [
        'Москва, "Kremlin"; 1 > 0',
        "Tel Aviv",
    ]
    assert header([]) == {}


def test_a_name_with_a_space_in_the_header(client: FlaskClient) -> None:
    response = client.get("/api/v1/roles?holder=Vladimir%20Putin&format=csv")
    assert response.headers[HEADER] == "holder=Vladimir%20Putin -> vladimir-putin (name): 1"


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/statements", {"speaker": "Moscow"}),
        ("/api/v1/statements", {"speaker": "Moscow", "group_by": "mode"}),
        ("/api/v1/events", {"participant": ["Putin", "Netanyahu"]}),
        ("/api/v1/timeline", {"entity": "Moscow"}),
        ("/api/v1/positions", {"holder": "Russia", "target": "Israel"}),
    ],
)
def test_answers_with_the_member_match_the_openapi_document(
    app: Flask, path: str, query: dict[str, Any]
) -> None:
    case = schemathesis.openapi.from_dict(_openapi_document())[path]["GET"].Case(query=query)
    response = case.call_and_validate(app=app)
    assert "resolved" in response.json()


ENTITY_VALUED = re.compile(r"Slug, name or alias|an entity \(slug|an entity's name")


def test_the_entity_filters_tested_are_all_the_documents_entity_filters() -> None:
    documented = set()
    for path, operations in _openapi_document()["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["in"] == "query" and ENTITY_VALUED.search(json.dumps(parameter)):
                documented.add((path.removeprefix("/api/v1/"), parameter["name"]))
    assert documented == {(resource, parameter) for resource, parameter, _ in NAME_FILTERS}
