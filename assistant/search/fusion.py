"""How dense and lexical evidence are combined into one ranking score."""

from __future__ import annotations

from enum import Enum


class FusionMode(str, Enum):
    DENSE = "dense"  # embeddings only
    LEXICAL = "lexical"  # BM25 only
    WEIGHTED = "weighted"  # convex combination of normalised dense and lexical scores
    RRF = "rrf"  # reciprocal rank fusion of the ranked lists
    LEARNED = "learned"  # weights learned from graded questions (ranking.LearnedRanker)

    @classmethod
    def parse(cls, value: "str | FusionMode") -> "FusionMode":
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(m.value for m in cls)
            from assistant.errors import SettingsError

            raise SettingsError(f"unknown fusion mode {value!r}; choose one of: {choices}") from None


# Share of the fused score that comes from embeddings in WEIGHTED mode. Dense similarity
# carries paraphrases ("droopy" ~ "paralysed"); BM25 rewards exact rare terms ("masseter").
# Tuned on the development set (bench/devset.json): see docs/evaluation.md.
DENSE_WEIGHT = 0.8

# RRF's k: 60 is the value from Cormack et al. (2009); it damps the head of each list so
# one list's first place cannot outvote agreement between the others.
RRF_K = 60


def fuse(mode: FusionMode, semantic, lexical, reciprocal_ranks):
    """The ranking score of candidate answers (arrays, one value per candidate) in a
    hand-set mode.

    semantic: cosine evidence in [-1, 1]; lexical: BM25 evidence normalised to [0, 1]
    by the best score of this query; reciprocal_ranks: for each ranked list, 1 / (RRF_K +
    1 + rank) of each candidate (0 where absent), used by RRF only.
    """
    if mode is FusionMode.DENSE:
        return semantic
    if mode is FusionMode.LEXICAL:
        return lexical
    if mode is FusionMode.WEIGHTED:
        return DENSE_WEIGHT * semantic + (1 - DENSE_WEIGHT) * lexical
    if mode is FusionMode.RRF:
        return sum(reciprocal_ranks)
    raise ValueError(f"{mode} is not a hand-set fusion mode")
