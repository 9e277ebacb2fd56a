"""The facts file as YAML, in the loader's format, each fact under a comment saying
which rule proposed it and the words it matched."""

from __future__ import annotations

from typing import Any

import yaml

from factdb.draft.facts import SECTIONS, Draft, Fact

REVIEWED = ("events", "roles", "statements", "positions", "quantities")


def _dump(value: Any) -> str:
    return yaml.safe_dump(
        value, allow_unicode=True, sort_keys=False, width=100_000, default_flow_style=False
    )


def _comment(line: str) -> str:
    return "# " + " ".join(line.split())


def _fact(fact: Fact) -> list[str]:
    data = dict(fact.data)
    if fact.section in REVIEWED:
        data["reviewed"] = False  # written out: a reviewer flips it fact by fact
    lines = ["  " + _comment(fact.why.comment())]
    body = _dump([data]).rstrip("\n").split("\n")
    lines += ["  " + line for line in body]
    return lines


def facts_yaml(draft: Draft) -> str:
    """The whole file."""
    title = draft.source["title"]
    lines = [
        _comment(f"Draft facts of {title!r}, proposed by factdb draft: nothing here is reviewed."),
        "# Each fact's comment names its rule (factdb/draft/rules.py) and the words it matched;",
        "# a reviewer checks each fact and sets reviewed: true.",
        "",
    ]
    lines += _dump({"source": draft.source}).rstrip("\n").split("\n")
    if draft.stored:
        lines.append("")
        lines.append(
            "# Stored entities this article names (referenced by slug, not redefined here):"
        )
        for slug, words in sorted(draft.stored.items()):
            shown = ", ".join(sorted(set(words))) or "-"
            lines.append(_comment(f"  {slug}: {shown}"))
    for section in SECTIONS:
        facts = sorted(draft.facts[section], key=lambda f: f.start)
        lines.append("")
        if not facts:
            lines.append(f"{section}: []")
            continue
        lines.append(f"{section}:")
        for fact in facts:
            lines += _fact(fact)
    if draft.unplaced:
        lines += ["", "# Found but not placed (not loadable as they stand):"]
        for item in draft.unplaced:
            lines.append(_comment(f"  {item.section}: {item.words!r}: {item.reason}"))
            if item.data:
                flow = yaml.safe_dump(
                    item.data, allow_unicode=True, default_flow_style=True, width=100_000
                )
                lines.append(_comment(f"    {flow.strip()}"))
    return "\n".join(lines) + "\n"
