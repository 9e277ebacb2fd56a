"""The named rules of the drafter: each proposed fact says which one matched and why.

Names are stable: a reviewer's notes and the tests refer to them. Adding a rule adds a
name here; a fact citing a name that is not here is a drafter bug (``why`` refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass

RULES: dict[str, str] = {
    # entities (names.py, roles.py)
    "name-stored": "a name, alias or metonym already in the database: the stored entity",
    "name-country": "a country name or code known to pycountry (or its everyday short name)",
    "name-country-demonym": "a name the text also writes as a demonym (Kestria, Kestrian)",
    "name-capital-metonym": "a capital city standing for its country (Moscow for Russia)",
    "name-titled-person": "capitalized words after a title: a person (President Ann Vale)",
    "name-person-pattern": "two or three capitalized words not otherwise known: a person",
    "name-surname": "a single capitalized word that is the last name of a person found",
    "name-party": "capitalized words ending in Party: a party",
    "name-organization-word": "capitalized words with an organization word (Ministry, Council)",
    "name-administration-of": "'the administration of <titled person>': an organization",
    "name-place-word": "capitalized words with a geographic word (Sea, Bank, East): a place",
    "name-place-preposition": "an unknown single name after 'city of', 'in', 'to': a place",
    "name-unknown-kind": "an unknown single capitalized name: kind guessed organization",
    "group-demonym-plural": "a demonym before a plural noun (Russian immigrants): a group",
    "group-speaker-noun": "a lowercase speaker noun (foreign ministers said): a group",
    "role-demonym-title-name": "demonym + title + name (Russian President Vladimir Putin)",
    "role-title-name": "title + name without a country (President Ann Vale)",
    "alias-demonym-title": "'the <demonym> <title word>' refers to that country's titled person",
    # statements (quotes.py, speech.py)
    "quote-said-after": "a direct quote followed by its attribution (“…,” X said)",
    "quote-said-before": "a direct quote after its attribution (X said: “…”)",
    "quote-continued": "a quote right after an attributed quote, same speaker",
    "quote-split": "one quote interrupted by its attribution: the parts form one statement",
    "quote-paragraphs": "a quote running over paragraphs (no closing mark at paragraph end)",
    "speaker-pronoun": "pronoun speaker resolved to the last named speaker (unsure)",
    "speech-said-that": "indirect speech: X said/added/told … (that) <clause>",
    "speech-noted": "indirect speech: X noted/stressed/referred to <object>",
    "speech-inserted-said": "indirect speech with the attribution inside: …, he said, …",
    "speech-according-to": "indirect speech: according to X, <clause> (or the other way round)",
    "speech-said-after": "indirect speech with the attribution at the end: <clause>, it added",
    "speaker-noun": "'the agency said': the last entity named whose name ends in that noun",
    "speech-mixed": "reported words holding a quoted fragment: mixed",
    # dates (dates.py)
    "date-explicit": "an explicit calendar date, parsed by dateparser",
    "date-month-part": "early/mid/late + month",
    "date-month": "a month on its own (in January)",
    "date-year-from-published": "a date without a year takes the publication year",
    "date-weekday": "a weekday: the one on or before (after, for the future) the anchor",
    "date-ago": "N units ago: relative to the publication date",
    "date-last-next": "last/next week, month, year: relative to the publication date",
    "date-day-word": "yesterday, today, tomorrow: relative to the publication date",
    "date-before-after-event": "N units before/after <event>: relative to that event",
    "date-earlier-later": "N units earlier/later: relative to the last dated event",
    # events (events.py)
    "event-trigger": "an event word (meeting, visit, press briefing, election, strike, war)",
    "event-merge-same-kind": "later mentions of the same kind join the first (unsure)",
    "event-other": "a clear event word of no known kind (ceremony, protest, clash, signing, "
    "referendum, funeral, explosion): kind other, one event per word (unsure)",
    "event-separate-date": "a mention of a kind already found, with another explicit date: "
    "an event of its own",
    "event-planned": "future tense or an announcement near the trigger: status planned",
    "event-date-same-sentence": "the event takes a date written in its sentence",
    "event-date-linked-event": "no date in its sentence: the date of an event named with it",
    "event-date-neighbour": "no date of its own: the date of the sentence before (unsure)",
    # quantities (quantities.py)
    "quantity-number": "a number in digits or words with the noun it counts",
    "quantity-compound": "a hyphenated measure (three-hour meeting)",
    "quantity-vague": "hundreds/thousands/dozens (of …): a range",
    "quantity-ordinal": "an ordinal (13th meeting): the rank of the counted thing",
    # positions (positions.py)
    "position-verb": "a stance verb (oppose, condemn, reject, back, call for, welcome, "
    "hoping to, keen on, concerned about, would not tolerate, vote against, is against)",
    "position-said-would": "a reported intention: X said it would oppose/back/... Y",
    "position-appositive": "a stance verb after its subject and an appositive "
    "(X, the leader of Y, rejected Z; Y's leader, X, welcomed Z)",
}


@dataclass(frozen=True)
class Why:
    """Why a fact was proposed: the rule's name, the words it matched, any doubt."""

    rule: str
    matched: str
    note: str | None = None

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown drafting rule {self.rule!r}")

    def comment(self) -> str:
        """One comment line: the rule, the words, the doubt."""
        words = " ".join(self.matched.split())
        if len(words) > 90:
            words = words[:87] + "..."
        line = f"rule: {self.rule}; matched: {words!r}"
        return f"{line}; {self.note}" if self.note else line
