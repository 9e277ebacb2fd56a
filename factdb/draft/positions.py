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
    (r"not tolerate", "opposes"), (r"vot(?:e|es|ed|ing) against", "opposes"),
    (r"(?:is|are|was|were) against", "opposes"),
]  # fmt: skip
VERB = re.compile(
    r"\b(?:{})\b".format("|".join(f"(?P<s{i}>{p})" for i, (p, _) in enumerate(STANCES)))
)
# Words that may stand between a holder and its verb: "Ruritania has strongly opposed".
BETWEEN = {
    "also", "has", "have", "had", "strongly", "firmly", "will", "would", "did", "does", "do",
    "not", "never", "publicly", "again", "openly", "is", "are", "was", "were", "swiftly",
}  # fmt: skip
OBJECT_END = re.compile(r"[,.;:“”\"]|\b(?:that|which|because|but|and said)\b")
NEGATION = re.compile(r"\b(?:not|never)\b")
_BETWEEN = r"(?:(?:{})\s+)*".format("|".join(sorted(BETWEEN)))
# What may stand between a holder and its stance verb, beyond BETWEEN's words: an
# appositive after a holder that opens its sentence ("The union, which organised the
# march, rejected ..."), and a reported intention ("X said it would back ...").
_APPOSITIVE = re.compile(r",\s[^,;:“”\"()]{1,100},\s")
_SAID_WOULD = re.compile(rf"(?:said|says|announced)\s+(?:that\s+)?(?:it|he|she|they)\s+{_BETWEEN}$")
_PLAIN_GAP = re.compile(rf"{_BETWEEN}$")
# "Sarvona's president, Zoë Ferrández, welcomed": the name set off by commas.
_NAMED_APPOSITIVE = re.compile(r"[^,;:“”\"]{1,60},\s$")
_SENTENCE_OPENING = re.compile(r"\s*(?:[Tt]he\s+)?$")
_QUOTED = re.compile(r"\s*[“\"]([^”\"]{1,200})[”\"]")


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
            if text[match.start() - 4 : match.start()].strip().lower() in ("of", "the", "a"):
                continue
            held = _holder(sentence, text, mentions, match.start())
            if held is None:
                continue
            holder, rule, how = held
            stance = STANCES[index][1]
            if NEGATION.search(text, holder.end, match.start()):
                # "would not support" opposes; a negated objection or demand says
                # too little to propose anything.
                if stance != "supports":
                    continue
                stance = "opposes"
                how = "; ".join(n for n in (how, "negated support: opposes") if n)
            rest_end = sentence.end
            quoted = _QUOTED.match(text, match.end())
            stop = OBJECT_END.search(text, match.end(), sentence.end)
            if quoted and (stop is None or stop.start() <= quoted.start(1)):
                # A quoted object ("condemned “the violence of a few”"): its words.
                rest_end = quoted.end(1)
                stop = None
            elif stop:
                rest_end = stop.start()
            object_start = quoted.start(1) if quoted and rest_end == quoted.end(1) else match.end()
            obj = text[object_start:rest_end].strip()
            if len(obj.split()) < 1:
                continue
            start = object_start + (
                len(text[object_start:rest_end]) - len(text[object_start:rest_end].lstrip())
            )
            target = next((m for m in mentions if start <= m.start < start + 8), None)
            matched = text[holder.start : rest_end]
            if target is not None and target.end >= rest_end - 2:
                found.append(
                    PositionFound(
                        holder.refers,
                        stance,
                        target.refers,
                        None,
                        holder.start,
                        rest_end,
                        Why(rule, matched, how),
                    )
                )
            else:
                words = obj.split()[:10]
                end = (
                    start + len(" ".join(words))
                    if " ".join(words) == obj[: len(" ".join(words))]
                    else rest_end
                )
                note = "; ".join(
                    n for n in (how, "target is a new topic from the object's words") if n
                )
                found.append(
                    PositionFound(
                        holder.refers,
                        stance,
                        None,
                        (start, min(end, rest_end)),
                        holder.start,
                        rest_end,
                        Why(rule, matched, note),
                    )
                )
    return found


def _holder(
    sentence: Sentence, text: str, mentions: list[Mention], verb: int
) -> tuple[Mention, str, str | None] | None:
    """The entity that takes the stance at ``verb``, the rule that found it, and a note."""
    before = [m for m in mentions if sentence.start <= m.start and m.end <= verb]
    if not before:
        return None
    last = before[-1]
    gap = text[last.end : verb]
    words = gap.split()
    if len(words) <= 2 and all(word in BETWEEN for word in words):
        return last, "position-verb", None
    if _SAID_WOULD.fullmatch(gap.strip() + " "):
        return last, "position-said-would", "holder: the speaker of the reported intention"
    if gap == ", " and _NAMED_APPOSITIVE.fullmatch(text[sentence.start : last.start]):
        return last, "position-appositive", "holder: the name set off by commas"
    first = before[0]
    if not _SENTENCE_OPENING.fullmatch(text[sentence.start : first.start]):
        return None
    appositive = _APPOSITIVE.match(text, first.end, verb)
    if appositive is None or VERB.search(text, appositive.start(), appositive.end()):
        return None
    rest = text[appositive.end() : verb]
    if _PLAIN_GAP.fullmatch(rest):
        return first, "position-appositive", "holder: the subject before the appositive"
    if _SAID_WOULD.fullmatch(rest):
        return first, "position-said-would", "holder: the subject before the appositive"
    return None
