"""Red-flag triage: does a message describe an emergency, or signs of infection? (DESIGN §6.4)

A message is read (reading.py: normalised, cut into clauses, what it asserts told from
what it denies or only asks about), its evidence gathered (features.py: the sign patterns
of signs.py that it asserts, its semantic closeness to each sign and to each kind of
look-alike, the words around them), and a model trained on messages written blind weighs
that evidence (model.py). Without an encoder (tests with a fake one) only the patterns
decide: a sign asserted is an emergency (a weak one needs a partner).

The detector is a safety net, not a diagnosis: the chat shows the warning signs to
everyone, always (web/app.py), for what it misses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from assistant.models import RedFlag, Triage, Urgency
from assistant.red_flags.features import GROUP_OF, Evidence, SemanticBanks, evidence
from assistant.red_flags.model import TriageModel
from assistant.red_flags.reading import Reading, read
from assistant.red_flags.signs import Kind

NO_RED_FLAGS = Triage(None)
RESEMBLES = "resembles an emergency description"
RESEMBLES_INFECTION = "resembles signs of infection"

__all__ = ["NO_RED_FLAGS", "RedFlagDetector", "Reading", "read"]


class RedFlagDetector:
    """Triage for messages. embedder: the encoder the search uses (None: patterns only)."""

    def __init__(self, embedder=None, model: TriageModel | None = None):
        self.embedder = embedder
        self.banks = SemanticBanks(embedder) if embedder is not None else None
        self.model = model if model is not None else (TriageModel.load() if embedder is not None else None)

    def texts_to_encode(self, messages: Sequence[str]) -> tuple[str, ...]:
        """What the semantic evidence encodes: each message and its asserted clauses (none
        without an encoder). A caller may encode them in one batch with its own texts."""
        if self.embedder is None:
            return ()
        return tuple(t for m in messages if m.strip() for t in _texts(read(m)))

    def evidence(self, message: str, vectors: Mapping[str, np.ndarray] | None = None) -> Evidence:
        """The evidence of one message; vectors: text -> encoding of texts_to_encode's texts."""
        reading = read(message)
        encoded = None
        if self.banks is not None:
            texts = _texts(reading)
            if vectors is None or any(t not in vectors for t in texts):
                vectors = dict(zip(texts, self.embedder.encode(list(texts))))
            encoded = np.stack([vectors[t] for t in texts])
        return evidence(reading, encoded, self.banks)

    def assess(self, *messages: str, vectors: Mapping[str, np.ndarray] | None = None) -> Triage:
        """The red flags of one message, or of several read together (a follow-up with the
        messages it leans on): the most urgent decides."""
        triages = [self._assess(m, vectors) for m in messages if m.strip()]
        urgent = [t for t in triages if t.urgency is not None]
        if not urgent:
            return NO_RED_FLAGS
        top = max(t.urgency.rank for t in urgent)
        flags = tuple(f for t in urgent if t.urgency.rank == top for f in t.flags)
        return Triage(Urgency.EMERGENCY if top == Urgency.EMERGENCY.rank else Urgency.SAME_DAY, flags)

    def _assess(self, message: str, vectors: Mapping[str, np.ndarray] | None) -> Triage:
        found = self.evidence(message, vectors)
        urgency = self._decide(found)
        return Triage(urgency, _flags(found, urgency)) if urgency else NO_RED_FLAGS

    def _decide(self, found: Evidence) -> Urgency | None:
        if self.model is None:
            return _rule(found)
        if self.model.emergency.probability(found.values) >= self.model.emergency.threshold:
            return Urgency.EMERGENCY
        if self.model.same_day.probability(found.values) >= self.model.same_day.threshold:
            return Urgency.SAME_DAY
        return None


def _texts(reading: Reading) -> tuple[str, ...]:
    return (reading.message, *reading.asserted_clauses)


def _rule(found: Evidence) -> Urgency | None:
    """Without an encoder: an asserted emergency sign (a weak one beside a strong allergy
    sign), else an asserted sign of infection."""
    asserted = [m.sign for m in found.matches if m.asserted]
    strong = [s for s in asserted if s.urgency is Urgency.EMERGENCY and not s.weak]
    allergy = any(GROUP_OF[s.key] == "allergy_skin" for s in strong)
    if strong or (allergy and any(s.weak for s in asserted)):
        return Urgency.EMERGENCY
    if any(s.kind is Kind.INFECTION for s in asserted):
        return Urgency.SAME_DAY
    return None


def _flags(found: Evidence, urgency: Urgency) -> tuple[RedFlag, ...]:
    """What was recognised for a decision: the asserted signs of that urgency (or the
    closest description when no pattern named one), then those of a lower one."""
    asserted = [m for m in found.matches if m.asserted and m.sign.urgency.rank <= urgency.rank]
    flags = [RedFlag(m.sign.urgency, m.sign.name, "pattern", m.words)
             for m in sorted(asserted, key=lambda m: -m.sign.urgency.rank)]
    if not any(f.urgency is urgency for f in flags):
        groups = [g for g in found.semantic if g in GROUP_OF.values() and (g == "infection") == (urgency is Urgency.SAME_DAY)]
        if groups:
            best = max(groups, key=lambda g: found.semantic[g][0])
            closest = RedFlag(urgency, RESEMBLES_INFECTION if best == "infection" else RESEMBLES, "semantic",
                              found.texts[found.semantic[best][1]])
        else:
            closest = RedFlag(urgency, RESEMBLES, "semantic", found.texts[0])
        flags.insert(0, closest)
    return tuple(flags)
