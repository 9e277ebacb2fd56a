"""The words synthetic quotes are written with: common words, and a long tail of rare
ones, so that corpora of every size hold words of every frequency."""

from __future__ import annotations

import random
import re
from collections import Counter

from factdb.bench.pools import entity_pools, quote_word
from factdb.bench.words import RARE_SHARE, RARE_WORDS, WORDS


def test_rare_words_are_neither_common_words_nor_names() -> None:
    assert len(set(RARE_WORDS)) == len(RARE_WORDS) == 5000
    assert not set(RARE_WORDS) & set(WORDS)
    names = {
        word.lower()
        for pool in entity_pools(2000, seed=1).values()
        for entity in pool.items
        for word in re.findall(r"[^\W\d_]+", entity.name)
    }
    assert not set(RARE_WORDS) & names
    assert all(word.isalpha() and word.islower() and len(word) >= 10 for word in RARE_WORDS)


def test_quote_words_have_a_long_tail() -> None:
    """About one word in five is rare; the rarer a word's rank, the fewer its draws, so
    a corpus of any size holds words drawn a few times and words drawn many times."""
    rng = random.Random(7)
    drawn = Counter(quote_word(rng) for _ in range(200_000))
    rare = Counter({word: n for word, n in drawn.items() if word not in WORDS})
    assert abs(sum(rare.values()) / 200_000 - RARE_SHARE) < 0.01
    assert rare[RARE_WORDS[0]] > 5 * rare[RARE_WORDS[9]] > 0
    counts = sorted(rare.values())
    assert counts[0] <= 3 and counts[-1] > 1000
    # Every common word is drawn about as often as every other.
    common = [drawn[word] for word in WORDS]
    assert max(common) < 1.2 * min(common)
