"""Matching one stored source against the others: for each of its facts, the other
sources' candidates (candidates.py), each scored by its kind's rules, best first."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.match.candidates import Candidates
from factdb.match.events import score_event
from factdb.match.holders import score_position, score_role
from factdb.match.quantities import score_quantity
from factdb.match.records import Names, read_ids, read_where
from factdb.match.rules import Proposal
from factdb.match.statements import score_statement
from factdb.models import Event, Position, Quantity, Role, Source, Statement

# The kinds of fact matched, in the order of the facts file.
KINDS = ("events", "roles", "statements", "positions", "quantities")
# The score a candidate needs to be proposed. On the corroboration test corpus
# (tests/corpus/corroboration) no false link scores this high; see docs/corroboration.md.
MIN_SCORE = 0.5
SOURCE_COLUMN = {
    "events": Event.source_id,
    "roles": Role.source_id,
    "statements": Statement.source_id,
    "positions": Position.source_id,
    "quantities": Quantity.source_id,
}


class UnknownSource(LookupError):
    """No stored source has the slug asked for."""


@dataclass
class Matches:
    """A source's proposals: by kind, by fact key, best first; facts without any
    proposal are left out. ``scored`` holds every candidate's proposal, proposed or not."""

    source: str
    min_score: float
    scored: dict[str, dict[str, list[Proposal]]] = field(default_factory=dict)

    def proposals(self, kind: str) -> dict[str, list[Proposal]]:
        """The facts of ``kind`` with a candidate at or above the minimum score."""
        found = {
            key: [p for p in scored if p.score >= self.min_score]
            for key, scored in self.scored.get(kind, {}).items()
        }
        return {key: proposals for key, proposals in found.items() if proposals}

    def counts(self) -> dict[str, int]:
        """How many proposals each kind has."""
        return {kind: sum(len(p) for p in self.proposals(kind).values()) for kind in KINDS}


def source_id(session: Session, slug: str) -> int:
    """The id of the stored source ``slug``; UnknownSource when there is none."""
    found = session.scalar(select(Source.id).where(Source.slug == slug))
    if found is None:
        raise UnknownSource(f"no stored source has the slug {slug!r} (factdb load it first)")
    return found


def _ranked(proposals: list[Proposal]) -> list[Proposal]:
    return sorted(proposals, key=lambda p: (-p.score, p.key))


def match_source(
    session: Session, slug: str, min_score: float = MIN_SCORE, skip: Collection[str] = ()
) -> Matches:
    """Score every candidate of every fact of the stored source ``slug`` (but the facts
    whose keys are in ``skip``, and candidates already reports of the same fact).
    UnknownSource when no source has that slug."""
    own_source = source_id(session, slug)
    names = Names(session)
    candidates = Candidates(session, own_source)
    matches = Matches(slug, min_score)
    own = {kind: read_where(session, kind, SOURCE_COLUMN[kind] == own_source) for kind in KINDS}
    cache: dict[str, dict[int, Any]] = {kind: {} for kind in KINDS}

    def records(kind: str, ids: Collection[int]) -> list[Any]:
        missing = [i for i in ids if i not in cache[kind]]
        cache[kind].update(read_ids(session, kind, missing))
        return [cache[kind][i] for i in sorted(ids)]

    def event_score(a: int, b: int) -> Proposal:
        first, second = records("events", [a])[0], records("events", [b])[0]
        return score_event(first, second, names)

    def event_candidates(event_id: int) -> set[int]:
        return candidates.events(records("events", [event_id])[0])

    scorers: dict[str, tuple[Callable[[Any], set[int]], Callable[[Any, Any], Proposal]]] = {
        "events": (candidates.events, lambda a, b: score_event(a, b, names)),
        "roles": (candidates.roles, lambda a, b: score_role(a, b, names)),
        "statements": (candidates.statements, lambda a, b: score_statement(a, b, names)),
        "positions": (candidates.positions, lambda a, b: score_position(a, b, names)),
        "quantities": (
            lambda q: candidates.quantities(
                q, event_candidates(q.subject_event_id) if q.subject_event_id else set()
            ),
            lambda a, b: score_quantity(a, b, names, event_score),
        ),
    }
    for kind in KINDS:
        find, score = scorers[kind]
        cache[kind].update({record.id: record for record in own[kind]})
        scored: dict[str, list[Proposal]] = {}
        for fact in own[kind]:
            if fact.key in skip:
                continue
            found = [
                replace(score(fact, other), source=names.source(other.source_id))
                for other in records(kind, find(fact))
                # A report already linked to this fact (a later source named it under
                # same_as) leaves nothing to decide.
                if other.fact_id != fact.fact_id
            ]
            scored[fact.key] = _ranked(found)
        matches.scored[kind] = scored
    return matches
