"""The words synthetic quotes are written with: common words, and a long tail, so that
corpora of every size hold words of every frequency."""

from __future__ import annotations

import random
import re
from collections import Counter

from factdb.bench.pools import entity_pools, quote_word
from factdb.bench.synthetic import ENTITIES
from factdb.bench.words import TAIL_SHARE, TAIL_WORDS, WORDS


def test_tail_words_are_neither_common_words_nor_names() -> None:
    assert len(set(TAIL_WORDS)) == len(TAIL_WORDS) == 5000
    assert not set(TAIL_WORDS) & set(WORDS)
    names = {
        word.lower()
        for pool in entity_pools(ENTITIES, seed=1).values()
        for entity in pool.items
        for word in re.findall(r"[^\W\d_]+", entity.name)
    }
    assert not set(TAIL_WORDS) & names
    assert all(word.isalpha() and word.islower() and len(word) >= 10 for word in TAIL_WORDS)


def test_quote_words_have_a_long_tail() -> None:
    """About one word in five is from the tail, drawn with a Zipf skew (the tenth word
    about a tenth as often as the first), and most of the tail is drawn at all."""
    rng = random.Random(7)
    drawn = Counter(quote_word(rng) for _ in range(200_000))
    tail = Counter({word: n for word, n in drawn.items() if word not in WORDS})
    assert abs(sum(tail.values()) / 200_000 - TAIL_SHARE) < 0.01
    assert 7 < tail[TAIL_WORDS[0]] / tail[TAIL_WORDS[9]] < 14
    assert len(tail) > 3500 and min(tail.values()) == 1
    # Every common word is drawn about as often as every other.
    common = [drawn[word] for word in WORDS]
    assert max(common) < 1.2 * min(common)
