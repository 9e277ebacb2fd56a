"""Numbers written in words or digits: "three", "1.5 million", "13th"."""

from __future__ import annotations

import re

UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
]  # fmt: skip
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_VALUES = {word: index for index, word in enumerate(UNITS)}
WORD_VALUES.update({word: 20 + 10 * index for index, word in enumerate(TENS)})
WORD_VALUES.update({"a": 1, "an": 1, "a dozen": 12, "dozen": 12})
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
_WORD_NUMBER = "|".join(
    sorted((w for w in WORD_VALUES if w not in ("a", "an")), key=len, reverse=True)
)
# "1,500", "1.5", "twenty-five", "three": optionally followed by a scale.
NUMBER = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{_WORD_NUMBER})(?:-(?:{_WORD_NUMBER}))?)"
    rf"(?:\s+(?:hundred|thousand|million|billion))?"
)
NUMBER_RE = re.compile(rf"\b{NUMBER}\b", re.IGNORECASE)


def number_value(words: str) -> float | None:
    """The value of a number as NUMBER matches it, or None."""
    parts = words.lower().replace(",", "").split()
    if not parts:
        return None
    head, scale = parts[0], 1
    if len(parts) > 1 and parts[-1] in SCALES:
        scale = SCALES[parts[-1]]
    if re.fullmatch(r"\d+(?:\.\d+)?", head):
        value = float(head)
    elif "-" in head and all(p in WORD_VALUES for p in head.split("-")):
        value = float(sum(WORD_VALUES[p] for p in head.split("-")))
    elif head in WORD_VALUES:
        value = float(WORD_VALUES[head])
    else:
        return None
    return value * scale


def whole(value: float) -> int | float:
    return int(value) if value == int(value) else value
