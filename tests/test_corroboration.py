"""Several sources reporting one fact: same_as links, the facts they make, their
conflicts, and the links the loader refuses, on both writers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from factdb import migrate
from factdb.check import check_database
from factdb.commands import create_cli_app
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import SeedError, load_folders, source_folders
from factdb.loader.bulk import bulk_load_plans
from factdb.loader.remove import remove_source
from factdb.models import Source
from tests.conftest import DatabaseFactory, seed
from tests.second_report import SLUG, THIRD_SLUG, facts, third_report, write_report

# The second report's disagreements with the seed: (kind, fact, field) -> each
# source's value.
SEED = "netanyahu-fails-to-impress-putin"
CONFLICTS = {
    ("event", "netanyahu-putin-meeting", "date"): {SEED: "2019-09-12", SLUG: "2019-09-13"},
    ("event", "netanyahu-putin-meeting", "place"): {SEED: "putin-summer-residence", SLUG: "sochi"},
    ("statement", "putin-election-important", "mode"): {SEED: "direct", SLUG: "indirect"},
    ("statement", "putin-election-important", "date"): {SEED: "2019-09-12", SLUG: "2019-09-13"},
    ("quantity", "meeting-length", "value"): {SEED: "3", SLUG: "5"},
}


@pytest.fixture
def seeded(databases: DatabaseFactory) -> str:
    url = databases.new()
    seed(url)
    return url


def _load(url: str, *folders: Path, bulk: bool = False) -> None:
    engine = make_engine(url)
    try:
        load_folders(engine, folders, writer=bulk_load_plans if bulk else None)
    finally:
        engine.dispose()


def _query(url: str, sql: str) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql)))
    finally:
        engine.dispose()


def _conflicts(url: str) -> dict[tuple[str, str, str], dict[str, str]]:
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in _query(url, "SELECT kind, fact, field, source, value FROM conflicts_view"):
        found.setdefault((row.kind, row.fact, row.field), {})[row.source] = row.value
    return found


def _facts(url: str, table: str) -> dict[str, str]:
    """Each report's slug -> the slug of the fact it reports (its first report)."""
    rows = _query(
        url,
        f"SELECT r.slug, f.slug AS fact FROM {table} r JOIN {table} f ON f.id = r.fact_id",
    )
    return {row.slug: row.fact for row in rows}


def _sources(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.scalars(select(Source.slug)))
    finally:
        engine.dispose()


def test_same_as_links_each_report_and_records_every_disagreement(
    seeded: str, tmp_path: Path
) -> None:
    _load(seeded, write_report(tmp_path))
    events = _facts(seeded, "events")
    assert events["second-report-talks"] == "netanyahu-putin-meeting"
    assert events["second-report-further-meeting"] == "second-report-further-meeting"
    assert _facts(seeded, "statements")["second-report-vote-matters"] == (
        "putin-election-important"
    )
    assert _facts(seeded, "quantities")["second-report-talks-length"] == "meeting-length"
    assert _conflicts(seeded) == CONFLICTS
    assert _check(seeded) == []
    counts = _query(seeded, "SELECT slug, source_count FROM events_view WHERE source_count > 1")
    assert sorted(counts) == [("netanyahu-putin-meeting", 2), ("second-report-talks", 2)]


def test_the_bulk_path_links_and_finds_the_same_as_the_orm_path(
    databases: DatabaseFactory, seeded: str, tmp_path: Path
) -> None:
    bulk = databases.new()
    migrate.upgrade(bulk, "head")
    _load(bulk, *source_folders(SEED_DIR), write_report(tmp_path), bulk=True)
    _load(seeded, write_report(tmp_path))
    assert _conflicts(bulk) == _conflicts(seeded) == CONFLICTS
    for table in ("events", "statements", "quantities"):
        assert _facts(bulk, table) == _facts(seeded, table)


def test_reloading_either_source_keeps_its_links_and_conflicts(seeded: str, tmp_path: Path) -> None:
    folder = write_report(tmp_path)
    _load(seeded, folder)
    ids = _query(seeded, "SELECT id, fact_id FROM events ORDER BY id")
    _load(seeded, *source_folders(SEED_DIR))
    _load(seeded, folder)
    assert _query(seeded, "SELECT id, fact_id FROM events ORDER BY id") == ids
    assert _conflicts(seeded) == CONFLICTS


def test_a_report_unlinked_on_reload_is_a_fact_of_its_own_again(
    seeded: str, tmp_path: Path
) -> None:
    _load(seeded, write_report(tmp_path))
    data = facts()
    del data["statements"][0]["same_as"]
    _load(seeded, write_report(tmp_path, data))
    statements = _facts(seeded, "statements")
    assert statements["second-report-vote-matters"] == "second-report-vote-matters"
    assert statements["putin-election-important"] == "putin-election-important"
    expected = {key: value for key, value in CONFLICTS.items() if key[0] != "statement"}
    assert _conflicts(seeded) == expected


def test_a_report_removed_on_reload_leaves_the_fact_to_its_other_report(
    seeded: str, tmp_path: Path
) -> None:
    _load(seeded, write_report(tmp_path))
    data = facts()
    data["quantities"] = []
    _load(seeded, write_report(tmp_path, data))
    assert "second-report-talks-length" not in _facts(seeded, "quantities")
    assert ("quantity", "meeting-length", "value") not in _conflicts(seeded)


@pytest.mark.parametrize(
    ("status", "conflict"),
    [("planned", None), ("held", None), ("cancelled", {SEED: "held", SLUG: "cancelled"})],
)
def test_an_announcement_and_a_report_of_one_event_do_not_conflict_but_a_cancellation_does(
    seeded: str, tmp_path: Path, status: str, conflict: dict[str, str] | None
) -> None:
    data = facts()
    data["events"][0]["status"] = status
    _load(seeded, write_report(tmp_path, data))
    assert _conflicts(seeded).get(("event", "netanyahu-putin-meeting", "status")) == conflict


def test_a_later_report_may_name_an_earlier_later_report(seeded: str, tmp_path: Path) -> None:
    _load(seeded, write_report(tmp_path))
    _load(seeded, write_report(tmp_path, third_report(), slug=THIRD_SLUG))
    events = _facts(seeded, "events")
    assert events["third-report-talks"] == "netanyahu-putin-meeting"
    dates = _conflicts(seeded)[("event", "netanyahu-putin-meeting", "date")]
    assert dates == {
        SEED: "2019-09-12",
        SLUG: "2019-09-13",
        THIRD_SLUG: "2019-09-13",
    }


@pytest.mark.parametrize(
    ("section", "same_as", "field", "message"),
    [
        ("events", "no-such-meeting", "same_as", "no stored event 'no-such-meeting'"),
        ("events", "putin-election-important", "same_as", "is a statement, not an event"),
        ("events", "second-report-further-meeting", "same_as", "a fact of this same source"),
        (
            "events",
            ["netanyahu-putin-meeting", "press-briefing"],
            "same_as",
            "a fact has one report per source",
        ),
        ("quantities", ["meeting-length", "meeting-length"], "same_as", "same key twice"),
    ],
)
def test_a_bad_link_is_refused_with_the_file_the_fact_and_the_field_and_nothing_loads(
    seeded: str,
    tmp_path: Path,
    section: str,
    same_as: str | list[str],
    field: str,
    message: str,
) -> None:
    data = facts()
    data[section][0]["same_as"] = same_as
    folder = write_report(tmp_path, data)
    with pytest.raises(SeedError) as raised:
        _load(seeded, folder)
    problems = raised.value.problems
    assert len(problems) == 1, problems
    (problem,) = problems
    assert problem.file == str(folder / "facts.yaml")
    assert problem.fact is not None and problem.fact.startswith(f"{section}[0]")
    assert problem.field == field
    assert message in problem.message
    assert SLUG not in _sources(seeded)
    assert _conflicts(seeded) == {}


def _check(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return check_database(session)
    finally:
        engine.dispose()


def _remove(url: str, slug: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        return remove_source(engine, slug)
    finally:
        engine.dispose()


def test_removing_the_later_report_leaves_the_seed_as_it_was(seeded: str, tmp_path: Path) -> None:
    before = {table: _facts(seeded, table) for table in ("events", "statements", "quantities")}
    entities = _query(seeded, "SELECT id, slug, name, kind, description FROM entities")
    _load(seeded, write_report(tmp_path))
    counts = _remove(seeded, SLUG)
    assert counts["events"] == 2 and counts["statements"] == 1 and counts["quantities"] == 1
    assert {table: _facts(seeded, table) for table in before} == before
    assert _query(seeded, "SELECT id, slug, name, kind, description FROM entities") == entities
    assert _conflicts(seeded) == {}
    assert _check(seeded) == []


def test_removing_the_first_report_leaves_the_fact_to_the_later_one(
    seeded: str, tmp_path: Path
) -> None:
    _load(seeded, write_report(tmp_path))
    _remove(seeded, SEED)
    assert _sources(seeded) == {SLUG}
    assert _facts(seeded, "events") == {
        "second-report-talks": "second-report-talks",
        "second-report-further-meeting": "second-report-further-meeting",
    }
    assert _conflicts(seeded) == {}
    entities = {row.slug for row in _query(seeded, "SELECT slug FROM entities")}
    assert entities == {"benjamin-netanyahu", "vladimir-putin", "sochi", "russia"}
    assert _check(seeded) == []


def test_removing_an_unknown_source_is_a_clear_error(seeded: str) -> None:
    with pytest.raises(LookupError, match="no source 'no-such-source' is stored"):
        _remove(seeded, "no-such-source")


def _naming_the_seed() -> dict[str, Any]:
    """The second report, naming two of the seed's facts without reporting them: the
    briefing its quote was given at, and the election a date counts from."""
    data = facts()
    data["dates"].append(
        {
            "key": "second-report-before-election",
            "text": "five days ahead of the Israeli elections",
            "relative": {"anchor": "knesset-election", "offset_days": -5},
        }
    )
    data["statements"][0]["event"] = "press-briefing"
    data["events"][1]["part_of"] = "sochi-visit"
    return data


@pytest.mark.parametrize("bulk", [False, True])
def test_a_source_may_name_facts_and_anchor_dates_on_events_another_source_stored(
    databases: DatabaseFactory, tmp_path: Path, bulk: bool
) -> None:
    url = databases.new()
    migrate.upgrade(url, "head")
    _load(url, *source_folders(SEED_DIR), bulk=bulk)
    _load(url, write_report(tmp_path, _naming_the_seed()), bulk=bulk)
    (row,) = _query(
        url,
        "SELECT d.start_date, a.slug AS anchor FROM dates d JOIN dates a"
        " ON a.id = d.anchor_date_id WHERE d.slug = 'second-report-before-election'",
    )
    assert (str(row.start_date), row.anchor) == ("2019-09-12", "knesset-election-day")
    (event,) = _query(
        url,
        "SELECT e.slug FROM statements s JOIN events e ON e.id = s.event_id"
        " WHERE s.slug = 'second-report-vote-matters'",
    )
    assert event.slug == "press-briefing"
    (parent,) = _query(
        url,
        "SELECT p.slug FROM events e JOIN events p ON p.id = e.part_of_id"
        " WHERE e.slug = 'second-report-further-meeting'",
    )
    assert parent.slug == "sochi-visit"
    assert _check(url) == []


def test_a_fact_named_nowhere_is_refused_naming_the_field(seeded: str, tmp_path: Path) -> None:
    data = facts()
    data["statements"][0]["event"] = "no-such-briefing"
    with pytest.raises(SeedError) as raised:
        _load(seeded, write_report(tmp_path, data))
    (problem,) = raised.value.problems
    assert problem.fact == "statements[0] 'second-report-vote-matters'"
    assert problem.field == "event"
    assert "unknown event 'no-such-briefing'" in problem.message
    assert "nor another stored source" in problem.message
    assert SLUG not in _sources(seeded)


def test_a_source_that_others_name_is_not_removed(seeded: str, tmp_path: Path) -> None:
    _load(seeded, write_report(tmp_path, _naming_the_seed()))
    with pytest.raises(SeedError) as raised:
        _remove(seeded, SEED)
    messages = "\n".join(str(problem) for problem in raised.value.problems)
    assert "events 'press-briefing'" in messages
    assert "statements 'second-report-vote-matters' of 'sochi-talks-second-report' (event)" in (
        messages
    )
    assert "dates 'knesset-election-day'" in messages
    assert _sources(seeded) == {SEED, SLUG}


def test_a_fact_another_source_also_reports_is_named_through_that_report_once_removed(
    seeded: str, tmp_path: Path
) -> None:
    _load(seeded, write_report(tmp_path))
    third = {
        "source": {
            "slug": "sochi-talks-third-report",
            "title": "A Third Report",
            "year": {"value": 2019, "reason": "The year of the visit."},
        },
        "statements": [
            {
                "key": "third-report-vote-matters",
                "speaker": "vladimir-putin",
                "speaker_text": "Putin",
                "mode": "indirect",
                "text": "the outcome of the Israeli vote mattered a great deal to Russia",
                "event": "netanyahu-putin-meeting",
                "evidence": ["Putin told reporters"],
            }
        ],
    }
    _load(seeded, write_report(tmp_path, third, slug="sochi-talks-third-report"))
    _remove(seeded, SEED)
    (event,) = _query(
        seeded,
        "SELECT e.slug FROM statements s JOIN events e ON e.id = s.event_id"
        " WHERE s.slug = 'third-report-vote-matters'",
    )
    assert event.slug == "second-report-talks"
    assert _check(seeded) == []


def test_the_remove_command_lists_what_other_sources_name_and_exits_1(
    seeded: str, tmp_path: Path
) -> None:
    _load(seeded, write_report(tmp_path, _naming_the_seed()))
    app = create_cli_app({"DATABASE_URL": seeded})
    result = app.test_cli_runner().invoke(args=["remove", SEED])
    assert result.exit_code == 1
    assert "nothing was removed:" in result.output
    assert "(event)" in result.output
    result = app.test_cli_runner().invoke(args=["remove", SLUG])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"removed {SLUG}: 3 dates, 2 events")
    result = app.test_cli_runner().invoke(args=["remove", SLUG])
    assert result.exit_code == 1
    assert f"no source {SLUG!r} is stored" in result.output
