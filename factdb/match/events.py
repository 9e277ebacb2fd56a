"""Scoring two events: kind, dates, participants, place and title (rules.py names the
rules; the weights say how much each counts)."""

from __future__ import annotations

from factdb.match.dates import judge_dates
from factdb.match.records import EventRecord, Names
from factdb.match.rules import Judgement, Proposal, Tally
from factdb.match.text import similarity

WEIGHTS = {"event-dates": 0.3, "event-participants": 0.4, "event-place": 0.15, "event-title": 0.15}
# Another kind of event is seldom the same event (a summit and the signing at it), but
# a source may call a visit a meeting: the score is halved, not zeroed.
OTHER_KIND = 0.5


def _participants(a: EventRecord, b: EventRecord, names: Names) -> Judgement:
    rule, weight = "event-participants", WEIGHTS["event-participants"]
    union = a.participants | b.participants
    if not union:
        return Judgement(rule, None, weight, "neither event has participants")
    shared = a.participants & b.participants
    detail = f"{len(shared)} of {len(union)} participants shared"
    if shared:
        detail += f" ({names.entities(shared)})"
    return Judgement(rule, len(shared) / len(union), weight, detail)


def _place(a: EventRecord, b: EventRecord, names: Names) -> Judgement:
    rule, weight = "event-place", WEIGHTS["event-place"]
    if a.place_id is None or b.place_id is None:
        return Judgement(rule, None, weight, "a place on one side only, or none")
    if a.place_id == b.place_id:
        return Judgement(rule, 1.0, weight, f"same place ({names.entity(a.place_id)})")
    first, second = names.entity(a.place_id), names.entity(b.place_id)
    if names.within(a.place_id, b.place_id):
        return Judgement(rule, 0.5, weight, f"{first} lies in {second}")
    if names.within(b.place_id, a.place_id):
        return Judgement(rule, 0.5, weight, f"{second} lies in {first}")
    return Judgement(rule, 0.0, weight, f"other places ({first}, {second})")


def score_event(fact: EventRecord, candidate: EventRecord, names: Names) -> Proposal:
    """How likely ``candidate`` (another source's) reports the event ``fact`` reports."""
    tally = Tally()
    if fact.kind == candidate.kind:
        tally.add(Judgement("event-kind", None, 0.0, f"same kind ({fact.kind})"))
    else:
        detail = f"other kinds ({fact.kind}, {candidate.kind}): the score is halved"
        tally.scale(OTHER_KIND, Judgement("event-kind", None, 0.0, detail))
    tally.add(judge_dates("event-dates", WEIGHTS["event-dates"], fact.interval, candidate.interval))
    tally.add(_participants(fact, candidate, names))
    tally.add(_place(fact, candidate, names))
    alike = similarity(fact.title, candidate.title)
    detail = f"titles {alike:.0%} alike"
    tally.add(Judgement("event-title", round(alike, 3), WEIGHTS["event-title"], detail))
    return tally.proposal(candidate.key)
