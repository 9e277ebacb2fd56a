"""Quantities: numbers in digits or words, vague amounts and ordinals, with their unit,
the spec's approximation kind and the thing counted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from factdb.draft.numbers import NUMBER, number_value, whole
from factdb.draft.rules import Why

APPROXIMATIONS = [
    ("at least", "at_least"), ("more than", "over"), ("over", "over"), ("less than", "under"),
    ("fewer than", "under"), ("under", "under"), ("up to", "at_most"), ("at most", "at_most"),
    ("nearly", "nearly"), ("almost", "nearly"), ("about", "about"), ("around", "about"),
    ("roughly", "about"), ("some", "about"), ("approximately", "about"),
]  # fmt: skip
_APPROX = "|".join(re.escape(words) for words, _ in APPROXIMATIONS)
TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade"}
PEOPLE = {
    "people", "persons", "immigrants", "residents", "soldiers", "troops", "voters",
    "civilians", "refugees", "protesters", "workers", "citizens", "children", "members",
}  # fmt: skip
CURRENCY = {"dollars": "USD", "euros": "EUR", "pounds": "GBP", "$": "USD", "€": "EUR", "£": "GBP"}
_NOUN = r"(?P<noun>[A-Za-z][a-z]+(?:\s+[a-z]+)?)"
PLAIN = re.compile(
    rf"(?:\b(?P<approx>{_APPROX})\s+)?(?P<cur>[$€£])?\b(?P<number>{NUMBER})(?P<pct>%|\s+per\s?cent|\s+percent)?(?:\s+{_NOUN})?",
    re.I,
)
COMPOUND = re.compile(
    rf"\b(?P<number>{NUMBER})-(?P<unit>second|minute|hour|day|week|month|year)\b", re.I
)
VAGUE = re.compile(
    r"\b(?P<words>hundreds of thousands|tens of thousands|thousands|hundreds|dozens|millions)"
    r"\s+of\s+" + _NOUN,
    re.IGNORECASE,
)
ORDINAL = re.compile(
    r"\b(?P<number>\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+(?P<noun>[a-z]+)\b"
)
VAGUE_RANGES = {
    "hundreds of thousands": (200_000, 999_999), "tens of thousands": (20_000, 99_999),
    "thousands": (2_000, 9_999), "hundreds": (200, 999), "dozens": (24, 99),
    "millions": (2_000_000, 999_999_999),
}  # fmt: skip


@dataclass
class QuantityFound:
    start: int
    end: int
    words: str
    fields: dict[str, Any]
    counted: str
    why: Why


def _singular(word: str) -> str:
    word = word.lower()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def _unit(noun: str) -> str:
    words = noun.split()
    if not words:
        return "unit"
    if _singular(words[0]) in TIME_UNITS:
        return _singular(words[0])
    if any(word.lower() in PEOPLE for word in words):
        return "person"
    lower = [word for word in words if word.islower()]
    return _singular(lower[-1] if lower else words[-1])


def find_quantities(
    text: str, start: int, end: int, dates: list[tuple[int, int]]
) -> list[QuantityFound]:
    """The quantities of text[start:end], skipping numbers inside date expressions."""
    found: list[QuantityFound] = []
    taken = list(dates)

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in taken)

    fields: dict[str, Any]
    for match in VAGUE.finditer(text, start, end):
        low, high = VAGUE_RANGES[match.group("words").lower()]
        fields = {
            "value": None,
            "min": low,
            "max": high,
            "unit": _unit(match.group("noun")),
            "approximation": "about",
        }
        note = f"read as the range {low:,} to {high:,}, an interpretation"
        found.append(
            QuantityFound(
                match.start(),
                match.end("words"),
                match.group("words"),
                fields,
                match.group("noun"),
                Why("quantity-vague", match.group(), note),
            )
        )
        taken.append((match.start(), match.end()))
    for match in COMPOUND.finditer(text, start, end):
        value = number_value(match.group("number"))
        if value is None or not free(match.start(), match.end()):
            continue
        fields = {
            "value": whole(value),
            "min": None,
            "max": None,
            "unit": match.group("unit").lower(),
            "approximation": None,
        }
        after = text[match.end() : match.end() + 30].split()
        found.append(
            QuantityFound(
                match.start(),
                match.end(),
                match.group(),
                fields,
                after[0] if after else "",
                Why("quantity-compound", match.group()),
            )
        )
        taken.append((match.start(), match.end()))
    for match in ORDINAL.finditer(text, start, end):
        if not free(match.start(), match.end()):
            continue
        digits = re.match(r"\d+", match.group("number"))
        value = (
            int(digits.group())
            if digits
            else [
                "first",
                "second",
                "third",
                "fourth",
                "fifth",
                "sixth",
                "seventh",
                "eighth",
                "ninth",
                "tenth",
            ].index(match.group("number").lower())
            + 1
        )
        fields = {
            "value": value,
            "min": None,
            "max": None,
            "unit": f"{_unit(match.group('noun'))} (ordinal)",
            "approximation": None,
        }
        found.append(
            QuantityFound(
                match.start(),
                match.end("number"),
                match.group("number"),
                fields,
                match.group("noun"),
                Why("quantity-ordinal", match.group()),
            )
        )
        taken.append((match.start(), match.end()))
    for match in PLAIN.finditer(text, start, end):
        number = match.group("number")
        value = number_value(number)
        noun = match.group("noun") or ""
        if value is None or not free(match.start("number"), match.end("number")):
            continue
        if not (noun or match.group("pct") or match.group("cur")) or (
            number.lower() in ("one",) and not noun
        ):
            continue
        if re.fullmatch(r"(?:1[89]|20)\d\d", number):
            continue  # a year, not a count
        approx = next(
            (
                kind
                for words, kind in APPROXIMATIONS
                if (match.group("approx") or "").lower() == words
            ),
            None,
        )
        unit = (
            "percent"
            if match.group("pct")
            else CURRENCY.get(match.group("cur") or "")
            or (CURRENCY.get(noun.split()[0].lower()) if noun else None)
            or _unit(noun)
        )
        begin = (
            match.start("approx")
            if match.group("approx")
            else match.start("cur")
            if match.group("cur")
            else match.start("number")
        )
        finish = match.end("pct") if match.group("pct") else match.end("number")
        if unit in TIME_UNITS and match.group("noun"):
            finish = match.start("noun") + len(noun.split()[0])
        if (
            (
                not noun.split()
                or noun.split()[0].lower()
                in (
                    "of",
                    "and",
                    "or",
                    "to",
                    "in",
                    "on",
                    "at",
                    "the",
                    "a",
                )
            )
            and not match.group("pct")
            and not match.group("cur")
        ):
            continue
        fields = {
            "value": whole(value),
            "min": None,
            "max": None,
            "unit": unit,
            "approximation": approx,
        }
        words = text[begin:finish]
        found.append(
            QuantityFound(
                begin,
                finish,
                words,
                fields,
                noun,
                Why("quantity-number", text[begin : match.end()]),
            )
        )
        taken.append((begin, match.end()))
    return sorted(found, key=lambda q: q.start)
