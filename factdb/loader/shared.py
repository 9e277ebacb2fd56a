"""What a source may do to an entity that other sources list too, for both writers (the
ORM writer, entities.py, and the bulk path, bulk_rows.py): it must agree on the kind
and, naming it by its slug, on the name; its own description and aliases are kept as
its own, and what they add to the entity is reported."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from factdb.loader.errors import Problem
from factdb.loader.fact_rows import Item

# Other sources named in a refusal; the rest are counted.
NAMED_SOURCES = 3


@dataclass(frozen=True)
class Enriched:
    """What a source added to an entity another source defines: names it did not have
    yet (aliases and metonyms), and whether a description none gave before."""

    slug: str
    aliases: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    description: bool = False

    def __str__(self) -> str:
        parts = [
            _names(len(names), noun, names)
            for names, noun in ((self.aliases, "alias"), (self.metonyms, "metonym"))
            if names
        ]
        if self.description:
            parts.append("+description")
        return f"shared entity {self.slug}: {', '.join(parts)}"


def _names(count: int, noun: str, names: Sequence[str]) -> str:
    plural = noun if count == 1 else f"{noun}es" if noun.endswith("s") else f"{noun}s"
    return f"+{count} {plural} ({', '.join(names)})"


@dataclass(frozen=True)
class Loaded:
    """What one source's load wrote: facts per section, and what it added to entities
    other sources define."""

    counts: dict[str, int]
    shared: tuple[Enriched, ...] = field(default=())


def enriched(slug: str, added: Sequence[tuple[str, str]], new_description: bool) -> Enriched | None:
    """The report for ``slug`` given the names it gained, as (name, alias kind), and
    whether it gained a description; None when it gained nothing."""
    if not added and not new_description:
        return None
    aliases = tuple(name for name, kind in added if kind == "alias")
    metonyms = tuple(name for name, kind in added if kind == "metonym")
    return Enriched(slug, aliases, metonyms, new_description)


def disagreements(
    file: str,
    label: str,
    stored: tuple[str, str, str],
    item: Item,
    others: Sequence[str],
) -> list[Problem]:
    """Problems for an item that names by its slug an entity stored as (slug, name,
    kind), which the sources ``others`` also list (at least the first NAMED_SOURCES of
    them, in the order they described it): another kind, or another name. (An item
    matched by name to an entity of another slug is of its kind: names match within a
    kind only.)"""
    slug, name, kind = stored
    shown = ", ".join(repr(source) for source in others[:NAMED_SOURCES])
    if len(others) > NAMED_SOURCES:
        shown += " and others"
    where = f"source {shown}" if len(others) == 1 else f"sources {shown}"
    problems = []
    for field_name, value in (("kind", kind), ("name", name)):
        if item[field_name] != value:
            message = (
                f"entity {slug!r} is stored as {field_name} {value!r} ({where}); this file"
                f" says {item[field_name]!r}"
            )
            problems.append(Problem(file, label, field_name, message))
    return problems


def entity_label(index: int, slug: str) -> str:
    """``entities[2] 'hezbollah'``, as errors.fact_label names a fact."""
    return f"entities[{index}] {slug!r}"
