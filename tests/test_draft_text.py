"""Sentences, headlines and unique excerpts."""

from __future__ import annotations

import pytest

from factdb.draft.rules import RULES, Why
from factdb.draft.text import excerpt_for, headline_end, sentences
from factdb.loader.facts_file import Excerpt
from factdb.loader.spans import locate

TEXT = "Ferry Line Opens\n\nThe ferry sailed at noon. The ferry was full.\n\nIt returned late."


def test_sentences_stay_inside_paragraphs() -> None:
    found = sentences(TEXT, headline_end(TEXT))
    assert [s.text for s in found] == [
        "The ferry sailed at noon.",
        "The ferry was full.",
        "It returned late.",
    ]
    assert [s.paragraph for s in found] == [0, 0, 1]  # counted from the body's first
    assert all(TEXT[s.start : s.end] == s.text for s in found)


def test_headline_is_skipped_only_without_a_full_stop() -> None:
    assert headline_end(TEXT) == len("Ferry Line Opens\n")
    assert headline_end("A sentence.\nAnother one.") == 0


def test_repeated_words_get_the_shortest_unique_prefix() -> None:
    second = TEXT.index("The ferry was")
    excerpt = excerpt_for(TEXT, second, second + len("The ferry"))
    assert excerpt == {"before": "noon. ", "text": "The ferry"}
    assert locate(TEXT, Excerpt(excerpt["text"], excerpt["before"])).start == second
    assert excerpt_for(TEXT, TEXT.index("noon"), TEXT.index("noon") + 4) == "noon"


def test_every_rule_is_named_and_documented() -> None:
    assert all(name == name.lower() and text for name, text in RULES.items())
    assert "rule: quote-said-after" in Why("quote-said-after", "“…,” she said").comment()
    with pytest.raises(ValueError, match="unknown drafting rule"):
        Why("no-such-rule", "")
