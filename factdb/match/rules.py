"""The named rules of the matcher: each reason of a proposed link cites the rule that
gave it, as the drafter's facts cite theirs (factdb/draft/rules.py).

A rule judges one aspect of two facts of one kind and gives a fraction from 0 (unlike)
to 1 (alike), or nothing when it cannot judge (neither fact has a place). The score of
a pair is the weighted mean of the fractions given; a multiplier rule (event-kind) then
scales it. Names are stable: the docs and the tests refer to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RULES: dict[str, str] = {
    # events (events.py)
    "event-kind": "the same kind of event; another kind halves the score",
    "event-dates": "the dates overlap, or how many days apart they are",
    "event-participants": "participants shared, of all the participants of the two",
    "event-place": "the same place, or one place inside the other",
    "event-title": "similar words in the two titles",
    # statements (statements.py)
    "statement-speaker": "the same speaker (metonyms and aliases are one entity)",
    "statement-dates": "the dates overlap, or how many days apart they are",
    "statement-words": "similar words, across paraphrase and translation",
    "statement-names": "names and numbers written in both texts",
    "statement-mentions": "entities mentioned by both",
    # roles (holders.py)
    "role-holder": "the same holder",
    "role-title": "similar words in the two titles",
    "role-organization": "the same organization",
    "role-dates": "the dates overlap, or how many days apart they are",
    # positions (holders.py)
    "position-holder": "the same holder",
    "position-stance": "the same stance",
    "position-target": "the same target entity or topic",
    "position-dates": "the dates overlap, or how many days apart they are",
    "position-description": "similar words in the two descriptions",
    # quantities (quantities.py)
    "quantity-unit": "the same unit",
    "quantity-value": "the same value, or overlapping ranges",
    "quantity-subject": "the same subject entity, or subject events that match",
    "quantity-description": "similar words in the two descriptions",
}


@dataclass(frozen=True)
class Judgement:
    """One rule's verdict on a pair: its fraction (None: it cannot judge), the weight
    the rule carries for its kind, and the reason a reviewer reads."""

    rule: str
    fraction: float | None
    weight: float
    detail: str

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown matching rule {self.rule!r}")
        if self.fraction is not None and not 0 <= self.fraction <= 1:
            raise ValueError(f"{self.rule}: fraction {self.fraction} is not within 0..1")

    @property
    def reason(self) -> str:
        """The reason as written into the facts file: the rule, then what it saw."""
        return f"{self.rule}: {self.detail}"


@dataclass(frozen=True)
class Proposal:
    """A stored fact of another source that may report the same fact, with its score
    (0..1, two decimals), the reasons behind it in rule order, and its source's slug."""

    key: str
    score: float
    reasons: tuple[str, ...]
    source: str = ""


@dataclass
class Tally:
    """The judgements on one pair, summed into a score."""

    judgements: list[Judgement] = field(default_factory=list)
    factor: float = 1.0

    def add(self, judgement: Judgement) -> None:
        """Count one rule's judgement."""
        self.judgements.append(judgement)

    def scale(self, factor: float, judgement: Judgement) -> None:
        """Scale the whole score by ``factor``, for the reason ``judgement`` gives."""
        self.factor *= factor
        self.judgements.append(judgement)

    def proposal(self, key: str) -> Proposal:
        """The weighted mean of the fractions given, scaled; every judgement a reason."""
        judged = [j for j in self.judgements if j.fraction is not None]
        weights = sum(j.weight for j in judged)
        mean = sum(j.weight * (j.fraction or 0.0) for j in judged) / weights if weights else 0.0
        reasons = tuple(j.reason for j in self.judgements)
        return Proposal(key, round(mean * self.factor, 2), reasons)
