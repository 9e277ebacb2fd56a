"""Precision and recall of a draft's same_as proposals against the true links of the
reviewed facts file of the same article (tests/corpus/corroboration/links.yaml).

A drafted fact's keys are the drafter's own, so each is first aligned with the reviewed
facts of its kind whose evidence it overlaps (character spans, as the loader locates
them in the one article both files rest on): strictly, the one it overlaps most; or
every one. A drafted fact overlapping none is aligned with nothing, and every proposal
it has is false. A proposal is true when the stored fact it names is a true link of a
reviewed fact aligned with it; a true link is recalled when a drafted fact aligned with
its reviewed fact proposes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from factdb.loader.plan import FACTS_FILE, Plan, prepare_folder
from factdb.match.matcher import KINDS
from factdb.match.writer import FIELD

Pair = tuple[str, str]


@dataclass
class Figures:
    """Proposed pairs (drafted key, stored key), the true ones among them, the true
    links (reviewed key, stored key) and those recalled."""

    proposed: set[Pair]
    true: set[Pair]
    gold: set[Pair]
    recalled: set[Pair] = field(default_factory=set)

    @property
    def true_links(self) -> int:
        return len(self.gold)

    @property
    def precision(self) -> float:
        return len(self.true) / len(self.proposed) if self.proposed else 0.0

    @property
    def recall(self) -> float:
        return len(self.recalled) / len(self.gold) if self.gold else 0.0

    @property
    def false(self) -> list[Pair]:
        return sorted(self.proposed - self.true)

    @property
    def missed(self) -> list[Pair]:
        return sorted(self.gold - self.recalled)

    def line(self) -> str:
        """The figures in one line, for the record."""
        return (
            f"{len(self.proposed)} proposals, {len(self.true)} true: precision "
            f"{self.precision:.2f}; {len(self.recalled)} of {len(self.gold)} true links: "
            f"recall {self.recall:.2f}"
        )


def _spans(plan: Plan, section: str, key: str) -> list[tuple[int, int]]:
    found = plan.spans.get((section, key), []) + plan.text_spans.get((section, key), [])
    return [(span.start, span.end) for span in found]


def _overlap(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def align(drafted: Plan, reviewed: Plan) -> dict[str, list[str]]:
    """Each drafted fact's key -> the keys of the reviewed facts of its kind it
    overlaps, the one it overlaps most first."""
    aligned: dict[str, list[str]] = {}
    for section in KINDS:
        others = [item["key"] for item in reviewed.sections[section]]
        for item in drafted.sections[section]:
            mine = _spans(drafted, section, item["key"])
            shared = {other: _overlap(mine, _spans(reviewed, section, other)) for other in others}
            found = sorted((o for o in others if shared[o] > 0), key=lambda o: -shared[o])
            if found:
                aligned[item["key"]] = found
    return aligned


def link_figures(
    drafted: Path, reviewed: Path, links: Mapping[str, Sequence[str]], strict: bool
) -> Figures:
    """The figures of the draft in ``drafted`` against the reviewed folder ``reviewed``
    and its true links (reviewed key -> stored keys). ``strict``: a drafted fact is
    aligned with the one reviewed fact it overlaps most; otherwise with every one it
    overlaps (a draft that joins two reported events into one fact is then right to
    propose the stored reports of either)."""
    aligned = align(prepare_folder(drafted).plan, prepare_folder(reviewed).plan)
    if strict:
        aligned = {key: found[:1] for key, found in aligned.items()}
    data = yaml.safe_load((drafted / FACTS_FILE).read_text(encoding="utf-8"))
    proposed = {
        (fact["key"], proposal["key"])
        for kind in KINDS
        for fact in data.get(kind) or []
        for proposal in fact.get(FIELD) or []
    }
    recalled: set[Pair] = set()
    true: set[Pair] = set()
    for key, other in proposed:
        for reviewed_key in aligned.get(key, []):
            if other in links.get(reviewed_key, ()):
                true.add((key, other))
                recalled.add((reviewed_key, other))
    gold = {(key, other) for key, others in links.items() for other in others}
    return Figures(proposed, true, gold, recalled)
