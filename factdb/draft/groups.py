"""Groups ("Russian immigrants", "Palestinians") and administrations ("the
administration of US President Ann Vale") named by an article."""

from __future__ import annotations

import re

from factdb.draft.names import GROUP_WORDS, RUN, Names
from factdb.draft.places import DEMONYMS
from factdb.draft.roles import read_title
from factdb.draft.rules import Why

GROUP_NOUNS = (
    "immigrants|troops|forces|soldiers|officials|states|ministers|voters|citizens|people"
    "|refugees|diplomats|leaders|lawmakers|protesters|settlers|workers|residents|militants"
)
_GROUP = re.compile(
    r"\b({})\s+({})\b".format(
        "|".join(sorted(set(DEMONYMS) | GROUP_WORDS, key=len, reverse=True)), GROUP_NOUNS
    )
)
_PLURAL_DEMONYM = re.compile(r"\b({})s\b".format("|".join(sorted(DEMONYMS, key=len, reverse=True))))


_ADMINISTRATION = re.compile(r"\b[Aa]dministration of\s+(?=[A-Z])")


def read_administrations(names: Names, text: str, body: int) -> None:
    """'the administration of US President Donald Trump': an organization of that name."""
    for match in _ADMINISTRATION.finditer(text, body):
        run = RUN.match(text, match.end())
        if run is None or read_title(run.group()) is None:
            continue
        words = text[match.start() : run.end()]
        name = "Administration of " + run.group()
        why = Why("name-administration-of", words)
        organization = names.ensure(name, "organization", why, match.start())
        names.alias(organization, words)
        names.spans.setdefault(organization.slug, []).append((match.start(), run.end()))
        organization.description = organization.description or f"The {words}"


def read_groups(names: Names, text: str, body: int) -> None:
    """Groups named by a demonym and a plural noun, or a plural demonym."""
    for match in _GROUP.finditer(text, body):
        why = Why("group-demonym-plural", match.group())
        group = names.ensure(match.group(), "group", why, match.start())
        group.description = group.description or f"{match.group()} named in the article"
    for match in _PLURAL_DEMONYM.finditer(text, body):
        if not match.group(1).isupper():
            names.ensure(
                match.group(), "group", Why("group-demonym-plural", match.group()), match.start()
            )
