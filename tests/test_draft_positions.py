"""Positions from stance verbs."""

from __future__ import annotations

from tests.draft_helpers import draft, facts


def test_stance_verbs_give_holder_stance_and_target() -> None:
    result = draft(
        "Governor Mira Solano strongly opposed the new toll on the coastal road. "
        "Mayor Oskar Brandt backs Solano. The solid support of voters helped."
    )
    positions = facts(result, "positions")
    assert [(p["holder"], p["stance"], p["target"]) for p in positions] == [
        ("mira-solano", "opposes", {"topic": "test-headline-the-new-toll-on-the-coastal-road"}),
        ("oskar-brandt", "supports", {"entity": "mira-solano"}),
    ]
    topics = facts(result, "topics")
    assert topics[0]["name"] == "The new toll on the coastal road"
