"""Scoring two statements: speaker, dates, words, names and numbers, mentions."""

from __future__ import annotations

from factdb.match.dates import judge_dates
from factdb.match.records import Names, StatementRecord
from factdb.match.rules import Judgement, Proposal, Tally
from factdb.match.text import names_and_numbers, similarity

WEIGHTS = {
    "statement-speaker": 0.2,
    "statement-dates": 0.15,
    "statement-words": 0.5,
    "statement-names": 0.1,
    "statement-mentions": 0.05,
}


def _shared(rule: str, what: str, a: set[str], b: set[str]) -> Judgement:
    union = a | b
    if not union:
        return Judgement(rule, None, WEIGHTS[rule], f"no {what} on either side")
    shared = a & b
    detail = f"{len(shared)} of {len(union)} {what} shared"
    if shared:
        detail += f" ({', '.join(sorted(shared))})"
    return Judgement(rule, len(shared) / len(union), WEIGHTS[rule], detail)


def score_statement(fact: StatementRecord, candidate: StatementRecord, names: Names) -> Proposal:
    """How likely ``candidate`` (another source's) reports the words ``fact`` reports."""
    tally = Tally()
    rule = "statement-speaker"
    if fact.speaker_id == candidate.speaker_id:
        detail = f"same speaker ({names.entity(fact.speaker_id)})"
        tally.add(Judgement(rule, 1.0, WEIGHTS[rule], detail))
    else:
        speakers = names.entities({fact.speaker_id, candidate.speaker_id})
        tally.add(Judgement(rule, 0.0, WEIGHTS[rule], f"other speakers ({speakers})"))
    weight = WEIGHTS["statement-dates"]
    tally.add(judge_dates("statement-dates", weight, fact.interval, candidate.interval))
    alike = similarity(fact.text, candidate.text)
    detail = f"words {alike:.0%} alike"
    tally.add(Judgement("statement-words", round(alike, 3), WEIGHTS["statement-words"], detail))
    found = names_and_numbers(fact.text), names_and_numbers(candidate.text)
    tally.add(_shared("statement-names", "names and numbers", *found))
    mentioned = (
        {names.entity(i) for i in fact.mentions},
        {names.entity(i) for i in candidate.mentions},
    )
    tally.add(_shared("statement-mentions", "mentioned entities", *mentioned))
    return tally.proposal(candidate.key)
