"""A second source of invented commentary on the seed's meeting, naming three of the
seed's entities: Hezbollah in other words and by two more names, Yisrael Beytenu as the
seed has it, Vladimir Putin under another slug (matched by name) and one more name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SLUG = "haifa-analysts-on-sochi"
ARTICLE = """Analysts in Haifa Shrug Off the Sochi Talks

Analysts in Haifa said on Monday that the Sochi talks had changed little on the \
northern border. Hezbollah, which some Lebanese papers spell Hizbullah and whose \
followers call it the Party of God, kept its units close to the Golan line, said Oren \
Dalmi, a retired colonel who now teaches at the Carmel Institute. The Kremlin leader \
gave no promise that could restrain them, Dalmi added. Yisrael Beytenu asked the \
government for a briefing on the meeting.
"""
Facts = dict[str, Any]

HEZBOLLAH_HERE = "Lebanese Shia movement whose armed units stand close to the Golan line"


def facts() -> Facts:
    """The source's facts file, as a mapping to edit before writing it."""
    return {
        "source": {"slug": SLUG, "title": "Analysts in Haifa Shrug Off the Sochi Talks"},
        "entities": [
            {
                "slug": "hezbollah",
                "name": "Hezbollah",
                "kind": "organization",
                "description": HEZBOLLAH_HERE,
                "aliases": ["Hizbullah", "Party of God"],
                "evidence": ["Hezbollah, which some Lebanese papers"],
            },
            {
                "slug": "yisrael-beytenu",
                "name": "Yisrael Beytenu",
                "kind": "party",
                "description": "Secular nationalist Israeli party led by Avigdor Liberman;"
                " Russian immigrants are its main support base",
                "aliases": ["Yisrael Beytenu Party"],
                "evidence": ["Yisrael Beytenu asked"],
            },
            {
                "slug": "putin",
                "name": "Vladimir Putin",
                "kind": "person",
                "description": "President of Russia; hosted Netanyahu at his summer residence"
                " in Sochi",
                "aliases": ["Kremlin leader"],
                "evidence": ["The Kremlin leader"],
            },
            {
                "slug": "oren-dalmi",
                "name": "Oren Dalmi",
                "kind": "person",
                "description": "Retired colonel teaching at the Carmel Institute",
                "evidence": ["Oren Dalmi, a retired colonel"],
            },
        ],
        "statements": [
            {
                "key": "dalmi-sochi-changed-little",
                "speaker": "oren-dalmi",
                "speaker_text": "Oren Dalmi",
                "mode": "indirect",
                "text": "the Sochi talks had changed little on the northern border",
                "mentions": ["hezbollah"],
                "evidence": ["said Oren"],
            }
        ],
    }


def write_source(parent: Path, data: Facts) -> Path:
    """The source's folder under ``parent``, with ``data`` as its facts file."""
    folder = parent / SLUG
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "facts.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder
