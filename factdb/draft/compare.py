"""Score a draft against a reviewed facts file: precision, recall and F1 per fact type,
with every miss and every false find."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factdb.draft.facts import Draft
from factdb.loader.date_schemas import PartialDateField
from factdb.loader.dates import DateError, Interval, calendar_interval
from factdb.loader.errors import SeedError
from factdb.loader.plan import Plan, prepare_folder
from factdb.loader.schema_fields import Excerpt
from factdb.loader.spans import ExcerptError, locate

ENTITY_GROUPS = {
    "person": "entities: people",
    "country": "entities: countries",
    "organization": "entities: organizations",
    "party": "entities: parties",
    "place": "entities: other kinds",
    "group": "entities: other kinds",
}
TYPES = [
    "entities: people", "entities: countries", "entities: organizations", "entities: parties",
    "entities: other kinds", "statements", "dates", "events", "roles", "quantities", "positions",
]  # fmt: skip


@dataclass
class Score:
    found: int = 0
    reviewed: int = 0
    matched_found: int = 0
    matched_reviewed: int = 0
    misses: list[str] = field(default_factory=list)
    false_finds: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        return self.matched_found / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.matched_reviewed / self.reviewed if self.reviewed else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return (
            2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        )

    def add(self, other: Score) -> None:
        self.found += other.found
        self.reviewed += other.reviewed
        self.matched_found += other.matched_found
        self.matched_reviewed += other.matched_reviewed
        self.misses += other.misses
        self.false_finds += other.false_finds


@dataclass
class Side:
    """One file's facts, normalized for matching."""

    text: str
    sections: dict[str, list[dict[str, Any]]]
    intervals: dict[str, tuple[Any, ...]]
    names: dict[str, set[str]]  # entity slug -> casefolded name and aliases
    kinds: dict[str, str]


def _spans(text: str, value: Any) -> list[tuple[int, int]]:
    values = value if isinstance(value, list | tuple) else [value]
    spans = []
    for item in values:
        excerpt = (
            item
            if isinstance(item, Excerpt)
            else Excerpt(item["text"], item.get("before", ""))
            if isinstance(item, dict)
            else Excerpt(str(item))
        )
        try:
            span = locate(text, excerpt)
        except ExcerptError:
            continue
        spans.append((span.start, span.end))
    return spans


def _interval_key(interval: Interval) -> tuple[Any, ...]:
    return (interval.start, interval.end)


def _yearless(start: dt.date, end: dt.date) -> tuple[Any, ...]:
    return ("yearless", start.month, start.day, end.month, end.day)


def side_from_plan(
    plan: Plan,
    extra_dates: list[dict[str, Any]] | None = None,
    stored: dict[str, tuple[str, str]] | None = None,
) -> Side:
    sections = {name: list(items) for name, items in plan.sections.items()}
    intervals = {key: _interval_key(value) for key, value in plan.intervals.items()}
    names: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for entity in sections["entities"]:
        names[entity["slug"]] = {
            entity["name"].casefold(),
            *(a.casefold() for a in entity["aliases"]),
        }
        kinds[entity["slug"]] = entity["kind"]
    for slug, (name, kind) in (stored or {}).items():
        names.setdefault(slug, {name.casefold()})
        kinds.setdefault(slug, kind)
        if not any(e["slug"] == slug for e in sections["entities"]):
            sections["entities"].append({"slug": slug, "name": name, "kind": kind, "aliases": []})
    for number, item in enumerate(extra_dates or []):
        # A date the draft could not place (no year): compared by month and day only.
        try:
            when = PartialDateField().deserialize(item["when"])
            start, end, _, _ = calendar_interval(when, item.get("part"), 2000)
        except (DateError, KeyError, ValueError):
            continue
        key = f"unplaced-{number}"
        intervals[key] = _yearless(start, end)
        sections["dates"].append({"key": key, "text": Excerpt(item["text"])})
    return Side(plan.text, sections, intervals, names, kinds)


def reviewed_side(path: Path) -> Side:
    """The reviewed file (a folder or its facts.yaml), read by the loader."""
    folder = path.parent if path.is_file() else path
    try:
        prepared = prepare_folder(folder)
    except SeedError as error:
        raise ValueError(f"cannot read the reviewed file {path}: {error}") from None
    problems = prepared.early_problems + prepared.span_problems + prepared.date_problems
    if problems:
        raise ValueError(f"the reviewed file {path} does not load: {problems[0]}")
    return side_from_plan(prepared.plan)


def _same_entity(draft: Side, reviewed: Side, a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a == b
    return bool(draft.names.get(a, {a}) & reviewed.names.get(b, {b}))


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _date_of(side: Side, key: str | None) -> tuple[Any, ...] | None:
    return side.intervals.get(key) if key else None


def _same_date(draft: Side, reviewed: Side, a: str | None, b: str | None) -> bool:
    left, right = _date_of(draft, a), _date_of(reviewed, b)
    if left is None or right is None:
        return left == right
    if left[0] == "yearless" or right[0] == "yearless":
        to_yearless = lambda k: k if k[0] == "yearless" else _yearless(k[0], k[1])  # noqa: E731
        return bool(to_yearless(left) == to_yearless(right))
    return left == right


def _unit(unit: str) -> str:
    word = unit.casefold().strip()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _label(section: str, item: dict[str, Any], text: str) -> str:
    if section == "entities":
        return f"{item['name']} ({item['kind']})"
    spans = _spans(text, item["text"]) if "text" in item else []
    words = " ".join(text[s:e] for s, e in spans)[:80] if spans else ""
    return (
        f"{item.get('key')}: {words or item.get('kind') or item.get('title') or item.get('stance')}"
    )


def _match(
    section: str,
    draft: Side,
    reviewed: Side,
    same: Callable[[dict[str, Any], dict[str, Any]], bool],
    group: Callable[[Side, dict[str, Any]], str],
) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    used: set[int] = set()
    found = draft.sections[section]
    for item in found:
        scores.setdefault(group(draft, item), Score()).found += 1
    for wanted in reviewed.sections[section]:
        score = scores.setdefault(group(reviewed, wanted), Score())
        score.reviewed += 1
        hit = next(
            (i for i, item in enumerate(found) if i not in used and same(item, wanted)), None
        )
        if hit is None:
            score.misses.append(_label(section, wanted, reviewed.text))
            continue
        used.add(hit)
        score.matched_reviewed += 1
        scores.setdefault(group(draft, found[hit]), Score()).matched_found += 1
    for index, item in enumerate(found):
        if index not in used:
            scores[group(draft, item)].false_finds.append(_label(section, item, draft.text))
    return scores


def compare_sides(draft: Side, reviewed: Side) -> dict[str, Score]:
    """The score of each fact type."""
    one = lambda name: lambda side, item: name  # noqa: E731
    scores: dict[str, Score] = {}

    def entity(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return bool(draft.names[a["slug"]] & reviewed.names[b["slug"]])

    def statement(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return _overlap(
            _spans(draft.text, a["text"]), _spans(reviewed.text, b["text"])
        ) and _same_entity(draft, reviewed, a["speaker"], b["speaker"])

    def date(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return _same_date(draft, reviewed, a["key"], b["key"])

    def event(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return bool(a["kind"] == b["kind"] and _same_date(draft, reviewed, a["date"], b["date"]))

    def role(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return (
            _same_entity(draft, reviewed, a["holder"], b["holder"])
            and a["title"].casefold() == b["title"].casefold()
        )

    def quantity(a: dict[str, Any], b: dict[str, Any]) -> bool:
        values = lambda q: (q.get("value"), q.get("min"), q.get("max"))  # noqa: E731
        return values(a) == values(b) and _unit(a["unit"]) == _unit(b["unit"])

    def position(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return a["stance"] == b["stance"] and _same_entity(
            draft, reviewed, a["holder"], b["holder"]
        )

    scores.update(
        _match(
            "entities",
            draft,
            reviewed,
            entity,
            lambda side, item: ENTITY_GROUPS[side.kinds[item["slug"]]],
        )
    )
    for section, same in (
        ("statements", statement),
        ("dates", date),
        ("events", event),
        ("roles", role),
        ("quantities", quantity),
        ("positions", position),
    ):
        scores.update(_match(section, draft, reviewed, same, one(section)))
    return {name: scores.get(name, Score()) for name in TYPES}


def draft_side(draft: Draft, plan: Plan) -> Side:
    extra = [u.data for u in draft.unplaced if u.section == "dates" and u.data and "when" in u.data]
    return side_from_plan(plan, extra, draft.stored_entities)


def table(scores: dict[str, Score]) -> str:
    """The per-type table, as text."""
    show = lambda v: "-" if v is None else f"{v:.0%}"  # noqa: E731
    lines = [
        f"{'type':<26}{'draft':>6}{'reviewed':>9}{'matched':>8}{'precision':>10}{'recall':>8}{'F1':>6}"
    ]
    for name, score in scores.items():
        lines.append(
            f"{name:<26}{score.found:>6}{score.reviewed:>9}{score.matched_reviewed:>8}{show(score.precision):>10}{show(score.recall):>8}{show(score.f1):>6}"
        )
    return "\n".join(lines)


def details(scores: dict[str, Score]) -> str:
    lines = []
    for name, score in scores.items():
        for miss in score.misses:
            lines.append(f"miss        {name}: {miss}")
        for false in score.false_finds:
            lines.append(f"false find  {name}: {false}")
    return "\n".join(lines)
