"""The text of a synthetic source, written sentence by sentence, and the excerpts that
locate its facts in it."""

from __future__ import annotations

Excerpt = dict[str, str]


class Dispatch:
    """A source's text, sentence by sentence. Excerpts are unique because each
    sentence opens with its own number ("[7] ") and an excerpt carries its sentence's
    words before it as its prefix."""

    def __init__(self) -> None:
        self.sentences: list[str] = []

    def add(self, *pieces: str | tuple[str]) -> list[Excerpt]:
        """Append a sentence of pieces; plain ``(text,)`` pieces are not excerpts.
        Return one excerpt per other piece, in order."""
        text, excerpts = f"[{len(self.sentences) + 1}] ", []
        for piece in pieces:
            if isinstance(piece, str):
                excerpts.append({"before": text, "text": piece})
                text += piece
            else:
                text += piece[0]
        self.sentences.append(text)
        return excerpts

    @property
    def text(self) -> str:
        return "\n\n".join(self.sentences) + "\n"
