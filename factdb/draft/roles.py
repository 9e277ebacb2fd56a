"""Titles: "Russian President Vladimir Putin" -> a person, a country and a role."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factdb.draft.places import Country, demonym_country

# Longest first, so "Prime Minister" wins over "Minister".
TITLES = sorted(
    [
        "President", "Vice President", "Prime Minister", "Deputy Prime Minister",
        "Foreign Minister", "Defence Minister", "Defense Minister", "Interior Minister",
        "Finance Minister", "Health Minister", "Minister", "Chancellor", "King", "Queen",
        "Prince", "Crown Prince", "Emir", "Sheikh", "Pope", "Secretary of State",
        "Secretary-General", "Secretary", "Premier", "Governor", "Mayor", "Senator",
        "General", "Ambassador", "Speaker", "Chairman", "Spokesman", "Spokeswoman",
        "Opposition Leader", "Leader", "Supreme Leader", "Judge", "Commander", "Envoy",
    ],
    key=len,
    reverse=True,
)  # fmt: skip
# Lowercase words that stand for a titled person: "the Russian leader".
TITLE_WORDS = {
    "leader": None,
    "premier": "Prime Minister",
    "president": "President",
    "prime minister": "Prime Minister",
    "foreign minister": "Foreign Minister",
    "chancellor": "Chancellor",
    "king": "King",
}
_TITLE = re.compile(r"(?:{})\b".format("|".join(re.escape(t) for t in TITLES)))


@dataclass(frozen=True)
class Titled:
    """A capitalized run read as [demonym] title [name]."""

    country: Country | None
    demonym: str | None
    title: str
    name: str  # "" when the run is only demonym + title
    name_offset: int  # where the name starts within the run


def read_title(run: str) -> Titled | None:
    """Read "Russian President Vladimir Putin", "President Ann Vale" or "Israeli Prime
    Minister"; None when the run holds no title at its start (after a demonym)."""
    country, demonym, rest, offset = None, None, run, 0
    for width in (2, 1):  # "South Korean" before "Korean"
        words = run.split()
        head = " ".join(words[:width])
        found = demonym_country(head) if len(words) > width else None
        if found:
            country, demonym = found, head
            offset = len(head) + (len(run) - len(run[len(head) :].lstrip()) - len(head))
            rest = run[offset:]
            break
    match = _TITLE.match(rest)
    if not match:
        return None
    name_part = rest[match.end() :]
    name = name_part.strip()
    return Titled(
        country,
        demonym,
        match.group(0),
        name,
        offset + match.end() + (len(name_part) - len(name_part.lstrip())),
    )


def title_word(words: str) -> tuple[str, str | None] | None:
    """("leader", None) or ("premier", "Prime Minister") for a lowercase title word."""
    key = words.casefold()
    if key in TITLE_WORDS:
        return key, TITLE_WORDS[key]
    return None
