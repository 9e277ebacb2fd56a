"""Direct quotes, attribution, split and multi-paragraph quotes, indirect and mixed speech."""

from __future__ import annotations

from tests.draft_helpers import draft, facts, rules, text_of

# Hard-wrapped like many plain-text articles: a paragraph ends at a blank line.
BODY = """Mayor Claire Duval met Ruben Osei in Lyon. "The harbour deal is close," Duval said.
"We expect to sign it soon."

“The port will reopen,” Osei told reporters, “and the ferries will run again.”

Osei said: “Nobody wants another strike at the docks this winter.”

“We have waited three years for this.

“Now the work starts,” he said.

According to Osei, the talks will continue next week. Duval noted the importance of a quick
agreement. Largely thanks to the pilots, she said, the port stayed open. The unions said the
plan was a “betrayal” of the workers."""


def test_direct_quotes_and_their_speakers() -> None:
    result = draft(BODY)
    statements = facts(result, "statements")
    direct = [
        (text_of(result, s["text"]), s["speaker"]) for s in statements if s["mode"] == "direct"
    ]
    assert direct == [
        ("The harbour deal is close,", "claire-duval"),
        ("We expect to sign it soon.", "claire-duval"),
        ("The port will reopen, and the ferries will run again.", "ruben-osei"),
        ("Nobody wants another strike at the docks this winter.", "ruben-osei"),
        ("We have waited three years for this. Now the work starts,", "ruben-osei"),
    ]
    split = next(s for s in statements if isinstance(s["text"], list) and "ferries" in s["text"][1])
    assert split["text"] == ["The port will reopen,", "and the ferries will run again."]
    assert rules(result, "statements")[:5] == [
        "quote-said-after",
        "quote-continued",
        "quote-split",
        "quote-said-before",
        "quote-paragraphs",
    ]


def test_pronoun_speakers_say_they_are_unsure() -> None:
    result = draft(BODY)
    pronoun = [f for f in result.facts["statements"] if f.data["speaker_text"] == "he"]
    assert pronoun and "resolved to the last named subject, Ruben Osei (unsure)" in (
        pronoun[0].why.note or ""
    )


def test_indirect_and_mixed_speech() -> None:
    result = draft(BODY)
    reported = [
        (s["mode"], s["speaker"], text_of(result, s["text"]))
        for s in facts(result, "statements")
        if s["mode"] != "direct"
    ]
    assert reported == [
        ("indirect", "ruben-osei", "the talks will continue next week"),
        ("indirect", "claire-duval", "the importance of a quick agreement"),
        (
            "indirect",
            "claire-duval",
            "Largely thanks to the pilots, she said, the port stayed open",
        ),
        ("mixed", "unions", "the plan was a “betrayal” of the workers"),
    ]


def test_metonyms_speak_for_their_country() -> None:
    result = draft(
        "Ambassador Pia Lund arrived in Lisbon. "
        "Madrid said the visit was welcome news for the region."
    )
    statements = facts(result, "statements")
    assert [(s["speaker"], s["speaker_text"]) for s in statements] == [("spain", "Madrid")]
