"""Loading the seed: idempotent updates keyed on slugs, code-point offsets, dates,
entities shared between sources, and search documents kept in step."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factdb import migrate
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import load_folders
from factdb.models import (
    Base,
    DateInterval,
    Entity,
    Event,
    Evidence,
    Position,
    SearchDocument,
    Source,
    Statement,
)

SEED_FOLDER = SEED_DIR / "netanyahu-fails-to-impress-putin"
ARTICLE = (SEED_FOLDER / "article.txt").read_text(encoding="utf-8")
Facts = dict[str, Any]
Tables = dict[str, list[tuple[Any, ...]]]


def dump_tables(engine: Engine) -> Tables:
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


def copy_seed(parent: Path, change: Callable[[Facts], None]) -> Path:
    folder = parent / SEED_FOLDER.name
    shutil.copytree(SEED_FOLDER, folder)
    path = folder / "facts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def item(data: Facts, section: str, key: str) -> dict[str, Any]:
    return next(i for i in data[section] if key in (i.get("key"), i.get("slug")))


def by_slug(session: Session, model: Any, slug: str) -> Any:
    return session.scalars(select(model).where(model.slug == slug)).one()


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def engine(empty_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def seeded(databases: Any) -> Iterator[Session]:
    """A read-only session on this module's own seeded database."""
    url = databases.new()
    migrate.upgrade(url, "head")
    engine = make_engine(url)
    load_folders(engine, [SEED_FOLDER])
    with Session(engine) as session:
        yield session
    engine.dispose()


# -- idempotence and updates ------------------------------------------------------------


def test_loading_twice_gives_identical_tables(engine: Engine) -> None:
    load_folders(engine, [SEED_FOLDER])
    first = dump_tables(engine)
    load_folders(engine, [SEED_FOLDER])
    assert dump_tables(engine) == first
    assert all(first[name] for name in ("sources", "entities", "statements", "evidence"))


NEW_POSITION = """{key: iran-part-of-syrian-war, holder: iran, stance: supports,
  target: {entity: bashar-al-assad}, description: Iran is part of the war in Syria,
  evidence: [Iran has been a pivotal part]}"""


def edit_seed(data: Facts) -> None:
    item(data, "statements", "putin-election-important")["mode"] = "indirect"
    item(data, "statements", "putin-hopes-close-ties")["text"] = "close ties with Russia."
    item(data, "entities", "sochi")["description"] = "A resort city on the Black Sea"
    data["positions"].remove(item(data, "positions", "iran-supports-assad"))
    data["positions"].append(yaml.safe_load(NEW_POSITION))


def test_edited_file_is_applied_as_update(engine: Engine, tmp_path: Path) -> None:
    load_folders(engine, [SEED_FOLDER])
    with Session(engine) as session:
        ids = {
            "statement": by_slug(session, Statement, "putin-election-important").id,
            "entity": by_slug(session, Entity, "sochi").id,
            "removed": by_slug(session, Position, "iran-supports-assad").id,
        }
        counts = {model: count(session, model) for model in (Statement, Entity, Position)}

    load_folders(engine, [copy_seed(tmp_path, edit_seed)])

    with Session(engine) as session:
        statement = by_slug(session, Statement, "putin-election-important")
        assert (statement.id, statement.mode) == (ids["statement"], "indirect")
        sochi = by_slug(session, Entity, "sochi")
        assert (sochi.id, sochi.description) == (ids["entity"], "A resort city on the Black Sea")
        assert count(session, Statement) == counts[Statement]
        assert count(session, Entity) == counts[Entity]
        assert count(session, Position) == counts[Position]  # one removed, one added

        slugs = set(session.scalars(select(Position.slug)))
        assert "iran-supports-assad" not in slugs
        orphans = select(Evidence).where(Evidence.position_id == ids["removed"])
        assert session.scalar(orphans) is None
        added = by_slug(session, Position, "iran-part-of-syrian-war")
        assert [e.text for e in added.evidence] == ["Iran has been a pivotal part"]
        assert added.target_entity.slug == "bashar-al-assad"

        documents = {(d.fact_type, d.slug): d.body for d in session.scalars(select(SearchDocument))}
        assert documents[("statement", "putin-hopes-close-ties")] == "close ties with Russia."
        assert ("position", "iran-supports-assad") not in documents
        assert ("position", "iran-part-of-syrian-war") in documents
        assert "A resort city on the Black Sea" in documents[("entity", "sochi")]
        edited = by_slug(session, Statement, "putin-hopes-close-ties")
        assert edited.text == "close ties with Russia."
        assert "close ties with Russia." in [e.text for e in edited.evidence]


# -- offsets ----------------------------------------------------------------------------


def test_every_evidence_span_is_code_point_offsets_into_the_text(seeded: Session) -> None:
    rows = seeded.execute(
        select(Evidence.start_offset, Evidence.end_offset, Evidence.text, Source.text).join(
            Source, Source.id == Evidence.source_id
        )
    ).all()
    assert len(rows) > 100
    for start, end, text, source_text in rows:
        assert source_text[start:end] == text


def test_direct_quote_offsets_match_str_index(seeded: Session) -> None:
    quote = "The results of the Knesset election are very important to Moscow,"
    start = ARTICLE.index(quote)
    statement = by_slug(seeded, Statement, "putin-election-important")
    spans = [(e.start_offset, e.end_offset) for e in statement.evidence]
    assert (start, start + len(quote)) in spans
    # The article has multi-byte characters (curly quotes) before the quote, so
    # UTF-8 byte offsets would differ from these.
    assert len(ARTICLE[:start].encode("utf-8")) != start


def test_excerpt_with_curly_quotes_is_stored_verbatim(seeded: Session) -> None:
    statement = by_slug(seeded, Statement, "arab-ministers-aggression")
    assert "“aggression”" in statement.text
    topic_span = "the “harm” it does to Israel’s security"  # noqa: RUF001
    start = ARTICLE.index(topic_span)
    evidence = seeded.scalars(select(Evidence).where(Evidence.start_offset == start)).all()
    assert [(e.end_offset, e.text) for e in evidence] == [(start + len(topic_span), topic_span)]


def test_ordinary_space_in_excerpt_matches_no_break_space(engine: Engine, tmp_path: Path) -> None:
    excerpt = "either. Perhaps Putin’s lack"  # noqa: RUF001

    def add_excerpt(data: Facts) -> None:
        item(data, "entities", "vladimir-putin")["evidence"].append(excerpt)

    load_folders(engine, [copy_seed(tmp_path, add_excerpt)])

    stored = "either.\u00a0Perhaps Putin’s lack"  # noqa: RUF001
    start = ARTICLE.index(stored)
    with Session(engine) as session:
        rows = session.scalars(select(Evidence).where(Evidence.text.contains("Perhaps"))).all()
        assert [(e.start_offset, e.end_offset, e.text) for e in rows] == [
            (start, start + len(stored), stored)
        ]
        # The seed's own "at the press briefing with Putin" spans one too.
        briefing = session.scalars(
            select(Evidence.text).where(Evidence.text.like("%press briefing with Putin"))
        ).one()
        assert briefing == "at\u00a0the press briefing with Putin"


# -- dates ------------------------------------------------------------------------------


RELATIVE_DATES = {  # slug: (its text, its day, the anchor date's slug, the anchor's day)
    "moscow-objection-day": (
        "two days before Netanyahu’s plane touched down in Sochi",  # noqa: RUF001
        "2019-09-10",
        "sochi-visit-day",
        "2019-09-12",
    ),
    "five-days-before-election": (
        "five days before the general election",
        "2019-09-12",
        "knesset-election-day",
        "2019-09-17",
    ),
}


@pytest.mark.parametrize("slug", RELATIVE_DATES)
def test_relative_date_is_computed_from_its_anchor(seeded: Session, slug: str) -> None:
    text, day, anchor, anchor_day = RELATIVE_DATES[slug]
    date = by_slug(seeded, DateInterval, slug)
    assert (date.text, str(date.start_date), str(date.end_date)) == (text, day, day)
    assert (date.basis, date.precision, date.length_days) == ("relative", "day", 1)
    assert date.anchor is not None
    assert (date.anchor.slug, str(date.anchor.start_date)) == (anchor, anchor_day)


def test_year_is_inferred_for_every_date(seeded: Session) -> None:
    year_bases = set(seeded.scalars(select(DateInterval.year_basis)))
    assert year_bases == {"inferred"}
    source = by_slug(seeded, Source, SEED_FOLDER.name)
    assert source.year_note and source.year_note.strip()


def test_late_august_is_part_of_month(seeded: Session) -> None:
    date = by_slug(seeded, DateInterval, "late-august")
    assert (date.start_date, date.end_date) == (dt.date(2019, 8, 21), dt.date(2019, 8, 31))
    assert date.precision == "part_of_month"
    assert date.basis == "explicit"


# -- a second source --------------------------------------------------------------------

TINY_TEXT = "Vladimir Putin met Netanyahu in Sochi on 3 May 2020."
TINY_FACTS = """
source: {slug: tiny-source, title: A tiny source}
entities:
  # another slug, the same name and kind as vladimir-putin
  - {slug: putin, name: Vladimir Putin, kind: person, description: Russian president,
     evidence: [Vladimir Putin]}
  # another slug, named like one of benjamin-netanyahu's aliases
  - {slug: bibi, name: Netanyahu, kind: person, description: Israeli premier,
     evidence: [Netanyahu]}
dates:
  - {key: tiny-day, text: 3 May 2020, when: "2020-05-03"}
events:
  - key: tiny-meeting
    kind: meeting
    title: Putin meets Netanyahu
    date: tiny-day
    place: sochi                               # defined only by the seed source
    participants:
      - {entity: putin, role: host}
      - {entity: bibi, role: guest}
      - {entity: russia, role: host country}   # seed only, too
    evidence: [met Netanyahu in Sochi]
"""


def write_tiny_source(parent: Path, facts: str) -> Path:
    """The tiny second source's folder, with ``facts`` as its facts file."""
    folder = parent / "tiny-source"
    folder.mkdir(parents=True)
    (folder / "article.txt").write_text(TINY_TEXT, encoding="utf-8")
    (folder / "facts.yaml").write_text(facts, encoding="utf-8")
    return folder


@pytest.fixture
def two_sources(engine: Engine, tmp_path: Path) -> Iterator[Session]:
    """The seed and a tiny second source, loaded together in one call."""
    load_folders(engine, [SEED_FOLDER, write_tiny_source(tmp_path, TINY_FACTS)])
    with Session(engine) as session:
        yield session


def test_second_source_matches_existing_entities_by_name_and_alias(
    two_sources: Session,
) -> None:
    session = two_sources
    slugs = set(session.scalars(select(Entity.slug)))
    assert not {"putin", "bibi"} & slugs
    names = list(session.scalars(select(Entity.name).where(Entity.kind == "person")))
    assert names.count("Vladimir Putin") == 1
    event = by_slug(session, Event, "tiny-meeting")
    participants = {p.entity.slug: p.role for p in event.participants}
    assert participants == {
        "vladimir-putin": "host",
        "benjamin-netanyahu": "guest",
        "russia": "host country",
    }


def test_second_source_references_entities_of_the_first(two_sources: Session) -> None:
    session = two_sources
    event = by_slug(session, Event, "tiny-meeting")
    assert event.place is not None and event.place.slug == "sochi"
    assert event.source.slug == "tiny-source"


def test_second_source_keeps_its_evidence_of_a_matched_entity(two_sources: Session) -> None:
    session = two_sources
    rows = session.execute(
        select(Entity.slug, Evidence.start_offset, Evidence.end_offset, Evidence.text)
        .join(Evidence, Evidence.entity_id == Entity.id)
        .join(Source, Source.id == Evidence.source_id)
        .where(Source.slug == "tiny-source")
        .order_by(Evidence.start_offset)
    ).all()
    assert [tuple(row) for row in rows] == [
        ("vladimir-putin", 0, 14, "Vladimir Putin"),
        ("benjamin-netanyahu", 19, 28, "Netanyahu"),
    ]
