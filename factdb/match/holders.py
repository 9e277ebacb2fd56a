"""Scoring two roles (holder, title, organization, dates) and two positions (holder,
stance, target, dates, description): facts held by an entity."""

from __future__ import annotations

from factdb.match.dates import judge_dates
from factdb.match.records import Names, PositionRecord, RoleRecord
from factdb.match.rules import Judgement, Proposal, Tally
from factdb.match.text import similarity

ROLE_WEIGHTS = {"role-holder": 0.2, "role-title": 0.5, "role-organization": 0.2, "role-dates": 0.1}
POSITION_WEIGHTS = {
    "position-holder": 0.2,
    "position-stance": 0.2,
    "position-target": 0.35,
    "position-dates": 0.1,
    "position-description": 0.15,
}


def _holder(rule: str, weight: float, a: int, b: int, names: Names) -> Judgement:
    if a == b:
        return Judgement(rule, 1.0, weight, f"same holder ({names.entity(a)})")
    return Judgement(rule, 0.0, weight, f"other holders ({names.entities({a, b})})")


def _words(rule: str, weight: float, what: str, a: str, b: str) -> Judgement:
    alike = similarity(a, b)
    return Judgement(rule, round(alike, 3), weight, f"{what} {alike:.0%} alike ({a!r}, {b!r})")


def score_role(fact: RoleRecord, candidate: RoleRecord, names: Names) -> Proposal:
    """How likely ``candidate`` (another source's) reports the role ``fact`` reports."""
    w = ROLE_WEIGHTS
    tally = Tally()
    tally.add(_holder("role-holder", w["role-holder"], fact.holder_id, candidate.holder_id, names))
    tally.add(_words("role-title", w["role-title"], "titles", fact.title, candidate.title))
    rule, a, b = "role-organization", fact.organization_id, candidate.organization_id
    if a is None or b is None:
        tally.add(Judgement(rule, None, w[rule], "an organization on one side only, or none"))
    elif a == b:
        tally.add(Judgement(rule, 1.0, w[rule], f"same organization ({names.entity(a)})"))
    else:
        tally.add(Judgement(rule, 0.0, w[rule], f"other organizations ({names.entities({a, b})})"))
    tally.add(judge_dates("role-dates", w["role-dates"], fact.interval, candidate.interval))
    return tally.proposal(candidate.key)


def _target(fact: PositionRecord, names: Names) -> str:
    if fact.target_entity_id is not None:
        return names.entity(fact.target_entity_id)
    assert fact.target_topic_id is not None, "CHECK one_target guarantees one"
    return names.topic(fact.target_topic_id)


def score_position(fact: PositionRecord, candidate: PositionRecord, names: Names) -> Proposal:
    """How likely ``candidate`` (another source's) reports the stance ``fact`` reports."""
    w = POSITION_WEIGHTS
    tally = Tally()
    rule = "position-holder"
    tally.add(_holder(rule, w[rule], fact.holder_id, candidate.holder_id, names))
    rule = "position-stance"
    if fact.stance == candidate.stance:
        tally.add(Judgement(rule, 1.0, w[rule], f"same stance ({fact.stance})"))
    else:
        detail = f"other stances ({fact.stance}, {candidate.stance})"
        tally.add(Judgement(rule, 0.0, w[rule], detail))
    rule = "position-target"
    same = (fact.target_entity_id, fact.target_topic_id) == (
        candidate.target_entity_id,
        candidate.target_topic_id,
    )
    if same:
        tally.add(Judgement(rule, 1.0, w[rule], f"same target ({_target(fact, names)})"))
    else:
        targets = f"{_target(fact, names)}; {_target(candidate, names)}"
        tally.add(Judgement(rule, 0.0, w[rule], f"other targets ({targets})"))
    tally.add(judge_dates("position-dates", w["position-dates"], fact.interval, candidate.interval))
    rule = "position-description"
    tally.add(_words(rule, w[rule], "descriptions", fact.description, candidate.description))
    return tally.proposal(candidate.key)
