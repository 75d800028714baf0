"""Patients' words and physicians' words for the same things, for lexical query expansion.

Patients write "jaw slimming", "warned", "even out my smile"; physicians answer with
"masseter", "informed", "asymmetry". BM25 cannot bridge the two and the small embedding
model bridges them only weakly, so a message that uses one phrase of a group is also
searched with the other phrases of that group (BM25 only; see retrieval.py).
This is the consumer-health-vocabulary technique of medical search, kept to aesthetic
injectables: brand and generic names, lay names of areas and the muscles treated there,
and the plain words for complications and for what physicians say about them.

Each group lists phrases that mean the same thing in this domain (not merely related
things). A phrase matches when its words appear in the message in order, after stemming;
it may consist of stop words only ("even out"), in which case it matches but adds nothing.
A phrase made only of background words (in most passages of the corpus, like "Botox" in
a corpus of Botox questions) is not expanded: there is no vocabulary gap to bridge, and
its synonyms would only favour the few answers that happen to name them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from assistant.index.terms import content_terms, stem, words

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    # Products
    ("botox", "dysport", "xeomin", "jeuveau", "daxxify", "neurotoxin", "botulinum toxin"),
    ("filler", "radiesse", "juvederm", "restylane", "sculptra", "belotero", "hyaluronic acid"),
    ("lidocaine", "xylocaine", "marcaine", "anesthetic", "numbing cream"),
    # Areas and the muscles treated there
    ("jaw", "jawline", "masseter"),
    ("chin", "mentalis"),
    ("crow's feet", "lateral canthal lines", "orbicularis oculi"),
    ("frown lines", "elevens", "between the eyebrows", "glabella", "glabellar", "procerus", "corrugator"),
    ("forehead lines", "frontalis"),
    ("smile lines", "nasolabial folds", "nasal folds", "nlf"),
    ("lip flip", "smoker's lines", "perioral"),
    ("smile muscle", "zygomaticus", "risorius"),
    ("lip lifting muscle", "levator"),
    ("eyelid surgery", "eye lift", "blepharoplasty"),
    # Complications and how they look
    ("side effect", "complication", "adverse effect"),
    ("droopy eyelid", "eyelid droop", "ptosis", "heavy eyelid"),
    ("paralysis", "paralyzed", "frozen", "weakness", "weakened"),
    ("crooked", "uneven", "lopsided", "even out", "asymmetry", "asymmetric", "asymmetrical", "symmetrical"),
    ("numb", "numbness", "no feeling", "sensation"),
    ("swelling", "swollen", "edema", "puffy"),
    ("bruise", "bruising", "hematoma"),
    ("nerve damage", "nerve injury", "injured nerve"),
    ("migrate", "migration", "spread", "diffuse", "travel", "percolate"),
    ("too much", "overdose", "over injected", "overtreatment", "over treatment"),
    ("wrong place", "wrong spot", "wrong muscle", "misplaced", "placement"),
    # What patients ask for and what physicians answer
    ("warned", "informed", "advised", "consent"),
    ("antidote", "reverse", "reversal", "undo", "counteract"),
    ("speed up", "faster", "quicker", "sooner", "hasten"),
    ("wear off", "dissipate", "metabolize"),
    ("permanent", "forever", "irreversible"),
    ("dose", "dosage", "units", "amount"),
    ("off label", "not fda approved", "not approved", "not cleared by the fda"),
    ("more botox", "touch up", "anymore botox", "additional units"),
    # Who does the injecting
    ("injector", "practitioner", "provider", "someone to do"),
    ("choose", "pick", "select"),
    ("second opinion", "another physician", "another injector"),
    ("experienced", "skilled", "expert"),
)


def stemmed_words(text: str) -> tuple[str, ...]:
    """Every word of text, stemmed, stop words kept (phrases like "wear off" need them)."""
    return tuple(stem(w) for w in words(text))


@lru_cache(maxsize=1)
def _groups() -> tuple[tuple[tuple[tuple[str, ...], tuple[str, ...]], ...], ...]:
    """Each group as (phrase's stemmed words, phrase's content terms) pairs."""
    return tuple(tuple((stemmed_words(p), tuple(content_terms(p))) for p in group) for group in SYNONYM_GROUPS)


def expansion_terms(text: str, is_background: Callable[[str], bool] = lambda term: False) -> list[str]:
    """Content terms of the phrases that mean what text says, minus text's own terms."""
    message = stemmed_words(text)
    present = set(message)  # a phrase whose first word is absent is skipped without a scan
    own = set(content_terms(text))
    extra: list[str] = []
    for group in _groups():
        matched = [terms for phrase, terms in group if phrase and phrase[0] in present and _contains(message, phrase)]
        if not matched or all(terms and all(map(is_background, terms)) for terms in matched):
            continue
        for _, terms in group:
            extra.extend(t for t in terms if t not in own and t not in extra)
    return extra


def _contains(message: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return n > 0 and any(message[i : i + n] == phrase for i in range(len(message) - n + 1))
