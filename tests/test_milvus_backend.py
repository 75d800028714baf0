"""The Milvus backend (real Milvus Lite, embedded): the same replies as the FAISS folder,
filters pushed into Milvus that keep exactly what AnswerFilter keeps, and collections of
another build or half-written never searched."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import IndexIntegrityError, MilvusUnavailableError
from assistant.models import AnswerFilter
from assistant.search.fusion import FusionMode
from assistant.service import Assistant

from .conftest import REPO, run_cli

pytest.importorskip("milvus_lite")
pytestmark = pytest.mark.milvus

DEVSET = json.loads((REPO / "bench" / "devset.json").read_text(encoding="utf-8"))
FILTERS = [AnswerFilter(), AnswerFilter.of("dermatologic"), AnswerFilter.of(None, 4.8), AnswerFilter.of("facial plastic", 4.5)]


def quiet(message: str) -> None:
    pass


@pytest.fixture
def both(fake_settings, fake_embedder):
    """The same index folder served by FAISS and by Milvus Lite (a file in tmp)."""
    faiss_side = Assistant(fake_settings, embedder=fake_embedder, log=quiet)
    milvus_settings = fake_settings.with_(index_backend="milvus", milvus_uri=str(fake_settings.index_dir.parent / "m.db"))
    milvus_side = Assistant(milvus_settings, embedder=fake_embedder, log=quiet)
    for side in (faiss_side, milvus_side):
        side.retriever.min_relevance = 0.25  # the fake embedder's scale (conftest.fake_assistant)
    return faiss_side, milvus_side


def test_milvus_gives_the_same_replies_as_the_faiss_folder(both):
    faiss_side, milvus_side = both
    # The app keeps neither the vectors nor BM25's document weights: Milvus searches both.
    assert milvus_side.retriever.vectors.name == "milvus" and milvus_side.index.passage_vectors is None
    conversations = [[q["message"]] for q in DEVSET["questions"]] + [c["messages"] for c in DEVSET["conversations"]]
    compared = 0
    for messages in conversations[:30]:
        for answer_filter in FILTERS:
            a = faiss_side.reply(messages, answer_filter=answer_filter)
            b = milvus_side.reply(messages, answer_filter=answer_filter)
            assert [(q.answer.id, q.start, q.end) for q in a.quotes] == [(q.answer.id, q.start, q.end) for q in b.quotes]
            assert np.allclose([q.score for q in a.quotes], [q.score for q in b.quotes], atol=1e-4)
            assert a.notices == b.notices
            compared += len(a.quotes)
    assert compared > 100
    # Each ranking alone too: BM25 (Milvus's sparse vectors), dense, and their RRF.
    for messages in conversations[:10]:
        for mode in FusionMode:
            a, b = faiss_side.reply(messages, mode=mode), milvus_side.reply(messages, mode=mode)
            assert [(q.answer.id, q.start, q.end) for q in a.quotes] == [(q.answer.id, q.start, q.end) for q in b.quotes], mode


def test_the_milvus_filter_keeps_exactly_the_answers_the_filter_accepts(both):
    """Pushed into Milvus as an expression (null ratings, word beginnings), the filter
    keeps the same passages as AnswerFilter.accepts does in Python."""
    from assistant.search.milvus_store import milvus_filter

    _, milvus_side = both
    index, store = milvus_side.index, milvus_side.retriever.vectors
    query = np.zeros(store_dimension(store), dtype=np.float32)
    query[0] = 1.0
    cases = [*FILTERS[1:], AnswerFilter.of(None, 0.5), AnswerFilter.of("beverly hills"), AnswerFilter.of("hattan")]
    for answer_filter in cases:
        hits = store.client.search(store.names["passages"], data=[query.tolist()], limit=10_000,
                                   filter=milvus_filter(answer_filter), output_fields=["answer"])[0]
        kept = {h["entity"]["answer"] for h in hits}
        expected = {a for a, answer in enumerate(index.answers) if answer_filter.accepts(answer.author)}
        assert kept == expected, answer_filter
        assert len(hits) == int(np.isin(index.passage_rows[:, 0], list(expected)).sum())


def store_dimension(store) -> int:
    fields = store.client.describe_collection(store.names["passages"])["fields"]
    return next(f["params"]["dim"] for f in fields if f["name"] == "vector")


def test_a_half_written_or_foreign_collection_is_never_searched(fake_settings, fake_embedder):
    from assistant.search.milvus_collections import COMPLETE, IDENTITY

    uri = str(fake_settings.index_dir.parent / "m.db")
    settings = fake_settings.with_(index_backend="milvus", milvus_uri=uri)
    first = Assistant(settings, embedder=fake_embedder, log=quiet)
    store = first.retriever.vectors
    reference = [q.answer.id for q in first.reply(["Will my lip paralysis from Botox go away?"]).quotes]

    # An upload that died before the end leaves its collections unmarked.
    store.client.alter_collection_properties(store.names["sentences"], properties={COMPLETE: "0"})
    with pytest.raises(IndexIntegrityError, match="half-written"):
        Assistant(settings.with_(rebuild=False), embedder=fake_embedder, log=quiet)
    logged = []
    again = Assistant(settings, embedder=fake_embedder, log=logged.append)
    assert any("half-written" in m and "uploading" in m for m in logged)
    assert [q.answer.id for q in again.reply(["Will my lip paralysis from Botox go away?"]).quotes] == reference

    # A collection that says it holds another corpus (or build, or model).
    store.client.alter_collection_properties(store.names["passages"], properties={IDENTITY: "another corpus"})
    with pytest.raises(IndexIntegrityError, match="another corpus, build or model"):
        Assistant(settings.with_(rebuild=False), embedder=fake_embedder, log=quiet)


def test_a_rebuilt_index_gets_its_own_collections_and_the_old_ones_go(fake_settings, fake_embedder):
    uri = str(fake_settings.index_dir.parent / "m.db")
    settings = fake_settings.with_(index_backend="milvus", milvus_uri=uri)
    first = Assistant(settings, embedder=fake_embedder, log=quiet)
    old = set(first.retriever.vectors.names.values())
    corpus = Path(fake_settings.corpus_paths[0])
    page = sorted(corpus.glob("*.txt"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace("Botox", "Dysport", 1), encoding="utf-8")
    second = Assistant(settings, embedder=fake_embedder, log=quiet)
    new = set(second.retriever.vectors.names.values())
    assert new.isdisjoint(old)
    assert not any(second.retriever.vectors.client.has_collection(name) for name in old)


def test_an_unreachable_milvus_is_one_clear_message(tmp_path):
    from .conftest import CORPUS

    env = {
        "ASSISTANT_CORPUS_PATHS": str(CORPUS),
        "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
        "ASSISTANT_INDEX_BACKEND": "milvus",
        "ASSISTANT_MILVUS_URI": "http://127.0.0.1:9",
        "ASSISTANT_MILVUS_TIMEOUT_S": "3",
    }
    result = run_cli("ask", "Will my lip paralysis from Botox go away?", env=env)
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()[-1:]
    assert line.startswith("error: cannot reach Milvus at http://127.0.0.1:9")
    assert "ASSISTANT_INDEX_BACKEND=faiss" in line and "Traceback" not in result.stderr
    # The index folder it built is intact and serves with the default backend.
    env.pop("ASSISTANT_INDEX_BACKEND")
    assert run_cli("ask", "Will my lip paralysis from Botox go away?", env=env).returncode == 0


def test_unreachable_milvus_in_process_raises_the_named_error(fake_settings, fake_embedder):
    settings = fake_settings.with_(index_backend="milvus", milvus_uri="http://127.0.0.1:9", milvus_timeout_s=2)
    with pytest.raises(MilvusUnavailableError, match="cannot reach Milvus"):
        Assistant(settings, embedder=fake_embedder, log=quiet)


@pytest.mark.real_model
def test_the_whole_evaluation_through_milvus_is_within_a_hundredth_of_faiss(real_assistant, tmp_path):
    from dataclasses import asdict

    from assistant.evaluation.run import run_evaluation

    settings = real_assistant.settings
    milvus_side = Assistant(
        settings.with_(index_backend="milvus", milvus_uri=str(tmp_path / "m.db")), embedder=real_assistant.embedder, log=quiet
    )
    sets = {
        "red_flags": [REPO / "bench" / "redflags_dev.json", REPO / "bench" / "redflags_heldout.json"],
        "quotes": [REPO / "bench" / "quotes_dev.json", REPO / "bench" / "quotes_heldout.json"],
    }
    results = []
    for devset in ("devset.json", "heldout.json"):
        a = run_evaluation(real_assistant, devset=REPO / "bench" / devset, **sets)
        b = run_evaluation(milvus_side, devset=REPO / "bench" / devset, **sets)
        results.append((asdict(a), asdict(b)))
    for a, b in results:
        pairs = list(numbers(a, b))
        assert len(pairs) > 50
        for where, x, y in pairs:
            assert abs(x - y) <= 0.01, where


def numbers(a, b, where: str = ""):
    """(path, a's number, b's number) for every number the two results hold in the same place."""
    if isinstance(a, dict):
        for key in a:
            if key != "machine":
                yield from numbers(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            yield from numbers(x, y, f"{where}[{i}]")
    elif isinstance(a, (int, float)) and not isinstance(a, bool) and math.isfinite(a):
        yield where, float(a), float(b)


def test_milvus_failing_while_serving_is_one_clear_error(both):
    """A server that goes away after start: a one-line error naming it, not a gRPC trace."""
    _, milvus_side = both
    store = milvus_side.retriever.vectors
    store.client.close()
    with pytest.raises(MilvusUnavailableError, match="Milvus at .* failed"):
        milvus_side.reply(["Will my lip paralysis from Botox go away?"])


def test_the_default_backend_imports_neither_milvus_nor_ray(tmp_path):
    """`make run` stays as simple as before: no server, and neither optional engine loaded."""
    import subprocess
    import sys

    from .conftest import CORPUS

    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from tests.fakes import FakeEmbedder\n"
        "from assistant.service import Assistant\n"
        "from assistant.settings import Settings\n"
        "from assistant.web.app import build_app\n"
        f"s = Settings(index_dir=Path({str(tmp_path / 'index')!r}), corpus_paths=({str(CORPUS)!r},))\n"
        "a = Assistant(s, embedder=FakeEmbedder(), log=lambda m: None)\n"
        "build_app(a, s)\n"
        "a.reply(['Will my lip paralysis from Botox go away?'])\n"
        "print(sorted(m for m in ('ray', 'pymilvus', 'milvus_lite') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_a_milvus_lite_file_open_elsewhere_is_one_line_without_a_traceback(tmp_path, capfd):
    """Issue 22 #7: a locked Milvus Lite file printed Milvus Lite's 20-line traceback before
    the one-line error."""
    import subprocess
    import sys

    from assistant.search.milvus_collections import connect

    uri = str(tmp_path / "m.db")
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from assistant.search.milvus_collections import connect; c = connect({uri!r}, 10); print('open', flush=True); "
         "import time; time.sleep(120)"],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        capfd.readouterr()
        with pytest.raises(MilvusUnavailableError, match="open in another process"):
            connect(uri, 10)
        out, err = capfd.readouterr()
        assert "Traceback" not in out + err and out + err == ""
    finally:
        holder.kill()
        holder.wait()
