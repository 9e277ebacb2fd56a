"""Scoring two quantities: unit, value, subject (an entity, or events whose own score
says whether they match) and description."""

from __future__ import annotations

from collections.abc import Callable

from factdb.match.records import Names, QuantityRecord
from factdb.match.rules import Judgement, Proposal, Tally
from factdb.match.text import similarity

WEIGHTS = {
    "quantity-unit": 0.1,
    "quantity-value": 0.4,
    "quantity-subject": 0.3,
    "quantity-description": 0.2,
}


def _bounds(q: QuantityRecord) -> tuple[float, float]:
    if q.value is not None:
        return q.value, q.value
    low = q.low if q.low is not None else q.high
    high = q.high if q.high is not None else q.low
    assert low is not None and high is not None, "CHECK has_value guarantees one"
    return low, high


def _shown(q: QuantityRecord) -> str:
    low, high = _bounds(q)
    return f"{low:g}" if low == high else f"{low:g}..{high:g}"


def _value(a: QuantityRecord, b: QuantityRecord) -> Judgement:
    rule, weight = "quantity-value", WEIGHTS["quantity-value"]
    (low_a, high_a), (low_b, high_b) = _bounds(a), _bounds(b)
    if max(low_a, low_b) <= min(high_a, high_b):
        return Judgement(rule, 1.0, weight, f"values agree ({_shown(a)}, {_shown(b)})")
    return Judgement(rule, 0.0, weight, f"other values ({_shown(a)}, {_shown(b)})")


def score_quantity(
    fact: QuantityRecord,
    candidate: QuantityRecord,
    names: Names,
    event_score: Callable[[int, int], Proposal],
) -> Proposal:
    """How likely ``candidate`` (another source's) states the number ``fact`` states;
    ``event_score`` scores two subject events."""
    tally = Tally()
    rule = "quantity-unit"
    if fact.unit == candidate.unit:
        tally.add(Judgement(rule, 1.0, WEIGHTS[rule], f"same unit ({fact.unit})"))
    else:
        tally.add(
            Judgement(rule, 0.0, WEIGHTS[rule], f"other units ({fact.unit}, {candidate.unit})")
        )
    tally.add(_value(fact, candidate))
    rule = "quantity-subject"
    a, b = fact.subject_entity_id, candidate.subject_entity_id
    if a is not None and a == b:
        tally.add(Judgement(rule, 1.0, WEIGHTS[rule], f"same subject ({names.entity(a)})"))
    elif fact.subject_event_id is not None and candidate.subject_event_id is not None:
        events = event_score(fact.subject_event_id, candidate.subject_event_id)
        detail = f"subject events scored {events.score:.2f} alike ({events.key})"
        tally.add(Judgement(rule, events.score, WEIGHTS[rule], detail))
    else:
        tally.add(Judgement(rule, 0.0, WEIGHTS[rule], "other subjects"))
    alike = similarity(fact.description, candidate.description)
    detail = f"descriptions {alike:.0%} alike"
    weight = WEIGHTS["quantity-description"]
    tally.add(Judgement("quantity-description", round(alike, 3), weight, detail))
    return tally.proposal(candidate.key)
