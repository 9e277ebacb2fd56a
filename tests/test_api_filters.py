"""Filters of the collections: every answer is compared with the rows the database holds.

Expected sets are computed in Python from rows read through the models, by an
independent reading of the filter rules (AND across parameters, repeated entity
parameters all required, comma = OR, date intervals overlapping [from, to]); they are
never obtained by asking the API a second time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb import models as m
from factdb.db import make_engine

API = "/api/v1"
SOURCE = "netanyahu-fails-to-impress-putin"
# What the names used in the cases below stand for (other names are lowercased slugs).
MEANING = {
    "Putin": "vladimir-putin",
    "Netanyahu": "benjamin-netanyahu",
    "Russian immigrants": "russian-immigrants-in-israel",
    "annexation": "west-bank-annexation",  # words of a topic's name
}


@dataclass(frozen=True)
class Fact:
    """What the filters look at, for one row of a collection."""

    slug: str
    kind: str  # event kind, statement mode, stance, role title, unit, entity kind, type
    dates: tuple[dt.date, dt.date] | None = None  # start and end; None when undated
    links: dict[str, frozenset[str]] = field(default_factory=dict)  # parameter -> slugs
    words: frozenset[str] = frozenset()  # full-text tokens; folded names for entities

    def linked(self, name: str) -> frozenset[str]:
        return self.links.get(name, frozenset())


Facts = dict[str, list[Fact]]
Predicate = Callable[[Fact], bool]


def fold(name: str) -> str:
    """Case-insensitive, Unicode-aware comparison key: casefolded, white space collapsed."""
    return " ".join(name.casefold().split())


def _tokens(*texts: str) -> frozenset[str]:
    return frozenset(re.findall(r"[^\W_]+", " ".join(texts).casefold()))


def _slugs(*rows: Any) -> frozenset[str]:
    return frozenset(row.slug for row in rows if row is not None)


def _dates(date: m.DateInterval | None) -> tuple[dt.date, dt.date] | None:
    return None if date is None else (date.start_date, date.end_date)


def _load(session: Session) -> Facts:
    docs = {
        (d.fact_type, d.fact_id): _tokens(d.title, d.body)
        for d in session.scalars(select(m.SearchDocument))
    }

    def rows(model: Any, kind: str, links: Callable[[Any], dict[str, frozenset[str]]]) -> list:
        return [
            Fact(row.slug, getattr(row, kind), _dates(getattr(row, "date", None)), links(row),
                 docs.get((model.__tablename__[:-1], row.id), frozenset()))
            for row in session.scalars(select(model))
        ]  # fmt: skip

    facts = {
        "events": rows(m.Event, "kind", lambda e: {
            "participant": _slugs(*(p.entity for p in e.participants)),
            "place": _slugs(e.place)}),
        "statements": rows(m.Statement, "mode", lambda s: {
            "speaker": _slugs(s.speaker), "event": _slugs(s.event),
            "mentions": _slugs(*(x.entity for x in s.mentions))}),
        "positions": rows(m.Position, "stance", lambda p: {
            "holder": _slugs(p.holder), "target": _slugs(p.target_entity, p.target_topic)}),
        "roles": rows(m.Role, "title", lambda r: {
            "holder": _slugs(r.holder), "organization": _slugs(r.organization)}),
        "quantities": rows(m.Quantity, "unit", lambda q: {
            "subject": _slugs(q.subject_entity, q.subject_event)}),
    }  # fmt: skip
    facts["entities"] = [
        Fact(e.slug, e.kind, words=frozenset(map(fold, [e.name, *(a.alias for a in e.aliases)])))
        for e in session.scalars(select(m.Entity))
    ]
    involved = {"events": ("participant", "place"), "statements": ("speaker", "mentions"),
                "positions": ("holder", "target"), "roles": ("holder", "organization")}  # fmt: skip
    facts["timeline"] = [
        Fact(f"{resource[:-1]}:{f.slug}", resource[:-1], f.dates,
             {"entity": frozenset().union(*map(f.linked, names))})
        for resource, names in involved.items()
        for f in facts[resource]
        if f.dates is not None
    ]  # fmt: skip
    return facts


@pytest.fixture(scope="module")
def facts(seeded_url: str) -> Iterator[Facts]:
    engine = make_engine(seeded_url, read_only=True)
    with Session(engine) as session:
        yield _load(session)
    engine.dispose()


def fetch(client: FlaskClient, resource: str, query: str = "") -> list[str]:
    """Keys of every row of one page of limit=500, checking the envelope's total."""
    response = client.get(f"{API}/{resource}?{query}&limit=500")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["meta"]["total"] == len(body["data"])
    if resource == "timeline":
        return [f"{row['type']}:{row['slug']}" for row in body["data"]]
    return [row["slug"] for row in body["data"]]


def period(text: str) -> tuple[dt.date, dt.date]:
    """YYYY, YYYY-MM or YYYY-MM-DD as its first and last day."""
    parts = [int(part) for part in text.split("-")]
    first = dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    if len(parts) == 3:
        return first, first
    if len(parts) == 2:
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, following - dt.timedelta(days=1)
    return first, dt.date(first.year, 12, 31)


def rule(resource: str, name: str, value: str) -> Predicate:
    """One query parameter, read as the specification states it."""
    if name in ("kind", "mode", "stance", "type", "unit"):
        return lambda f: f.kind in value.split(",")
    if name in ("from", "to"):
        first, last = period(value)
        if name == "from":
            return lambda f: f.dates is not None and f.dates[1] >= first
        return lambda f: f.dates is not None and f.dates[0] <= last
    if name == "q" and resource in ("entities", "roles"):
        return lambda f: any(fold(value) in text for text in (f.words or {fold(f.kind)}))
    if name == "q":
        return lambda f: _tokens(value) <= f.words
    if name == "source":
        return lambda f: value == SOURCE
    return lambda f: MEANING.get(value, value.lower()) in f.linked(name)


def expected(facts: Facts, resource: str, query: str) -> set[str]:
    rules = [rule(resource, name, value) for name, value in parse_qsl(query)]
    return {f.slug for f in facts[resource] if all(r(f) for r in rules)}


# Each resource's cases, one query string each, separated by spaces.
QUERIES = {
    "entities": "kind=person kind=place,group q=premier",
    "events": (
        "kind=visit,meeting participant=Iran participant=Putin&participant=Netanyahu "
        "participant=Iran&participant=Israel&kind=military_strike place=Sochi "
        "place=syria&to=2019-08 from=2019-09-11 from=2019-09-10&to=2019-09-12 q=Sochi "
        "q=security&participant=Putin participant=Putin&from=2019-09-12 "
        "participant=Netanyahu&to=2019-09-12 "
        "participant=Putin&participant=Netanyahu&from=2019-09-10&to=2019-09-12"
    ),
    "statements": (
        "speaker=Putin mentions=Iran mentions=Iran&mentions=Russia event=press-briefing "
        "mode=direct mode=direct,mixed&from=2019-09-11 speaker=Netanyahu&mode=indirect "
        "from=2019-09-01&to=2019-09-11 to=2019-09-10 q=security q=SECURITY+coordination "
        "mentions=Iran&from=2019-09-11 mentions=Russia&from=2019-09-01&to=2019-09-12"
    ),
    "positions": (
        "holder=Israel stance=opposes stance=opposes,concerned_about&holder=israel "
        "target=annexation target=west-bank-annexation&stance=opposes target=Netanyahu "
        "target=bashar-al-assad from=2019-09&to=2019-09-11 q=annexation"
    ),
    "roles": "holder=avigdor-liberman organization=Russia q=PRESIDENT",
    "quantities": "subject=netanyahu-putin-meeting subject=Russian+immigrants unit=person",
    "timeline": (
        "from=2019-09-10&to=2019-09-10 to=2019-08 entity=Putin type=statement,role "
        "entity=vladimir-putin&type=statement,role&from=2019-09-12 "
        "entity=Netanyahu&from=2019-09-11&to=2019-09-12 entity=Israel&to=2019-09-10"
    ),
}
CASES = [(resource, query) for resource, text in QUERIES.items() for query in text.split()]


@pytest.mark.parametrize(("resource", "query"), CASES, ids=[f"{r}?{q}" for r, q in CASES])
def test_filter_answers_the_matching_rows(
    client: FlaskClient, facts: Facts, resource: str, query: str
) -> None:
    wanted = expected(facts, resource, query)
    assert 0 < len(wanted) < len(facts[resource]), "a case should select some rows, not all"
    assert set(fetch(client, resource, query)) == wanted


@pytest.mark.parametrize("resource", ["events", "statements", "positions"])
def test_source_filter(client: FlaskClient, facts: Facts, resource: str) -> None:
    assert set(fetch(client, resource, f"source={SOURCE}")) == {f.slug for f in facts[resource]}


NAMINGS = [
    ("statements", "speaker", "Putin vladimir-putin Vladimir+Putin PUTIN russian+president"),
    ("statements", "mentions", "russian-immigrants-in-israel Russian+Immigrants+in+Israel"),
    ("events", "participant", "Netanyahu benjamin-netanyahu Benjamin+Netanyahu israeli+PREMIER"),
    ("events", "place", "sochi Sochi SOCHI"),
    ("positions", "holder", "russia Russia rUSSIA"),
    ("positions", "target", "bashar-al-assad Bashar+al-Assad BASHAR+AL-ASSAD"),
    ("roles", "holder", "vladimir-putin Vladimir+Putin Russian+leader"),
    ("roles", "organization", "yisrael-beytenu Yisrael+Beytenu yisrael+beytenu+party"),
    ("quantities", "subject", "russian-immigrants-in-israel Russian+Immigrants"),
    ("timeline", "entity", "benjamin-netanyahu NETANYAHU Israeli+Prime+Minister"),
]


@pytest.mark.parametrize(
    ("resource", "parameter", "names"), NAMINGS, ids=[f"{n[0]}-{n[1]}" for n in NAMINGS]
)
def test_entity_filters_accept_slug_name_and_alias(
    client: FlaskClient, facts: Facts, resource: str, parameter: str, names: str
) -> None:
    slug = names.split()[0]
    wanted = {f.slug for f in facts[resource] if MEANING.get(slug, slug) in f.linked(parameter)}
    assert wanted
    for name in names.split():
        assert set(fetch(client, resource, f"{parameter}={name}")) == wanted, name


@pytest.mark.parametrize(
    "spellings",
    [
        "PUTIN putin PuTiN",
        "RU%E1%BA%9EIA ru%C3%9Fia RUSSIA",  # capital and small sharp s both fold to "ss"
        "%D0%9F%D0%A3%D0%A2%D0%98%D0%9D %D0%BF%D1%83%D1%82%D0%B8%D0%BD",  # ПУТИН, путин
        "Israeli+PREMIER israeli+premier",
    ],
)
def test_entity_q_is_case_insensitive_in_any_script(
    client: FlaskClient, facts: Facts, spellings: str
) -> None:
    wanted = expected(facts, "entities", f"q={spellings.split()[0]}")
    for spelling in spellings.split():
        assert set(fetch(client, "entities", f"q={spelling}")) == wanted, unquote(spelling)


LATE_AUGUST = {
    "events": "late-august-strike",
    "statements": "israel-struck-iranian-sites",
    "positions": "israel-opposes-iranian-drone-attacks",
    "timeline": "statement:israel-struck-iranian-sites",
}


@pytest.mark.parametrize("resource", list(LATE_AUGUST))
def test_late_august_is_found_by_overlap(client: FlaskClient, resource: str) -> None:
    late = LATE_AUGUST[resource]  # dated "late August": 2019-08-21 to 2019-08-31
    assert late in fetch(client, resource, "from=2019-08-28&to=2019-08-29")
    assert late in fetch(client, resource, "from=2019-08-31&to=2019-09")
    assert late not in fetch(client, resource, "to=2019-08-15")
    assert late not in fetch(client, resource, "from=2019-09-01")


@pytest.mark.parametrize(
    ("coarse", "fine"),
    [
        ("from=2019-09&to=2019-09", "from=2019-09-01&to=2019-09-30"),
        ("from=2019&to=2019", "from=2019-01-01&to=2019-12-31"),
        ("to=2019-08", "to=2019-08-31"),
    ],
)
def test_periods_cover_their_days(client: FlaskClient, coarse: str, fine: str) -> None:
    for resource in LATE_AUGUST:
        assert fetch(client, resource, coarse) == fetch(client, resource, fine)


def _month(f: Fact) -> str | None:
    return None if f.dates is None else f.dates[0].strftime("%Y-%m")


GROUPS: list[tuple[str, str, str, Callable[[Fact], str | None]]] = [
    ("statements", "speaker", "", lambda f: min(f.linked("speaker"))),
    ("statements", "mode", "", lambda f: f.kind),
    ("statements", "mode", "speaker=Putin", lambda f: f.kind),
    ("events", "month", "", _month),
    ("events", "kind", "", lambda f: f.kind),
    ("events", "month", "participant=Iran", _month),
    ("positions", "stance", "", lambda f: f.kind),
    ("quantities", "unit", "", lambda f: f.kind),
    ("entities", "kind", "", lambda f: f.kind),
]


@pytest.mark.parametrize("case", GROUPS, ids=[f"{g[0]}-{g[1]}-{g[2]}" for g in GROUPS])
def test_group_by_counts(client: FlaskClient, facts: Facts, case: tuple[Any, ...]) -> None:
    resource, group_by, filters, key = case
    wanted = expected(facts, resource, filters)
    counts = Counter(key(f) for f in facts[resource] if f.slug in wanted)
    response = client.get(f"{API}/{resource}?group_by={group_by}&{filters}")
    assert response.status_code == 200
    rows = response.get_json()["data"]
    assert all(set(row) == {"key", "label", "count"} for row in rows)
    assert {row["key"]: row["count"] for row in rows} == dict(counts)
    # One key per row: the counts add up to the total of the same filters without group_by.
    total = client.get(f"{API}/{resource}?{filters}").get_json()["meta"]["total"]
    assert sum(row["count"] for row in rows) == total == len(wanted)


@pytest.mark.parametrize(
    "query", ["from=0001", "to=0001-01", "to=9999-12", "from=9999-12-31&to=9999-12-31"]
)
@pytest.mark.parametrize("path", ["events?participant=Putin", "timeline?entity=Putin"])
def test_the_ends_of_the_calendar_are_periods_too(
    client: FlaskClient, path: str, query: str
) -> None:
    response = client.get(f"{API}/{path}&{query}")
    assert response.status_code == 200, response.get_json()
