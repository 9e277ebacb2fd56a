"""How alike two short texts are, without a trained model: word stems and character
trigrams of the stems, so that "divide" meets "dividing" and "chose" meets "chosen";
and the names and numbers a text writes, which a translation keeps."""

from __future__ import annotations

import re
from functools import lru_cache

# Words that say little about what a statement is about. Modal verbs and connectives
# are here because a paraphrase swaps them freely ("should" for "must", "rather than"
# for "not").
_STOPWORDS = """a an the and or but nor not no of to in on at by for from with without into
onto over under about as than rather instead that this these those there here it its is
are was were be been being am has have had do does did will would shall should must may
might can could ought we our ours us you your yours he him his she her hers they them
their theirs i me my mine who whom whose which what when where why how all any both each
also just only very so such too then now today yet still again before after within
during against between said says say told tell"""
_NUMBER_WORDS = """one two three four five six seven eight nine ten eleven twelve twenty
thirty forty fifty hundred thousand million billion first second third half dozen"""
STOPWORDS = frozenset(_STOPWORDS.split())
NUMBER_WORDS = frozenset(_NUMBER_WORDS.split())
APOSTROPHE = "\u2019"  # the curly apostrophe of "river\u2019s"
# Longest first: the first suffix that leaves a stem of three letters is taken off.
SUFFIXES = ("ingly", "edly", "ings", "ing", "ied", "ies", "ed", "es", "s", "ly", "e")
WORD = re.compile(rf"[^\W_]+(?:['{APOSTROPHE}][^\W_]+)?")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def stem(word: str) -> str:
    """A crude stem of a casefolded word: one common English suffix taken off."""
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=4096)
def stems(text: str) -> tuple[str, ...]:
    """The stems of the words of ``text`` that are not stop words, in order."""
    words = (w.casefold().replace(APOSTROPHE, "'").split("'")[0] for w in WORD.findall(text))
    return tuple(stem(w) for w in words if w not in STOPWORDS)


def _trigrams(words: tuple[str, ...]) -> set[str]:
    grams: set[str] = set()
    for word in words:
        padded = f" {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def dice(a: set[str], b: set[str]) -> float:
    """Dice's coefficient of two sets: twice the shared, over both sizes (0 if empty)."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0..1: the mean of the Dice coefficients of their stems
    and of the character trigrams of their stems."""
    words_a, words_b = stems(a), stems(b)
    return (dice(set(words_a), set(words_b)) + dice(_trigrams(words_a), _trigrams(words_b))) / 2


def names_and_numbers(text: str) -> set[str]:
    """The names (capitalized words not opening a sentence) and the numbers (digits,
    number words) of ``text``, casefolded."""
    found = {n.replace(",", "") for n in NUMBER.findall(text)}
    opening = True
    for match in re.finditer(r"[^\W\d_]+|[.!?:“”\"]", text):
        token = match.group()
        if token in '.!?:“”"':
            opening = True
            continue
        folded = token.casefold()
        if folded in NUMBER_WORDS or (
            token[0].isupper() and not opening and folded not in STOPWORDS
        ):
            found.add(folded)
        opening = False
    return found
