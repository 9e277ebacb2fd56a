"""The facts-file fields of drafting: the draft mark, per-date years, the published
anchor, weekdays and calendar offsets, approximations, relayed statements, quotes in
parts and event statuses; stored alike by both writers, and refused with the file, the
fact and the field when wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb import migrate
from factdb.check import check_database
from factdb.db import make_engine
from factdb.loader import SeedError, load_folders, load_plans
from factdb.loader.background import prepared_makers
from factdb.loader.bulk import bulk_load_plans
from factdb.loader.plan import prepare_folder
from factdb.models import DateInterval, Event, Quantity, Role, Source, Statement
from tests.conftest import DatabaseFactory
from tests.drafting_source import SLUG, Facts, facts, write_source
from tests.test_bulk_load import assert_same_rows


def new_database(databases: DatabaseFactory) -> str:
    url = databases.new()
    migrate.upgrade(url, "head")
    return url


@pytest.fixture(scope="module")
def empty_database(databases: DatabaseFactory) -> str:
    """A migrated database that the error tests must leave empty."""
    return new_database(databases)


@pytest.fixture(scope="module")
def loaded(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A session on a database holding the source, loaded with load_folders."""
    folder = write_source(tmp_path_factory.mktemp("drafting"), facts())
    engine = make_engine(new_database(databases))
    load_folders(engine, [folder])
    with Session(engine) as session:
        yield session
    engine.dispose()


def one(session: Session, model: Any, slug: str) -> Any:
    return session.scalars(select(model).where(model.slug == slug)).one()


def test_drafted_source_makes_its_facts_drafts_unless_marked(loaded: Session) -> None:
    assert one(loaded, Source, SLUG).drafted is True
    reviewed = {
        slug: one(loaded, model, slug).reviewed
        for model, slug in [
            (Event, "council-talks"),
            (Event, "bridge-vote"),
            (Role, "varga-mayor"),
            (Statement, "varga-talks-useful"),
            (Statement, "pell-residents-wrote"),
            (Quantity, "residents-who-wrote"),
        ]
    }
    assert reviewed == {
        "council-talks": True,
        "bridge-vote": False,
        "varga-mayor": False,
        "varga-talks-useful": False,
        "pell-residents-wrote": False,
        "residents-who-wrote": False,
    }


def test_dates_store_their_rules(loaded: Session) -> None:
    thursday = one(loaded, DateInterval, "council-thursday")
    assert (thursday.start_date, thursday.end_date) == (dt.date(2026, 3, 12),) * 2
    assert (thursday.relative_anchor, thursday.anchor_date_id) == ("published", None)
    assert (thursday.relative_weekday, thursday.relative_direction) == ("thursday", "on_or_before")
    assert (thursday.relative_offset, thursday.relative_unit, thursday.offset_days) == (None,) * 3

    founded = one(loaded, DateInterval, "council-founded")
    assert (founded.start_date, founded.end_date, founded.precision) == (
        dt.date(1951, 1, 1),
        dt.date(1951, 12, 31),
        "year",
    )
    assert (founded.relative_offset, founded.relative_unit, founded.offset_days) == (
        -75,
        "years",
        None,
    )

    meeting = one(loaded, DateInterval, "next-meeting")  # three months after 12 March
    assert (meeting.start_date, meeting.end_date, meeting.precision) == (
        dt.date(2026, 6, 1),
        dt.date(2026, 6, 30),
        "month",
    )
    assert meeting.anchor is not None and meeting.anchor.slug == "council-thursday"
    assert meeting.relative_anchor == "date"

    before = one(loaded, DateInterval, "day-before-talks")
    assert (before.start_date, before.offset_days, before.relative_unit) == (
        dt.date(2026, 3, 11),
        -1,
        "days",
    )

    january = one(loaded, DateInterval, "vote-january")
    assert (january.start_date, january.year_basis) == (dt.date(2027, 1, 1), "inferred")
    assert january.note == "a coming month in an article of March 2026"


def test_statements_relayed_and_in_parts(loaded: Session) -> None:
    quote = one(loaded, Statement, "varga-talks-useful")
    assert quote.text == "The talks were useful, and they will go on."
    spans = {span.text for span in quote.evidence}
    assert {"The talks were useful,", "and they will go on."} <= spans
    relayed = one(loaded, Statement, "pell-residents-wrote")
    assert relayed.relayed_by is not None and relayed.relayed_by.slug == "ilse-varga"
    assert (relayed.speaker.slug, relayed.relayed_by_text) == ("dario-pell", "her")


def test_events_and_quantities(loaded: Session) -> None:
    statuses = {slug: one(loaded, Event, slug).status for slug in ("council-talks", "bridge-vote")}
    assert statuses == {"council-talks": "held", "bridge-vote": "planned"}
    assert one(loaded, Event, "harbour-fair").status == "cancelled"
    quantity = one(loaded, Quantity, "residents-who-wrote")
    assert (quantity.approximation, quantity.approximate) == ("over", True)


def test_check_passes_on_the_new_fields(loaded: Session) -> None:
    assert check_database(loaded) == []


def test_both_writers_store_the_same_rows(databases: DatabaseFactory, tmp_path: Path) -> None:
    folder = write_source(tmp_path, facts())
    urls = new_database(databases), new_database(databases)
    for url, loader in zip(urls, (load_plans, bulk_load_plans), strict=True):
        engine = make_engine(url)
        loader(engine, list(prepared_makers([folder], prepare_folder, 0)), batch_size=10)
        engine.dispose()
    assert_same_rows(*urls)


# -- errors: the file, the fact and the field --------------------------------------------


def find(data: Facts, section: str, key: str) -> Facts:
    return next(item for item in data[section] if key in (item.get("key"), item.get("slug")))


def setting(section: str, key: str, **values: Any) -> Callable[[Facts], None]:
    def change(data: Facts) -> None:
        find(data, section, key).update(values)

    return change


def no_published_on(data: Facts) -> None:
    data["source"]["published_on"] = None


ERRORS = [
    ("published-missing", no_published_on, "dates[0] 'council-thursday'", "relative.anchor"),
    (
        "weekday-and-offset",
        setting(
            "dates",
            "council-founded",
            relative={"anchor": "published", "offset": 1, "weekday": "friday"},
        ),
        "dates[2] 'council-founded'",
        "relative.weekday",
    ),
    (
        "offset-and-offset-days",
        setting(
            "dates",
            "day-before-talks",
            relative={"anchor": "council-talks", "offset": 1, "offset_days": 1},
        ),
        "dates[4] 'day-before-talks'",
        "relative.offset",
    ),
    (
        "year-with-a-year",
        setting("dates", "vote-january", when="2027-01"),
        "dates[1] 'vote-january'",
        "year",
    ),
    (
        "unknown-approximation",
        setting("quantities", "residents-who-wrote", approximation="roughly"),
        "quantities[0] 'residents-who-wrote'",
        "approximation",
    ),
    (
        "approximation-not-approximate",
        setting("quantities", "residents-who-wrote", approximate=False),
        "quantities[0] 'residents-who-wrote'",
        "approximation",
    ),
    (
        "unknown-status",
        setting("events", "bridge-vote", status="postponed"),
        "events[1] 'bridge-vote'",
        "status",
    ),
    (
        "reviewed-not-boolean",
        setting("roles", "varga-mayor", reviewed="perhaps"),
        "roles[0] 'varga-mayor'",
        "reviewed",
    ),
    (
        "drafted-not-boolean",
        lambda data: data["source"].update(drafted="perhaps"),
        "source",
        "drafted",
    ),
    (
        "unknown-relayer",
        setting("statements", "pell-residents-wrote", relayed_by="nobody-at-all"),
        "statements[1] 'pell-residents-wrote'",
        "relayed_by",
    ),
    (
        "relayer-text-alone",
        setting("statements", "pell-residents-wrote", relayed_by=None),
        "statements[1] 'pell-residents-wrote'",
        "relayed_by_text",
    ),
    (
        "part-not-found",
        setting("statements", "varga-talks-useful", text=["The talks were useful,", "and never"]),
        "statements[0] 'varga-talks-useful'",
        "text.1",
    ),
    (
        "parts-out-of-order",
        setting("statements", "varga-talks-useful", text=["and they will go on.", "The talks"]),
        "statements[0] 'varga-talks-useful'",
        "text.1",
    ),
    (
        "no-parts",
        setting("statements", "varga-talks-useful", text=[]),
        "statements[0] 'varga-talks-useful'",
        "text",
    ),
]


@pytest.mark.parametrize(
    ("change", "fact", "field"), [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS]
)
def test_bad_new_fields_name_file_fact_and_field(
    empty_database: str,
    tmp_path: Path,
    change: Callable[[Facts], None],
    fact: str,
    field: str,
) -> None:
    data = facts()
    change(data)
    folder = write_source(tmp_path, data)
    engine = make_engine(empty_database)
    try:
        with pytest.raises(SeedError) as raised:
            load_folders(engine, [folder])
        with Session(engine) as session:
            assert session.scalars(select(Source)).all() == []
    finally:
        engine.dispose()
    problems = [(p.file, p.fact, p.field) for p in raised.value.problems]
    assert (str(folder / "facts.yaml"), fact, field) in problems, raised.value.problems


def test_deleting_reviewed_in_a_drafted_file_keeps_a_draft(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    data = facts()
    del find(data, "events", "council-talks")["reviewed"]
    engine = make_engine(new_database(databases))
    try:
        load_folders(engine, [write_source(tmp_path, data)])
        with Session(engine) as session:
            assert one(session, Event, "council-talks").reviewed is False
    finally:
        engine.dispose()


def test_an_undrafted_file_is_reviewed_unless_marked(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    data = facts()
    del data["source"]["drafted"]
    engine = make_engine(new_database(databases))
    try:
        load_folders(engine, [write_source(tmp_path, data)])
        with Session(engine) as session:
            assert one(session, Source, SLUG).drafted is False
            assert one(session, Role, "varga-mayor").reviewed is True
            assert one(session, Statement, "pell-residents-wrote").reviewed is False
    finally:
        engine.dispose()
