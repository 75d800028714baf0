"""Index integrity: every damaged, partial, stale or mismatched index is detected, never used."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from assistant.corpus.reader import corpus_files, corpus_fingerprint
from assistant.errors import IndexIntegrityError
from assistant.index.build import LOCK, build_index
from assistant.index.lexical_index import LexicalIndex
from assistant.index.load import load_index
from assistant.index.manifest import MANIFEST, read_manifest
from assistant.index.vector_index import vectors_of
from assistant.service import ingest, open_index

from .fakes import FakeEmbedder, OtherModelEmbedder


def build(settings, embedder):
    summary = ingest(settings.corpus_paths, settings.index_dir, embedder, settings, force=True, log=lambda m: None)
    assert summary.rebuilt
    return read_manifest(settings.index_dir)


def fingerprint(settings):
    files, _ = corpus_files(settings.corpus_paths)
    return corpus_fingerprint(files)


def test_built_index_loads_with_the_counts_of_the_corpus(fake_settings, fake_embedder):
    manifest = build(fake_settings, fake_embedder)
    index = load_index(fake_settings.index_dir, fake_embedder, fingerprint(fake_settings))
    assert manifest.counts.threads == 3 and manifest.counts.answers == 26
    assert len(index.answers) == 26
    assert manifest.model.weights_sha256 == fake_embedder.weights_sha256
    assert manifest.vector_index["type"] == "flat-sq8-uniform"
    for p in range(len(index.passage_rows)):
        chunk = index.chunk(p)
        assert chunk.text and chunk.text in index.answers[int(index.passage_rows[p, 0])].text


def index_files(settings):
    manifest = read_manifest(settings.index_dir)
    return [f"{manifest.build}/{name}" for name in manifest.files] + [MANIFEST]


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete"])
def test_every_damaged_file_is_detected(fake_settings, fake_embedder, damage):
    build(fake_settings, fake_embedder)
    count = len(index_files(fake_settings))
    assert count >= 10
    for i in range(count):
        build(fake_settings, fake_embedder)  # a fresh, intact index each time
        name = index_files(fake_settings)[i]
        path = fake_settings.index_dir / name
        data = path.read_bytes()
        if damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "flip":
            path.write_bytes(data[:-1] + bytes([data[-1] ^ 0x01]) if data else b"x")
        else:
            path.unlink()
        with pytest.raises(IndexIntegrityError) as err:
            load_index(fake_settings.index_dir, fake_embedder, fingerprint(fake_settings))
        assert err.value.kind in ("corrupt", "missing"), name


def test_index_built_by_another_model_is_refused(fake_settings, fake_embedder):
    build(fake_settings, fake_embedder)
    with pytest.raises(IndexIntegrityError) as err:
        load_index(fake_settings.index_dir, OtherModelEmbedder(), fingerprint(fake_settings))
    assert err.value.kind == "mismatch"


def test_changed_corpus_makes_the_index_stale(fake_settings, fake_embedder):
    build(fake_settings, fake_embedder)
    page = next((fake_settings.index_dir.parent / "corpus").glob("*.txt"))
    page.write_text(page.read_text().replace("temporary", "TEMPORARY"))
    with pytest.raises(IndexIntegrityError) as err:
        load_index(fake_settings.index_dir, fake_embedder, fingerprint(fake_settings))
    assert err.value.kind == "stale"


def test_other_format_version_is_stale(fake_settings, fake_embedder):
    build(fake_settings, fake_embedder)
    path = fake_settings.index_dir / MANIFEST
    manifest = json.loads(path.read_text())
    manifest["format_version"] = 999
    path.write_text(json.dumps(manifest))
    with pytest.raises(IndexIntegrityError) as err:
        load_index(fake_settings.index_dir, fake_embedder)
    assert err.value.kind == "stale"


def test_failure_halfway_through_ingest_leaves_the_previous_index_usable(fake_settings, fake_embedder, monkeypatch):
    build(fake_settings, fake_embedder)
    before = load_index(fake_settings.index_dir, fake_embedder)
    page = next((fake_settings.index_dir.parent / "corpus").glob("*.txt"))
    page.write_text(page.read_text().replace("temporary", "short-lived"))

    def explode(self, folder):
        raise OSError("disk full")

    monkeypatch.setattr(LexicalIndex, "save", explode)
    with pytest.raises(OSError):
        ingest(fake_settings.corpus_paths, fake_settings.index_dir, fake_embedder, fake_settings, log=lambda m: None)
    after = load_index(fake_settings.index_dir, fake_embedder)  # the old build, intact
    assert after.manifest == before.manifest
    assert [a.text for a in after.answers] == [a.text for a in before.answers]


def test_open_index_rebuilds_a_damaged_index_and_says_why(fake_settings, fake_embedder):
    build(fake_settings, fake_embedder)
    manifest = read_manifest(fake_settings.index_dir)
    (fake_settings.index_dir / manifest.build / "passages.faiss").write_bytes(b"garbage")
    messages = []
    index = open_index(fake_settings, fake_embedder, log=messages.append)
    assert len(index.answers) == 26
    assert any("corrupt" in m and "rebuilding" in m for m in messages)


def test_open_index_refuses_when_rebuilding_is_off(fake_settings, fake_embedder):
    build(fake_settings, fake_embedder)
    manifest = read_manifest(fake_settings.index_dir)
    (fake_settings.index_dir / manifest.build / "threads.jsonl").write_text("")
    with pytest.raises(IndexIntegrityError, match="does not match its checksum"):
        open_index(fake_settings.with_(rebuild=False), fake_embedder, log=lambda m: None)


def test_ingest_skips_work_when_the_index_is_current(fake_settings):
    embedder = FakeEmbedder()
    build(fake_settings, embedder)
    calls = embedder.calls
    summary = ingest(fake_settings.corpus_paths, fake_settings.index_dir, embedder, fake_settings, log=lambda m: None)
    assert not summary.rebuilt and embedder.calls == calls


def test_a_new_build_replaces_the_old_one_on_disk(fake_settings, fake_embedder):
    first = build(fake_settings, fake_embedder).build
    ingest(fake_settings.corpus_paths, fake_settings.index_dir, fake_embedder, fake_settings, force=True, log=lambda m: None)
    second = read_manifest(fake_settings.index_dir).build
    assert first != second
    assert sorted(p.name for p in fake_settings.index_dir.iterdir()) == sorted([MANIFEST, LOCK, second])


def test_an_empty_corpus_is_refused_with_a_message(tmp_path, fake_embedder):
    with pytest.raises(IndexIntegrityError, match="no answer"):
        build_index(tmp_path / "i", [], fake_embedder, corpus_fingerprint="x", sources=[])
    assert not (tmp_path / "i" / MANIFEST).exists()


def test_concurrent_readers_see_the_same_index(fake_settings, fake_embedder):
    from concurrent.futures import ThreadPoolExecutor

    build(fake_settings, fake_embedder)
    with ThreadPoolExecutor(4) as pool:
        loaded = list(pool.map(lambda _: load_index(fake_settings.index_dir, fake_embedder), range(8)))
    assert {len(i.answers) for i in loaded} == {26}
    assert os.path.exists(fake_settings.index_dir / MANIFEST)


def test_updating_the_corpus_encodes_only_the_new_text(fake_settings):
    from .fakes import FakeEmbedder

    class CountingEmbedder(FakeEmbedder):
        def __init__(self):
            super().__init__()
            self.texts = []

        def encode(self, texts, **kwargs):
            self.texts += list(texts)
            return super().encode(texts, **kwargs)

    embedder = CountingEmbedder()
    build(fake_settings, embedder)
    first = len(embedder.texts)
    embedder.texts.clear()
    corpus = fake_settings.index_dir.parent / "corpus"
    extra = {"id": "extra", "title": "Bruising after filler", "answers": [{"id": "extra#1", "text": "Bruises fade in a week."}]}
    (corpus / "extra.jsonl").write_text(json.dumps(extra) + "\n")
    summary = ingest(fake_settings.corpus_paths, fake_settings.index_dir, embedder, fake_settings, log=lambda m: None)
    assert summary.rebuilt and summary.answers == 27
    assert sorted(embedder.texts) == sorted(["Bruising after filler\nBruises fade in a week.", "Bruises fade in a week.", "Bruising after filler"])
    assert first > 50
    # The reused vectors are what a build from scratch computes, up to the 8-bit codes they
    # are stored as (the reused ones are decoded, then coded again): within one code step of
    # the widest range a unit vector's component can have, [-1, 1].
    updated = load_index(fake_settings.index_dir, embedder, fingerprint(fake_settings))
    scratch_dir = fake_settings.index_dir.parent / "scratch"
    ingest(fake_settings.corpus_paths, scratch_dir, FakeEmbedder(), fake_settings, force=True, log=lambda m: None)
    scratch = load_index(scratch_dir, embedder)
    for kind in ("passage_vectors", "sentence_vectors", "question_vectors"):
        mine, theirs = getattr(updated, kind), getattr(scratch, kind)
        assert mine.ntotal == theirs.ntotal
        ids = np.arange(mine.ntotal)
        assert np.abs(vectors_of(mine, ids) - vectors_of(theirs, ids)).max() <= 2 / 255, kind


@pytest.mark.parametrize(
    "damage",
    [
        lambda m: m | {"model": None},
        lambda m: m | {"files": list(m["files"])},
        lambda m: m | {"counts": {**m["counts"], "threads": "3"}},
        lambda m: m | {"build": "../../elsewhere"},
        lambda m: m | {"files": {**m["files"], "../../../etc/passwd": {"sha256": "0" * 64, "bytes": 1}}},
        lambda m: m | {"files": {k: {**v, "bytes": -1} for k, v in m["files"].items()}},
        lambda m: m | {"corpus": {"fingerprint": None, "sources": "corpus"}},
        lambda m: [m],
        lambda m: None,
    ],
    ids=["model-null", "files-list", "count-string", "build-outside", "file-outside", "negative-bytes",
         "corpus-types", "array", "null"],
)
def test_every_malformed_manifest_is_damage_and_is_rebuilt(fake_settings, fake_embedder, damage):
    """Issue 10: these gave tracebacks instead of the detect-and-rebuild path."""
    build(fake_settings, fake_embedder)
    path = fake_settings.index_dir / MANIFEST
    path.write_text(json.dumps(damage(json.loads(path.read_text()))))
    with pytest.raises(IndexIntegrityError) as err:
        load_index(fake_settings.index_dir, fake_embedder)
    assert err.value.kind == "corrupt"
    index = open_index(fake_settings, fake_embedder, log=lambda m: None)  # rebuilt, usable
    assert len(index.answers) == 26


def test_a_manifest_that_is_a_folder_is_damage(fake_settings, fake_embedder):
    build(fake_settings, fake_embedder)
    path = fake_settings.index_dir / MANIFEST
    path.unlink()
    path.mkdir()
    with pytest.raises(IndexIntegrityError) as err:
        load_index(fake_settings.index_dir, fake_embedder)
    assert err.value.kind == "corrupt"
    assert len(open_index(fake_settings, fake_embedder, log=lambda m: None).answers) == 26


def test_a_second_writer_is_refused_and_leaves_the_first_ones_build_alone(fake_settings, fake_embedder):
    """Issue 10: with one ingest paused mid-write, a second `ingest --force` deleted the first
    one's temporary build."""
    from assistant.errors import IndexLockedError
    from assistant.index.build import writer_lock

    build(fake_settings, fake_embedder)
    folder = fake_settings.index_dir
    with writer_lock(folder):  # the first writer, paused mid-write
        (folder / ".tmp-build-first").mkdir()
        (folder / ".tmp-build-first" / "threads.jsonl").write_text("half written")
        calls = fake_embedder.calls
        with pytest.raises(IndexLockedError, match=f"being written by process {os.getpid()}"):
            ingest(fake_settings.corpus_paths, folder, fake_embedder, fake_settings, force=True, log=lambda m: None)
        assert fake_embedder.calls == calls  # refused before any work
        assert (folder / ".tmp-build-first" / "threads.jsonl").read_text() == "half written"
    # Once no writer holds the lock, what it left behind is an orphan and is cleaned up.
    build(fake_settings, fake_embedder)
    assert not (folder / ".tmp-build-first").exists()
    assert load_index(folder, fake_embedder, fingerprint(fake_settings))


def two_corpora(tmp_path):
    """Corpus a/corpus with the three pages, and b/corpus with one of them."""
    import shutil

    from .conftest import CORPUS

    shutil.copytree(CORPUS, tmp_path / "a" / "corpus")
    (tmp_path / "b" / "corpus").mkdir(parents=True)
    shutil.copy(CORPUS / "003_2b6731e5901a19ae.txt", tmp_path / "b" / "corpus")
    return tmp_path / "a" / "corpus", tmp_path / "b" / "corpus"


def test_another_working_directory_does_not_rebuild_the_index_from_its_own_corpus(tmp_path, monkeypatch, fake_embedder):
    """Issue 10: the manifest said `corpus/`, so `ask` run beside another corpus/ rebuilt the
    shared index from it (3 threads -> 1)."""
    from assistant.settings import Settings

    corpus_a, _ = two_corpora(tmp_path)
    shared = tmp_path / "shared-index"
    monkeypatch.chdir(tmp_path / "a")
    ingest(["corpus"], shared, fake_embedder, Settings(), log=lambda m: None)
    monkeypatch.chdir(tmp_path / "b")  # has its own corpus/
    settings = Settings(index_dir=shared, corpus_paths=(str(corpus_a),))
    messages = []
    assert len(open_index(settings, fake_embedder, log=messages.append).threads) == 3
    assert messages == []  # served as built: nothing was rebuilt


def test_a_manifest_copied_from_another_build_is_not_served(tmp_path, fake_embedder):
    """Issue 10: a manifest (and build) copied from an index of another corpus was served.
    Issue 22: a reading command refuses it, rebuilding nothing; ingest replaces it."""
    import shutil

    from assistant.errors import CorpusMismatchError
    from assistant.settings import Settings

    corpus_a, corpus_b = two_corpora(tmp_path)
    settings_a = Settings(index_dir=tmp_path / "index-a", corpus_paths=(str(corpus_a),))
    settings_b = Settings(index_dir=tmp_path / "index-b", corpus_paths=(str(corpus_b),))
    open_index(settings_a, fake_embedder, log=lambda m: None)
    open_index(settings_b, fake_embedder, log=lambda m: None)
    build_b = read_manifest(settings_b.index_dir).build
    shutil.copytree(settings_b.index_dir / build_b, settings_a.index_dir / build_b)
    shutil.copy(settings_b.index_dir / MANIFEST, settings_a.index_dir / MANIFEST)
    for settings in (settings_a, settings_a.with_(rebuild=False)):
        with pytest.raises(CorpusMismatchError) as err:
            open_index(settings, fake_embedder, log=lambda m: None)
        assert str(corpus_b.resolve()) in str(err.value)
        assert f"python -m assistant ingest {corpus_a} --index-dir {settings_a.index_dir}" in str(err.value)
    assert read_manifest(settings_a.index_dir).build == build_b  # nothing was replaced
    ingest([str(corpus_a)], settings_a.index_dir, fake_embedder, settings_a, log=lambda m: None)
    assert len(open_index(settings_a, fake_embedder, log=lambda m: None).threads) == 3


def test_ask_serves_an_index_built_from_another_corpus_without_replacing_it(tmp_path, monkeypatch, fake_embedder):
    """Issue 22 #3: `ingest my.jsonl --index-dir D`, then `ask --index-dir D` from a folder with
    a corpus/ rebuilt D from ./corpus and deleted the user's build."""
    from assistant.settings import Settings

    from .conftest import CORPUS

    mine = tmp_path / "my.jsonl"
    mine.write_text(json.dumps({"id": "t1", "title": "Cheek filler lump", "answers": [
        {"id": "t1#1", "text": "A small lump after cheek filler usually settles within two weeks."}]}) + "\n")
    folder = tmp_path / "D"
    ingest([str(mine)], folder, fake_embedder, Settings(), log=lambda m: None)
    build = read_manifest(folder).build
    monkeypatch.chdir(CORPUS.parent)  # the project folder, which has its own corpus/
    messages = []
    index = open_index(Settings(index_dir=folder), fake_embedder, log=messages.append)
    assert [t.id for t in index.threads] == ["t1"] and messages == []
    assert read_manifest(folder).build == build and (folder / build).is_dir()


def test_a_page_cut_short_and_restored_is_not_encoded_again(fake_settings):
    """Issue 22 #4: a page cut to a third (an editor mid-save) rebuilt the index without most
    of its answers and deleted their vectors; restoring the page re-encoded all of them."""
    from .fakes import FakeEmbedder

    counting = CountingEmbedder(FakeEmbedder())
    build(fake_settings, counting)
    page = next(p for p in (fake_settings.index_dir.parent / "corpus").iterdir() if p.name.startswith("000_"))
    whole = page.read_text(encoding="utf-8")
    page.write_text(whole[: len(whole) // 3], encoding="utf-8")
    logged = []
    open_index(fake_settings, counting, log=logged.append)
    assert any("cut short" in m and page.name in m for m in logged)  # the shrink is named
    assert any("Kept the vectors of" in m for m in logged)
    page.write_text(whole, encoding="utf-8")
    counting.texts = 0
    index = open_index(fake_settings, counting, log=lambda m: None)
    assert len(index.answers) == 26
    assert counting.texts == 0  # every text of the restored page came from the kept vectors
    before = load_index(fake_settings.index_dir, counting)
    for p in range(len(before.passage_rows)):  # and they are the vectors a fresh encoding gives
        assert np.allclose(vectors_of(before.passage_vectors, np.array([p]))[0],
                           vectors_of(index.passage_vectors, np.array([p]))[0], atol=0.02)


def test_the_kept_vectors_are_bounded(fake_settings, fake_embedder, monkeypatch):
    import assistant.index.build as index_build

    monkeypatch.setattr(index_build, "RETIRED_MAX_VECTORS", 5)
    build(fake_settings, fake_embedder)
    for page in (fake_settings.index_dir.parent / "corpus").glob("000_*"):
        page.unlink()
    open_index(fake_settings, fake_embedder, log=lambda m: None)
    assert read_manifest(fake_settings.index_dir).counts.retired == 5


class CountingEmbedder:
    """Counts the texts the wrapped embedder is asked to encode."""

    def __init__(self, inner):
        self.inner, self.texts = inner, 0
        self.name, self.weights_sha256, self.dimension = inner.name, inner.weights_sha256, inner.dimension

    def encode(self, texts, **kwargs):
        self.texts += len(texts)
        return self.inner.encode(texts, **kwargs)


def test_an_unreachable_corpus_is_refused_unless_the_index_is_served_as_built(tmp_path, fake_embedder):
    """Issue 10: with its sources unreachable, staleness was not checked at all."""
    import shutil

    from assistant.errors import CorpusUnreachableError
    from assistant.settings import Settings

    corpus_a, _ = two_corpora(tmp_path)
    settings = Settings(index_dir=tmp_path / "index", corpus_paths=(str(corpus_a),))
    open_index(settings, fake_embedder, log=lambda m: None)
    shutil.rmtree(corpus_a)
    with pytest.raises(CorpusUnreachableError, match="ASSISTANT_CHECK_CORPUS=false"):
        open_index(settings, fake_embedder, log=lambda m: None)
    assert len(open_index(settings.with_(check_corpus=False), fake_embedder, log=lambda m: None).threads) == 3
