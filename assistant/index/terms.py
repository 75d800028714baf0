"""Words as the lexical index sees them: lower-cased, stop words dropped, stemmed."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN

WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# bm25s's English list plus question words and fillers that carry no topic.
STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(
    """i me my myself we our you your yourself he she him her it its itself they them their themselves what which who whom
    this that these those am is are was were be been being have has had having do does did doing
    would should could can will shall may might must just so than too very s t don now also
    about get got go going want know think any anything some something there here how when why
    where whether out up down over again further once only own same few more most other such
    really please thank thanks hi hello dr doctor a an the and or but if as then not no yes
    all each both from until off on in at by with into onto after before for of to while during
    through because since instead still even though like lot lots""".split()
)

_stemmer = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball, plus two conflations it misses in this domain's words: British and
    American spellings ("paralysed"/"paralyzed") and a final y/i ("paralysis" ->
    "paralysi" vs "paralysed" -> "paralys"; "droopy" -> "droopi" vs "droop")."""
    stem = _stemmer.stemWord(word.replace("yz", "ys"))
    if len(stem) > 4 and stem.endswith("i"):
        stem = stem[:-1]
    return stem


def words(text: str) -> list[str]:
    """The words of text, lower-cased, possessives and contractions cut ("crow's" -> "crow")."""
    return [w.split("'")[0] for w in WORD_RE.findall(text.lower())]


def content_terms(text: str) -> list[str]:
    """The stemmed content words of text, in order (repeats kept)."""
    return [stem(w) for w in words(text) if len(w) > 1 and w not in STOPWORDS]


@lru_cache(maxsize=8192)
def term_set(sentence: str) -> frozenset[str]:
    """The distinct content terms of a sentence, remembered: the answers a corpus's questions
    bring back recur, and their sentences are read again for every quote."""
    return frozenset(content_terms(sentence))
