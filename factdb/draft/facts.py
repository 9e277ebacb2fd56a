"""The draft in memory: proposed facts, each with its YAML mapping and its reason."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from factdb.draft.rules import Why
from factdb.loader.plan import SECTIONS

SHARED = ("entities", "topics")


def slugify(words: str, max_words: int = 8) -> str:
    """Lowercase ASCII words joined by hyphens (the loader's slug pattern)."""
    ascii_text = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", ascii_text.lower())[:max_words]
    return "-".join(parts) or "x"


@dataclass
class Fact:
    """One proposed fact: its section, its mapping as written, and why it was proposed."""

    section: str
    data: dict[str, Any]
    why: Why
    # Character span of the main words, for ordering and for the compare.
    start: int = 0
    end: int = 0

    @property
    def key(self) -> str:
        return str(self.data["slug" if self.section in SHARED else "key"])


@dataclass
class Unplaced:
    """Something found that could not be made a loadable fact, and why."""

    section: str
    words: str
    reason: str
    data: dict[str, Any] | None = None


@dataclass
class Draft:
    """Everything proposed for one article."""

    source: dict[str, Any]
    text: str
    facts: dict[str, list[Fact]] = field(default_factory=lambda: {s: [] for s in SECTIONS})
    unplaced: list[Unplaced] = field(default_factory=list)
    # Stored entities the article names, slug -> words as written (referenced, not redefined).
    stored: dict[str, list[str]] = field(default_factory=dict)
    # Their stored name and kind, for the compare.
    stored_entities: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Fact keys of other sources in the database (key -> source slug): never reused.
    taken: dict[str, str] = field(default_factory=dict)
    _keys: set[str] = field(default_factory=set)

    def new_key(self, wanted: str) -> str:
        """A key (or slug) unused in this draft and by any other stored source, from
        ``wanted``. The draft's own source may hold it already: a reload replaces it."""
        key, number = wanted, 2
        while key in self._keys or self.taken.get(key, self.source["slug"]) != self.source["slug"]:
            key = f"{wanted}-{number}"
            number += 1
        self._keys.add(key)
        return key

    def add(self, fact: Fact) -> Fact:
        self.facts[fact.section].append(fact)
        return fact

    def counts(self) -> dict[str, int]:
        return {section: len(items) for section, items in self.facts.items()}
