"""Who speaks: a named entity just before or after a speech verb, a title phrase, a
speaker noun ("foreign ministers"), or a pronoun resolved to the last named subject."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factdb.draft.mentions import Mention
from factdb.draft.names import Names
from factdb.draft.rules import Why

VERBS = (
    r"said|says|told|tells|added|adds|noted|notes|stressed|stresses|warned|insisted|argued"
    r"|explained|announced|declared|claimed|replied|wrote|referred to|emphasized|emphasised"
)
VERB = re.compile(rf"\b(?:{VERBS})\b")
PRONOUNS = {"he": "person", "she": "person", "it": "other", "they": "other"}
SPEAKER_NOUNS = re.compile(
    r"(?:\b[a-z]+\s+)?\b(?:ministers?|officials?|spokesman|spokeswoman|spokesperson|diplomats?"
    r"|sources|ministry|army|police|unions?|analysts|experts|critics|lawmakers|authorities"
    r"|residents|protesters)$"
)
# "The agency", "Her office", "the network": a noun standing for an entity named before.
_THE_NOUN = re.compile(r"(?:^|\s)(?:[Tt]he|[Hh]er|[Hh]is|[Ii]ts|[Tt]heir)\s+([a-z]+)$")
_LINKS = {"and", "of", "in", "to", "with", "at", "for", "from", "on", "the"}


@dataclass(frozen=True)
class Speaker:
    slug: str
    words: str
    start: int
    end: int
    note: str | None = None


class Speakers:
    """Resolves speakers in text order, remembering the subjects named so far."""

    def __init__(self, names: Names, mentions: list[Mention], text: str) -> None:
        self.names = names
        self.mentions = mentions
        self.text = text
        self.spoken: list[tuple[int, str]] = []  # (position, slug) of resolved speakers

    def kind(self, slug: str) -> str:
        return self.names.entities[slug].kind

    def at(self, start: int, end: int) -> Speaker | None:
        """The speaker named exactly in text[start:end] (stripped), or None."""
        words = self.text[start:end]
        stripped = words.strip(" ,\u00a0")
        begin = start + words.index(stripped) if stripped else start
        finish = begin + len(stripped)
        if not stripped:
            return None
        for mention in self.mentions:
            if mention.end == finish and mention.start >= begin - 4:
                return self._spoke(
                    Speaker(mention.refers, mention.words, mention.start, mention.end)
                )
        head = stripped.split()[-1]
        if head.casefold() in PRONOUNS and len(stripped.split()) == 1:
            return self.pronoun(head, begin)
        named = self._named_by_noun(stripped, begin, finish)
        if named is not None:
            return self._spoke(named)
        match = SPEAKER_NOUNS.search(stripped)
        if match:
            noun = match.group()
            why = Why("group-speaker-noun", noun, "a group named by a lowercase noun (unsure)")
            group = self.names.ensure(noun[0].upper() + noun[1:], "group", why, begin)
            group.description = group.description or f"{noun} quoted in the article"
            self.names.lookup.setdefault(noun.casefold(), group.slug)
            offset = begin + len(stripped) - len(noun)
            return self._spoke(Speaker(group.slug, noun, offset, offset + len(noun)))
        return None

    def _named_by_noun(self, words: str, begin: int, finish: int) -> Speaker | None:
        """'The agency said' after 'Sarvona's civil defence agency': the last entity
        named before whose name ends in that noun."""
        match = _THE_NOUN.search(words)
        if match is None:
            return None
        noun = match.group(1).casefold()
        for mention in reversed(self.mentions):
            if mention.end > begin:
                continue
            entity = self.names.entities[mention.refers]
            if entity.kind != "person" and entity.name.split()[-1].casefold() == noun:
                words_read = match.group().strip()
                note = f"rule speaker-noun: {words_read!r} read as {entity.name} (unsure)"
                return Speaker(entity.slug, words_read, finish - len(words_read), finish, note)
        return None

    def pronoun(self, word: str, position: int) -> Speaker | None:
        """A pronoun: the last named speaker or subject of its kind before it."""
        wanted = PRONOUNS[word.casefold()]
        candidates = [(p, s) for p, s in self.spoken if p < position]
        for mention in self.mentions:
            if mention.end < position and self._subject_like(mention):
                candidates.append((mention.start, mention.refers))
        candidates.sort()
        for _, slug in reversed(candidates):
            if (self.kind(slug) == "person") == (wanted == "person"):
                name = self.names.entities[slug].name
                note = f"pronoun {word!r} resolved to the last named subject, {name} (unsure)"
                speaker = Speaker(slug, word, position, position + len(word), note)
                return self._spoke(speaker)
        return None

    def _subject_like(self, mention: Mention) -> bool:
        # A name followed by a lowercase word that is not a preposition: "Putin seemed".
        after = self.text[mention.end : mention.end + 20].split()
        return bool(after) and after[0].isalpha() and after[0].islower() and after[0] not in _LINKS

    def _spoke(self, speaker: Speaker) -> Speaker:
        self.spoken.append((speaker.start, speaker.slug))
        return speaker
