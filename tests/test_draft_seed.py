"""The targets on the seed article, drafted into an empty database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from factdb.config import SEED_DIR
from factdb.draft.compare import compare_sides, draft_side, reviewed_side
from factdb.draft.pipeline import Meta, check, draft_text
from factdb.draft.store import StoredNames
from factdb.loader.dates import Interval

SEED = SEED_DIR / "netanyahu-fails-to-impress-putin"
TEXT = (SEED / "article.txt").read_text(encoding="utf-8")
PUBLISHED = dt.date(2019, 9, 12)


@pytest.fixture(scope="module")
def drafted() -> tuple[object, object]:
    draft = draft_text(TEXT, Meta(published=PUBLISHED), StoredNames())
    _, plan = check(draft, StoredNames())  # the loader accepts it, or this fails loudly
    return draft, plan


def test_the_three_direct_quotes_verbatim_with_their_speaker(drafted: tuple) -> None:
    _, plan = drafted
    direct = [
        (plan.fact_text("statements", s["key"]), s["speaker"])
        for s in plan.sections["statements"]
        if s["mode"] == "direct"
    ]
    assert direct == [
        ("The results of the Knesset election are very important to Moscow,", "vladimir-putin"),
        (
            "It hopes that politicians will be elected who maintain close ties with Russia.",
            "vladimir-putin",
        ),
        (
            "Security coordination is always important, but it is especially important now, in "
            "light of the past month\u2019s sharp spike in the number and the scope of Iran\u2019s "
            "attempts "
            "to harm Israel from Syrian territory and transfer precision missiles to Syria,",
            "benjamin-netanyahu",
        ),
    ]


def test_entity_recall_and_precision(drafted: tuple) -> None:
    draft, plan = drafted
    scores = compare_sides(draft_side(draft, plan), reviewed_side(SEED))
    kinds = [
        "entities: people",
        "entities: countries",
        "entities: organizations",
        "entities: parties",
    ]
    found = sum(scores[k].found for k in kinds)
    reviewed = sum(scores[k].reviewed for k in kinds)
    matched_found = sum(scores[k].matched_found for k in kinds)
    matched_reviewed = sum(scores[k].matched_reviewed for k in kinds)
    assert matched_reviewed / reviewed >= 0.9
    assert matched_found / found >= 0.8


def _interval(plan: object, key: str) -> Interval:
    return plan.intervals[key]  # type: ignore[attr-defined]


def test_explicit_dates_take_the_publication_year(drafted: tuple) -> None:
    _, plan = drafted
    found = {
        plan.fact_text("dates", d["key"]): (
            _interval(plan, d["key"]).start,
            _interval(plan, d["key"]).end,
        )
        for d in plan.sections["dates"]
        if d["when"] is not None
    }
    assert found["September 12th"] == (dt.date(2019, 9, 12),) * 2
    assert found["September 17th"] == (dt.date(2019, 9, 17),) * 2
    assert found["September 10th"] == (dt.date(2019, 9, 10),) * 2
    assert found["late August"] == (dt.date(2019, 8, 21), dt.date(2019, 8, 31))
    assert plan.source["year"]["value"] == 2019


def test_relative_dates_are_relative_to_events(drafted: tuple) -> None:
    _, plan = drafted
    events = {e["key"]: e["kind"] for e in plan.sections["events"]}
    relative = {
        plan.fact_text("dates", d["key"]): d for d in plan.sections["dates"] if d["relative"]
    }
    before_election = relative["five days before the general election"]
    assert events[before_election["relative"]["anchor"]] == "election"
    assert _interval(plan, before_election["key"]).start == dt.date(2019, 9, 12)
    before_visit = next(d for text, d in relative.items() if text.startswith("two days before"))
    assert events[before_visit["relative"]["anchor"]] == "visit"
    assert _interval(plan, before_visit["key"]).start == dt.date(2019, 9, 10)


def test_meeting_visit_election_and_press_briefing(drafted: tuple) -> None:
    _, plan = drafted
    events = {e["kind"]: e for e in plan.sections["events"]}
    day = {
        kind: _interval(plan, events[kind]["date"]).start
        for kind in ("meeting", "visit", "press_briefing", "election")
    }
    assert day == {
        "meeting": dt.date(2019, 9, 12),
        "visit": dt.date(2019, 9, 12),
        "press_briefing": dt.date(2019, 9, 12),
        "election": dt.date(2019, 9, 17),
    }
    quantities = {q["unit"]: q for q in plan.sections["quantities"]}
    assert quantities["meeting (ordinal)"]["subject"]["event"] == events["meeting"]["key"]


def test_without_published_the_year_is_not_invented() -> None:
    draft = draft_text(TEXT, Meta(), StoredNames())
    _, plan = check(draft, StoredNames())
    assert plan.source["year"] is None and plan.sections["dates"] == []
    unplaced = {u.words for u in draft.unplaced if u.section == "dates"}
    assert {"September 12th", "September 17th", "September 10th", "late August"} <= unplaced


def test_draft_file_is_marked_and_every_fact_unreviewed(tmp_path: Path) -> None:
    draft = draft_text(TEXT, Meta(published=PUBLISHED), StoredNames())
    content, _ = check(draft, StoredNames())
    assert "drafted: true" in content
    for section in ("events", "roles", "statements", "positions", "quantities"):
        count = len(draft.facts[section])
        assert (
            content.split(f"\n{section}:", 1)[1].split("\n\n", 1)[0].count("reviewed: false")
            == count
        )
    assert content.count("# rule: ") == sum(draft.counts().values())
