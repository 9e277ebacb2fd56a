"""Synthetic sources that report earlier sources' facts: deterministic, Zipf-like in
how many sources report a fact, and now and then disagreeing."""

from __future__ import annotations

from collections import Counter
from typing import Any

from factdb.bench.corpus import generate_source
from factdb.bench.pools import entity_pools, topic_pool
from factdb.bench.shared import REPORTED, WINDOW, Newsroom, reporters

SEED = 5
POOLS, TOPICS = entity_pools(300, SEED), topic_pool()


def reports(facts: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for s in ("events", "statements") for item in facts[s] if "same_as" in item]


def test_a_source_is_the_same_written_alone_or_after_the_others() -> None:
    in_order = Newsroom(SEED, POOLS, TOPICS)
    written = [in_order.source(number) for number in range(1, 41)]
    assert Newsroom(SEED, POOLS, TOPICS).source(40) == written[-1]
    assert Newsroom(SEED, POOLS, TOPICS).source(7) == written[6]


def test_a_source_is_its_own_facts_then_its_reports() -> None:
    slug, facts, text = Newsroom(SEED, POOLS, TOPICS).source(35)
    own_slug, own, own_text = generate_source(35, SEED, POOLS, TOPICS)
    assert slug == own_slug and text.startswith(own_text.rstrip("\n"))
    assert facts["statements"][: len(own["statements"])] == own["statements"]
    found = reports(facts)
    assert found
    for item in found:
        first = int(item["same_as"].split("-")[1])
        assert 35 - WINDOW <= first < 35
        assert item["key"].startswith(f"{slug}-retold-")
        excerpt = item["text"] if "text" in item else item["evidence"][0]
        assert excerpt["before"] + excerpt["text"] in text


def test_most_facts_have_one_report_and_none_more_than_five() -> None:
    counts = Counter(
        1 + len(later) for number in range(1, 501) for later in reporters(SEED, number).values()
    )
    total = sum(counts.values())
    assert total == 500 * len(REPORTED)
    assert set(counts) == {1, 2, 3, 4, 5}
    assert 0.6 < counts[1] / total < 0.75
    assert counts[1] > counts[2] > counts[3] > counts[4] > counts[5]


def test_some_later_reports_disagree() -> None:
    room = Newsroom(SEED, POOLS, TOPICS)
    sources = {number: room.source(number)[1] for number in range(1, 301)}
    originals = {
        item["key"]: item
        for facts in sources.values()
        for item in facts["statements"]
        if "same_as" not in item
    }
    later = [
        item for facts in sources.values() for item in facts["statements"] if "same_as" in item
    ]
    other_mode = [item for item in later if item["mode"] != originals[item["same_as"]]["mode"]]
    assert len(later) > 1000
    assert 0.02 < len(other_mode) / len(later) < 0.08
