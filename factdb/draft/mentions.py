"""Every mention of every entity: spaCy's PhraseMatcher (lowercase) over the stored and
drafted names, aliases and metonyms, plus "the Russian leader" read through the roles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from spacy.matcher import PhraseMatcher

from factdb.draft.names import Names
from factdb.draft.places import DEMONYMS, demonym_country
from factdb.draft.roles import TITLE_WORDS
from factdb.draft.rules import Why
from factdb.draft.store import StoredNames
from factdb.draft.text import nlp


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    slug: str  # the entity whose name this is
    refers: str  # the entity meant: a metonym's country, else slug
    words: str


_STORED_MATCHERS: dict[int, tuple[StoredNames, Any, dict[str, str]]] = {}


def _matcher(names: dict[str, str]) -> tuple[Any, dict[str, str]]:
    matcher = PhraseMatcher(nlp().vocab, attr="LOWER")
    labels = {}
    for number, (name, slug) in enumerate(names.items()):
        label = f"n{number}"
        labels[label] = slug
        matcher.add(label, [nlp().make_doc(name)])
    return matcher, labels


def _stored_matcher(stored: StoredNames) -> tuple[Any, dict[str, str]]:
    # Built once per StoredNames: a batch drafts many articles against the same names.
    cached = _STORED_MATCHERS.get(id(stored))
    if cached is None or cached[0] is not stored:
        matcher, labels = _matcher({**stored.names, **stored.metonyms})
        _STORED_MATCHERS.clear()
        _STORED_MATCHERS[id(stored)] = (stored, matcher, labels)
        return matcher, labels
    return cached[1], cached[2]


_TITLE_PHRASE = re.compile(
    r"\b(?:the\s+)({})\s+({})\b".format("|".join(map(re.escape, DEMONYMS)), "|".join(TITLE_WORDS))
)


def title_aliases(names: Names, text: str) -> None:
    """'the Israeli premier' -> the person this article gives that country's title."""
    for match in _TITLE_PHRASE.finditer(text):
        country = demonym_country(match.group(1))
        word = match.group(2).casefold()
        if country is None:
            continue
        wanted = TITLE_WORDS[word]
        holders = [
            role.holder
            for role in names.roles
            if role.organization == names.find(country.name)
            and (wanted is None or role.title == wanted)
        ]
        if holders:
            person = names.entities[holders[0]]
            phrase = f"{match.group(1)} {match.group(2)}"
            names.alias(person, phrase)
            if person.why.note is None and not person.stored:
                person.why = Why(person.why.rule, person.why.matched)


def find_mentions(names: Names, text: str) -> list[Mention]:
    """Longest non-overlapping mentions, in text order; each starts with a capital or
    follows 'the' (so the pronoun 'us' is never the US)."""
    doc = nlp().make_doc(text)
    drafted = {n.casefold(): slug for n, slug in names.lookup.items()}
    for metonym, slug in names.metonym_of.items():
        drafted.setdefault(metonym, slug)
    found: list[tuple[int, int, str]] = []
    for matcher, labels in (_stored_matcher(names.stored), _matcher(drafted)):
        for label, begin, end in matcher(doc):
            span = doc[begin:end]
            found.append((span.start_char, span.end_char, labels[doc.vocab.strings[label]]))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    mentions: list[Mention] = []
    last_end = -1
    for start, end, slug in found:
        words = text[start:end]
        if start < last_end or not (words[0].isupper() or words.startswith(("the ", "The "))):
            continue
        if slug not in names.entities:
            names._known(slug, start)
        mentions.append(Mention(start, end, slug, names.refers(slug, words), words))
        last_end = end
    return mentions
