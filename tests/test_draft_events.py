"""Events from trigger words, their status, date and participants."""

from __future__ import annotations

import datetime as dt

from tests.draft_helpers import draft, facts

BODY = (
    "Mayor Tomas Kelder visited the town of Oddeby on May 4th. He met Ilse Varga at the "
    "town hall. At a press briefing after the meeting, Kelder said the bridge would be "
    "rebuilt. Varga will meet the governor before the election."
)


def test_events_with_kind_date_and_status() -> None:
    events = {e["kind"]: e for e in facts(draft(BODY, dt.date(2024, 5, 6)), "events")}
    assert set(events) == {"visit", "meeting", "press_briefing", "election"}
    assert events["visit"]["date"] == events["meeting"]["date"] is not None
    assert events["visit"]["place"] == "oddeby"
    assert events["visit"]["participants"][0] == {"entity": "tomas-kelder", "role": "visitor"}
    assert events["meeting"]["status"] == "held"
    assert events["election"]["status"] == "planned"  # "will meet the governor before the election"
    # No date in its sentence: that of the meeting named with it.
    assert events["press_briefing"]["date"] == events["meeting"]["date"]


def test_announced_events_are_planned() -> None:
    events = facts(draft("The two leaders plan to meet in Oddeby."), "events")
    assert [(e["kind"], e["status"]) for e in events] == [("meeting", "planned")]


def test_quantities_attach_to_events() -> None:
    quantities = facts(draft("Varga held a three-hour meeting with Kelder."), "quantities")
    assert [(q["value"], q["unit"], q["subject"]) for q in quantities] == [
        (3, "hour", {"event": "test-headline-meeting"})
    ]


def test_mentions_with_other_dates_are_events_of_their_own() -> None:
    result = draft(
        "Governor Mira Solano met Mayor Oskar Brandt on 3 May 2024 in Oddeby. "
        "The meeting was short. They met again on 9 June 2024 in Harrow."
    )
    events = facts(result, "events")
    assert [e["kind"] for e in events] == ["meeting", "meeting"]
    assert events[0]["date"] != events[1]["date"]
    assert len(events[0]["evidence"]) == 2  # "The meeting was short" joins the first
    assert "event-separate-date" in str(result.facts["events"][1].why.note)


def test_clear_event_words_of_no_known_kind_are_other_events() -> None:
    result = draft(
        "Thousands marched through Oddeby on March 3. The protest ended at the town hall. "
        "Mayor Oskar Brandt attended a ceremony for the new bridge."
    )
    events = result.facts["events"]
    assert [(e.data["kind"], e.data["title"].split()[0]) for e in events] == [
        ("other", "Protest"),
        ("other", "Ceremony"),
    ]
    assert all(e.why.rule == "event-other" for e in events)
    assert "kind unknown: other (protest), unsure" in str(events[0].why.note)
    assert len(events[0].data["evidence"]) == 2  # marched, protest: one event
