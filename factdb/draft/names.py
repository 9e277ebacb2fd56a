"""Entities: capitalized runs read as people, countries, parties, organizations and
places; names already stored matched to their entity; every mention found with
spaCy's PhraseMatcher over the stored and drafted names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from factdb.draft.facts import slugify
from factdb.draft.places import (
    CAPITALS,
    capital_country,
    country_code,
    demonym_country,
)
from factdb.draft.places import country as country_of
from factdb.draft.roles import read_title
from factdb.draft.rules import Why
from factdb.draft.store import StoredNames

# A capitalized word, possessive excluded; particles may join the words of a name.
_WORD = r"[A-Z][\w]*(?:-[A-Za-z]\w*)*"
RUN = re.compile(
    rf"{_WORD}(?:[ \u00a0]+(?:(?:al|bin|ibn|de|da|van|von|der|del|of)[ \u00a0-]+)?{_WORD})*"
)
CALENDAR = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday",
}  # fmt: skip
ORG_WORDS = {
    "Ministry", "Council", "Committee", "Parliament", "Assembly", "Army", "Forces", "Union",
    "Organization", "Organisation", "Agency", "Court", "Commission", "Corporation",
    "Company", "Group", "University", "Institute", "Administration", "Department",
    "Office", "Front", "Movement", "Authority", "Guard", "Command", "Congress", "Senate",
    "Federation", "Association", "Alliance", "Coalition", "Brigades", "Bank", "Fund",
    "Service", "Police", "Cabinet", "Government", "Board", "Society", "Network",
}  # fmt: skip
PLACE_WORDS = {
    "Sea", "Ocean", "River", "Gulf", "Strait", "Mountains", "Valley", "Island", "Islands",
    "Peninsula", "Lake", "Desert", "Coast", "Heights", "Strip", "City", "Province",
    "Region", "Square", "Street", "Airport", "Port", "Canal", "Bay",
}  # fmt: skip
COMPASS = {"East", "West", "North", "South", "Middle", "Central", "Upper", "Lower"}
PARTY_WORDS = {"Party"}
PLACE_BEFORE = re.compile(
    r"(?:city|town|village|port|region|province) of\s+$|(?:\bin|\bto|\bfrom|\bnear|\bat)\s+$"
)


@dataclass
class Entity:
    """A drafted (new) entity, or a stored one the article names (``stored``)."""

    slug: str
    name: str
    kind: str
    why: Why
    stored: bool = False
    aliases: list[str] = field(default_factory=list)
    metonyms: list[str] = field(default_factory=list)
    description: str = ""
    first: int = 0


@dataclass(frozen=True)
class RoleFound:
    """A title read in a run: holder, title, country (or None), and the run's span."""

    holder: str
    title: str
    organization: str | None
    start: int
    end: int
    words: str


@dataclass(frozen=True)
class Run:
    start: int
    end: int
    words: str


class Names:
    """The entities of one article, keyed by slug, and the name -> slug lookup."""

    def __init__(self, stored: StoredNames) -> None:
        self.stored = stored
        self.entities: dict[str, Entity] = {}
        self.lookup: dict[str, str] = {}  # casefolded name or alias -> slug
        self.metonym_of: dict[str, str] = {}  # casefolded metonym -> slug
        self.roles: list[RoleFound] = []
        # Spans that name an entity without being its name: "Russian" in a title.
        self.spans: dict[str, list[tuple[int, int]]] = {}

    def find(self, words: str) -> str | None:
        key = words.casefold()
        return self.lookup.get(key) or self.stored.names.get(key)

    def refers(self, slug: str, words: str) -> str:
        """The entity that ``words`` stand for: a metonym's country, else ``slug``."""
        key = words.casefold()
        return self.metonym_of.get(key) or self.stored.metonyms.get(key) or slug

    def ensure(self, name: str, kind: str, why: Why, start: int) -> Entity:
        """The entity of ``name``: stored, already drafted, or new."""
        slug = self.find(name)
        if slug is not None:
            return self._known(slug, start)
        wanted = slugify(name)
        slug = wanted
        while slug in self.stored.entities or slug in self.entities:
            # A slug taken by another entity: never overwrite it.
            slug = f"{wanted}-{len(slug) - len(wanted) + 2}"
        entity = Entity(slug, name, kind, why, first=start)
        self.entities[slug] = entity
        self.lookup[name.casefold()] = slug
        return entity

    def _known(self, slug: str, start: int) -> Entity:
        if slug not in self.entities:
            record = self.stored.entities[slug]
            why = Why("name-stored", record.name)
            self.entities[slug] = Entity(slug, record.name, record.kind, why, True, first=start)
        return self.entities[slug]

    def alias(self, entity: Entity, words: str) -> None:
        if words.casefold() not in self.lookup and self.find(words) is None:
            self.lookup[words.casefold()] = entity.slug
            if not entity.stored and words != entity.name:
                entity.aliases.append(words)

    def metonym(self, entity: Entity, words: str) -> None:
        self.metonym_of.setdefault(words.casefold(), entity.slug)
        if not entity.stored and words not in entity.metonyms:
            entity.metonyms.append(words)

    def country(self, code: str, start: int, matched: str) -> Entity:
        country = country_of(code)
        rule = "name-country-demonym" if code.startswith("local-") else "name-country"
        return self.ensure(country.name, "country", Why(rule, matched), start)


def runs(text: str, start: int, end: int) -> list[Run]:
    """Capitalized runs in text[start:end], possessives cut and sentence-initial
    function words ("The", "However") dropped."""
    found = []
    for match in RUN.finditer(text, start, end):
        words, begin = match.group(), match.start()
        head = words.split()[0]
        while _function_word(head):
            rest = words[len(head) :].lstrip()
            if not rest:
                break
            begin += len(words) - len(rest)
            words, head = rest, rest.split()[0]
        if _function_word(words.split()[0]) or words in CALENDAR:
            continue
        words = " ".join(w for w in words.split() if w not in CALENDAR) or words
        found.append(Run(begin, begin + len(words), words))
    return found


def _function_word(word: str) -> bool:
    # "US" is a country, not the pronoun; months and weekdays are dates.
    return (word.casefold() in STOP_WORDS and not word.isupper()) or word in CALENDAR


GROUP_WORDS = {"Arab", "Western", "European", "African", "Asian", "Muslim", "Jewish", "Kurdish"}


def sentence_initial(text: str, index: int) -> bool:
    """True at a sentence's or quote's first word, where capitals say nothing."""
    before = text[max(0, index - 3) : index].rstrip(" \u00a0“\"\u2018'(")
    return not before or before[-1] in ".!?\n:"


def read_names(names: Names, text: str, body: int, sentences: list[tuple[int, int]]) -> None:
    """Find the entities of the body: titled people first, then every other run."""
    all_runs = [run for s, e in sentences for run in runs(text, s, e)]
    singles = []
    for run in all_runs:
        if _titled(names, run):
            continue
        if " " not in run.words:
            singles.append(run)
            continue
        _multiword(names, text, run)
    mid_sentence = {r.words for r in singles if not sentence_initial(text, r.start)}
    for run in singles:
        _single(names, text, run, run.words in mid_sentence)


def _titled(names: Names, run: Run) -> bool:
    titled = read_title(run.words)
    if titled is None:
        return False
    start = run.start + titled.name_offset
    state = None
    if titled.country is not None:
        state = names.country(titled.country.code, run.start, titled.demonym or "")
        demonym = titled.demonym or ""
        names.spans.setdefault(state.slug, []).append((run.start, run.start + len(demonym)))
        if demonym.isupper():
            names.alias(state, demonym)  # "US", "UK": a name of the country itself
    if titled.name:
        why = Why("name-titled-person", run.words)
        person = names.ensure(titled.name, "person", why, start)
        organization = state.slug if state else None
        names.roles.append(
            RoleFound(person.slug, titled.title, organization, run.start, run.end, run.words)
        )
        if titled.demonym:
            names.alias(person, f"{titled.demonym} {titled.title}")
        if not person.description:
            where = f" of {state.name}" if state else ""
            person.description = f"{titled.title}{where}"
    return True


def _multiword(names: Names, text: str, run: Run) -> None:
    words = run.words.split()
    # A demonym in front of a place or organization ("Palestinian West Bank") is dropped.
    # ... but a party keeps it: "the Morvanian Freedom Party".
    if demonym_country(words[0]) and len(words) > 1 and words[-1] not in PARTY_WORDS:
        rest = " ".join(words[1:])
        _multiword(names, text, Run(run.end - len(rest), run.end, rest))
        return
    name = run.words
    stored = names.find(name)
    if stored is not None:
        names._known(stored, run.start)
    elif country_code(name) is not None:
        names.country(str(country_code(name)), run.start, name)
    elif name in CAPITALS:
        _capital(names, name, run.start)
    elif words[-1] in PARTY_WORDS:
        party = names.ensure(" ".join(words[:-1]), "party", Why("name-party", name), run.start)
        names.alias(party, name)
    elif words[0] in COMPASS or (set(words) & PLACE_WORDS and not set(words) & ORG_WORDS):
        names.ensure(name, "place", Why("name-place-word", name), run.start)
    elif set(words) & ORG_WORDS:
        names.ensure(name, "organization", Why("name-organization-word", name), run.start)
    elif len(words) <= 3 and "of" not in words:
        names.ensure(name, "person", Why("name-person-pattern", name), run.start)
    else:
        note = "kind unknown: guessed organization"
        names.ensure(name, "organization", Why("name-unknown-kind", name, note), run.start)


def _capital(names: Names, name: str, start: int) -> None:
    country = capital_country(name)
    place = names.ensure(name, "place", Why("name-capital-metonym", name), start)
    if country is not None:
        state = names.country(country.code, start, name)
        names.metonym(state, name)
        place.description = f"City of {country.name}; its name may stand for {country.name}"


def _single(names: Names, text: str, run: Run, seen_mid_sentence: bool) -> None:
    word = run.words
    stored = names.find(word)
    if stored is not None:
        names._known(stored, run.start)
        return
    code = country_code(word)
    if code is not None and (len(word) > 3 or word.isupper()):
        names.country(code, run.start, word)
        return
    if word in CAPITALS:
        _capital(names, word, run.start)
        return
    for entity in list(names.entities.values()):
        if entity.kind == "person" and entity.name.split()[-1] == word:
            names.alias(entity, word)
            return
    if demonym_country(word) or word in GROUP_WORDS or demonym_country(word[:-1]):
        return
    if sentence_initial(text, run.start) and not seen_mid_sentence:
        return
    if PLACE_BEFORE.search(text[max(0, run.start - 20) : run.start]):
        names.ensure(
            word, "place", Why("name-place-preposition", text[run.start - 8 : run.end]), run.start
        )
        return
    note = "kind unknown: guessed organization"
    names.ensure(word, "organization", Why("name-unknown-kind", word, note), run.start)
