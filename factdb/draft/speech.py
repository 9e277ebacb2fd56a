"""Indirect speech: "X said (that) …", "X noted the importance of …", "…, he said, …",
"according to X, …"; reported words holding a quoted fragment are mixed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factdb.draft.quotes import Segment
from factdb.draft.rules import Why
from factdb.draft.speakers import Speaker, Speakers
from factdb.draft.text import Sentence

SAID = re.compile(
    r"\b(?P<verb>said|says|added|adds|told\s+\w+|warned|insisted|argued|explained|announced"
    r"|declared|claimed)"
    r"(?:\s+(?:on|in|at)\s+[^,]{1,40}?)?\s+(?:that\s+)?(?P<clause>[a-z“\"].+)$",
    re.S,
)
NOTED = re.compile(
    r"\b(?P<verb>noted|notes|stressed|stresses|emphasi[sz]ed|referred to|underlined|highlighted)"
    r"\s+(?P<clause>(?:the|that|his|her|its|their)\b.+)$",
    re.S,
)
INSERTED = re.compile(
    r"^(?P<a>[^“”\"]+?),\s+(?P<who>he|she|they|it)\s+(?:said|added),\s+(?P<b>[^“”\"]+)$",
    re.I | re.S,
)
TRAILING = re.compile(
    r"^(?P<clause>[^“”\"]+?),\s+(?P<who>[^,“”\"]{1,60}?)\s+(?:said|added|says)\.?$", re.S
)
TRAILING_ACCORDING = re.compile(
    r"^(?P<clause>[^“”\"]+?),\s+according to (?P<who>[^,“”\"]{1,80}?)\.?$", re.S
)
ACCORDING = re.compile(r"^[Aa]ccording to (?P<who>[^,]{1,60}),\s+(?P<clause>.+)$", re.S)


@dataclass
class Reported:
    start: int
    end: int
    speaker: Speaker
    mode: str
    why: Why
    attribution: tuple[int, int]


def _clause_end(sentence: Sentence, start: int, text: str) -> int:
    end = sentence.end
    while end > start and text[end - 1] in ".!?\u00a0 ":
        end -= 1
    return end


def find_speech(
    sentences: list[Sentence],
    text: str,
    speakers: Speakers,
    quoted: list[tuple[int, int]],
    fragments: list[Segment],
) -> list[Reported]:
    """Indirect and mixed statements, in sentences that are not direct quotes."""
    found: list[Reported] = []
    for sentence in sentences:
        if any(s < sentence.end and sentence.start < e for s, e in quoted):
            continue
        reported = _one(sentence, text, speakers)
        if reported is None:
            continue
        if any(reported.start <= f.start and f.end <= reported.end for f in fragments):
            reported.mode = "mixed"
            reported.why = Why("speech-mixed", reported.why.matched, reported.why.note)
        found.append(reported)
    return found


def _one(sentence: Sentence, text: str, speakers: Speakers) -> Reported | None:
    base = sentence.start
    words = sentence.text
    inserted = INSERTED.match(words)
    if inserted:
        speaker = speakers.pronoun(inserted.group("who"), base + inserted.start("who"))
        if speaker is None:
            return None
        end = _clause_end(sentence, base, text)
        why = Why(
            "speech-inserted-said", words[inserted.end("a") : inserted.start("b")], speaker.note
        )
        return Reported(
            base,
            end,
            speaker,
            "indirect",
            why,
            (base + inserted.start("who"), base + inserted.start("b") - 2),
        )
    for pattern, rule in (
        (TRAILING, "speech-said-after"),
        (TRAILING_ACCORDING, "speech-according-to"),
    ):
        trailing = pattern.match(words)
        if trailing is None:
            continue
        speaker = speakers.at(base + trailing.start("who"), base + trailing.end("who"))
        if speaker is None:
            continue
        end = base + trailing.end("clause")
        why = Why(rule, words[trailing.end("clause") :], speaker.note)
        return Reported(
            base,
            end,
            speaker,
            "indirect",
            why,
            (base + trailing.end("clause") + 2, base + len(words.rstrip("."))),
        )
    according = ACCORDING.match(words)
    if according:
        speaker = speakers.at(base + according.start("who"), base + according.end("who"))
        if speaker is None:
            return None
        start = base + according.start("clause")
        why = Why("speech-according-to", words[: according.start("clause")], speaker.note)
        return Reported(
            start, _clause_end(sentence, start, text), speaker, "indirect", why, (base, start - 2)
        )
    for pattern, rule in ((SAID, "speech-said-that"), (NOTED, "speech-noted")):
        for match in pattern.finditer(words):
            if match.group("clause").startswith(("“", '"')):
                continue
            speaker = speakers.at(base, base + match.start("verb"))
            if speaker is None:
                continue
            start = base + match.start("clause")
            end = _clause_end(sentence, start, text)
            if end - start < 12:
                continue
            matched = text[speaker.start : base + match.end("verb")]
            why = Why(rule, matched, speaker.note)
            return Reported(
                start, end, speaker, "indirect", why, (speaker.start, base + match.end("verb"))
            )
    return None
