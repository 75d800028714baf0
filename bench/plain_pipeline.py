"""The peer every speed and quality figure is compared with: the search pipeline a user could
assemble in an afternoon from the same parts.

One vector per answer (all-MiniLM-L6-v2, fp32, title + answer text truncated at 256 tokens)
in a FAISS flat inner-product index; bm25s over the same text (English stop words,
Snowball stems); reciprocal rank fusion (k = 60) of the two top-100 lists. No chunking,
no sentence vectors, no follow-ups, no abstention, no triage.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np
import Stemmer

from assistant.encoders.bundled import bundled_model_dir
from assistant.models import Thread

RRF_K = 60
CANDIDATES = 100


@dataclass(frozen=True)
class PlainResult:
    dense: list[str]  # answer ids, best first
    lexical: list[str]
    fused: list[str]


class PlainPipeline:
    def __init__(self, threads: int = 0):
        os.environ["HF_HUB_OFFLINE"] = "1"
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        self.model = SentenceTransformer(str(bundled_model_dir()), device="cpu", local_files_only=True)
        self.model.max_seq_length = 256
        self.stemmer = Stemmer.Stemmer("english")

    def build(self, corpus: list[Thread], batch_size: int = 32) -> None:
        answers = [(a.id, f"{t.title}\n{a.text}") for t in corpus for a in t.answers]
        self.ids = [i for i, _ in answers]
        texts = [text for _, text in answers]
        vectors = self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(np.asarray(vectors, dtype=np.float32))
        self.bm25 = bm25s.BM25()
        self.bm25.index(bm25s.tokenize(texts, stopwords="en", stemmer=self.stemmer, show_progress=False), show_progress=False)

    def save(self, folder: Path) -> None:
        """Write the built index, so another process can serve it without encoding again."""
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(folder / "answers.faiss"))
        self.bm25.save(str(folder / "bm25"), show_progress=False)
        (folder / "ids.json").write_text(json.dumps(self.ids))

    def load(self, folder: Path) -> None:
        self.index = faiss.read_index(str(folder / "answers.faiss"))
        self.bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
        self.ids = json.loads((folder / "ids.json").read_text())

    def search(self, question: str, k: int = 10) -> PlainResult:
        vector = self.model.encode([question], normalize_embeddings=True, convert_to_numpy=True)
        n = min(CANDIDATES, len(self.ids))
        _, dense_rows = self.index.search(np.asarray(vector, dtype=np.float32), n)
        dense = [self.ids[i] for i in dense_rows[0] if i >= 0]
        tokens = bm25s.tokenize([question], stopwords="en", stemmer=self.stemmer, show_progress=False)
        lexical: list[str] = []
        if tokens.ids and tokens.ids[0]:
            rows, scores = self.bm25.retrieve(tokens, k=n, show_progress=False)
            lexical = [self.ids[int(i)] for i, s in zip(rows[0], scores[0]) if s > 0]
        fused_scores: dict[str, float] = {}
        for ranking in (dense, lexical):
            for rank, answer_id in enumerate(ranking):
                fused_scores[answer_id] = fused_scores.get(answer_id, 0.0) + 1.0 / (RRF_K + rank + 1)
        fused = sorted(fused_scores, key=lambda a: -fused_scores[a])
        return PlainResult(dense[:k], lexical[:k], fused[:k])
