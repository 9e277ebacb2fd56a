"""Quantities: digits, words, approximations, vague amounts, ordinals."""

from __future__ import annotations

from factdb.draft.quantities import find_quantities


def _found(sentence: str) -> list[tuple[str, object, object, object, str, object]]:
    return [
        (
            q.words,
            q.fields["value"],
            q.fields["min"],
            q.fields["max"],
            q.fields["unit"],
            q.fields["approximation"],
        )
        for q in find_quantities(sentence, 0, len(sentence), [])
    ]


def test_numbers_in_digits_and_words() -> None:
    assert _found("About 1.5 million voters and 40,000 workers came.") == [
        ("About 1.5 million", 1_500_000, None, None, "person", "about"),
        ("40,000", 40_000, None, None, "person", None),
    ]
    assert _found("They waited three hours.") == [("three hours", 3, None, None, "hour", None)]


def test_approximation_kinds() -> None:
    kinds = [
        q[5] for q in _found("More than 20 boats, at least 5 ships, nearly 9 tugs, up to 4 barges.")
    ]
    assert kinds == ["over", "at_least", "nearly", "at_most"]


def test_vague_amounts_ordinals_and_compounds() -> None:
    assert _found("Hundreds of thousands of voters left.")[0][:4] == (
        "Hundreds of thousands",
        None,
        200_000,
        999_999,
    )
    assert _found("It drew hundreds of thousands of voters.") == [
        ("hundreds of thousands", None, 200_000, 999_999, "person", "about")
    ]
    assert _found("Her 13th visit was a two-day visit.") == [
        ("13th", 13, None, None, "visit (ordinal)", None),
        ("two-day", 2, None, None, "day", None),
    ]
    assert _found("He was born in 1970 and 7 percent agreed.") == [
        ("7 percent", 7, None, None, "percent", None)
    ]
