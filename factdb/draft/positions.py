"""Positions from stance verbs: holder (the subject named before the verb), target (an
entity right after it, else a new topic from the object's words)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factdb.draft.mentions import Mention
from factdb.draft.rules import Why
from factdb.draft.text import Sentence

STANCES = [
    (r"oppos(?:e|es|ed|ing)", "opposes"), (r"condemn(?:s|ed|ing)?", "opposes"),
    (r"reject(?:s|ed|ing)?", "opposes"), (r"criticis(?:e|es|ed)|criticiz(?:e|es|ed)", "opposes"),
    (r"back(?:s|ed|ing)?", "supports"), (r"support(?:s|ed|ing)?", "supports"),
    (r"welcom(?:e|es|ed|ing)", "supports"), (r"endors(?:e|es|ed)", "supports"),
    (r"call(?:s|ed)? for", "seeks"), (r"urg(?:e|es|ed)", "seeks"), (r"demand(?:s|ed)?", "seeks"),
    (r"hoping to|keen on|seeking|sought|aim(?:s|ed)? to|push(?:es|ed)? for", "seeks"),
    (r"angry at|concerned about|worried about|alarmed by", "concerned_about"),
    (r"not tolerate", "opposes"),
]  # fmt: skip
VERB = re.compile(
    r"\b(?:{})\b".format("|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(STANCES)))
)
# Words that may stand between a holder and its verb: "Ruritania has strongly opposed".
BETWEEN = {
    "also", "has", "have", "had", "strongly", "firmly", "will", "would", "did", "does", "do",
    "not", "publicly", "again", "openly", "is", "are", "was", "were", "swiftly",
}  # fmt: skip
OBJECT_END = re.compile(r"[,.;:“”\"]|\b(?:that|which|because|but|and said)\b")


@dataclass
class PositionFound:
    holder: str
    stance: str
    target_entity: str | None
    topic_words: tuple[int, int] | None
    start: int
    end: int
    why: Why


def find_positions(
    sentences: list[Sentence], text: str, mentions: list[Mention]
) -> list[PositionFound]:
    found = []
    for sentence in sentences:
        for match in VERB.finditer(text, sentence.start, sentence.end):
            index = next(int(k[1:]) for k, v in match.groupdict().items() if v)
            before = [m for m in mentions if sentence.start <= m.end <= match.start()]
            if not before or text[match.start() - 4 : match.start()].strip().lower() in (
                "of",
                "the",
                "a",
            ):
                continue
            holder = before[-1]
            gap = text[holder.end : match.start()].split()
            if len(gap) > 2 or any(word not in BETWEEN for word in gap):
                continue
            rest_end = sentence.end
            stop = OBJECT_END.search(text, match.end(), sentence.end)
            if stop:
                rest_end = stop.start()
            obj = text[match.end() : rest_end].strip()
            if len(obj.split()) < 1:
                continue
            start = match.end() + (
                len(text[match.end() : rest_end]) - len(text[match.end() : rest_end].lstrip())
            )
            target = next((m for m in mentions if start <= m.start < start + 8), None)
            matched = text[holder.start : rest_end]
            if target is not None and target.end >= rest_end - 2:
                found.append(
                    PositionFound(
                        holder.refers,
                        STANCES[index][1],
                        target.refers,
                        None,
                        holder.start,
                        rest_end,
                        Why("position-verb", matched),
                    )
                )
            else:
                words = obj.split()[:10]
                end = (
                    start + len(" ".join(words))
                    if " ".join(words) == obj[: len(" ".join(words))]
                    else rest_end
                )
                note = "target is a new topic from the object's words"
                found.append(
                    PositionFound(
                        holder.refers,
                        STANCES[index][1],
                        None,
                        (start, min(end, rest_end)),
                        holder.start,
                        rest_end,
                        Why("position-verb", matched, note),
                    )
                )
    return found
