"""Entities and topics shared by synthetic sources, drawn with a Zipf-like skew, and
the words of their quotes."""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from typing import Any

from factdb.bench.words import (
    FIRST_NAMES,
    KINDS,
    LAST_NAMES,
    SYLLABLES,
    TAIL_SHARE,
    TAIL_WORDS,
    WORDS,
)


@dataclass(frozen=True)
class PoolEntity:
    slug: str
    name: str
    kind: str


class ZipfPool:
    """Items drawn with probability proportional to 1 / rank**s."""

    def __init__(self, items: list[Any], s: float = 1.1) -> None:
        self.items = items
        weights = (1 / rank**s for rank in range(1, len(items) + 1))
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> Any:
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_left(self.cumulative, point)]


def _made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def entity_pools(size: int, seed: int) -> dict[str, ZipfPool]:
    """``size`` entities split by kind, each kind a Zipf pool; slugs are unique."""
    rng = random.Random(seed)
    by_kind: dict[str, list[PoolEntity]] = {kind: [] for kind in set(KINDS)}
    for index in range(size):
        kind = KINDS[index % len(KINDS)]
        if kind == "person":
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {_made_up_word(rng)}"
        else:
            name = f"{_made_up_word(rng)} {kind.capitalize()} {index}"
        by_kind[kind].append(PoolEntity(f"{name.lower().replace(' ', '-')}-{index}", name, kind))
    return {kind: ZipfPool(items) for kind, items in by_kind.items()}


_TAIL_WORDS = ZipfPool(list(TAIL_WORDS), s=1.0)


def quote_word(rng: random.Random) -> str:
    """A word of a quote: a common word, or one of the long tail."""
    return _TAIL_WORDS.draw(rng) if rng.random() < TAIL_SHARE else rng.choice(WORDS)


def topic_pool() -> ZipfPool:
    return ZipfPool([f"topic-{word}-{n}" for n in range(30) for word in WORDS[:10]])
