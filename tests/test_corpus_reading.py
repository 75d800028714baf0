"""Reading files and folders: bad input is reported with file and line, and nothing else is lost."""

from __future__ import annotations

import json
import shutil
import time
import tracemalloc

import pytest

from assistant.corpus.reader import read_corpus

from .conftest import CORPUS, PAGE_IDS, run_cli


def only_problem(result):
    [problem] = [p for p in result.problems if p.skipped]
    return problem


def test_empty_file_is_reported(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = read_corpus([tmp_path / "empty.txt"])
    assert result.threads == []
    problem = only_problem(result)
    assert problem.path.endswith("empty.txt") and "empty" in problem.message


def test_binary_file_is_reported_with_line(tmp_path):
    (tmp_path / "image.txt").write_bytes(b"GIF89a\n\n\x00\x01\x02\xff")
    problem = only_problem(read_corpus([tmp_path / "image.txt"]))
    assert problem.line == 3 and "binary" in problem.message


def test_non_utf8_file_is_reported_with_line(tmp_path):
    text = (CORPUS / f"{PAGE_IDS[1]}.txt").read_bytes().replace(b"Radiesse injected", b"Radiesse inject\xe9d", 1)
    (tmp_path / "latin1.txt").write_bytes(text)
    problem = only_problem(read_corpus([tmp_path / "latin1.txt"]))
    assert problem.line == 3 and "UTF-8" in problem.message


def test_huge_text_file_is_refused_quickly_with_bounded_memory(tmp_path):
    big = tmp_path / "huge.txt"
    with big.open("w") as f:
        line = "Botox " * 1000 + "\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    assert big.stat().st_size >= 50 * 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    result = read_corpus([big, CORPUS])
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    problem = only_problem(result)
    assert "limit" in problem.message and problem.path.endswith("huge.txt")
    assert len(result.threads) == 3  # the good pages beside it are still read
    assert elapsed < 5 and peak < 20 * 1024 * 1024


def test_huge_jsonl_line_is_skipped_with_bounded_memory(tmp_path):
    path = tmp_path / "big.jsonl"
    with path.open("w") as f:
        f.write('{"id": "t", "title": "' + "x" * (50 * 1024 * 1024) + '"}\n')
        f.write(json.dumps({"id": "ok", "title": "T", "answers": [{"id": "ok#1", "text": "Fine."}]}) + "\n")
    tracemalloc.start()
    result = read_corpus([path], max_jsonl_line_bytes=1024 * 1024)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [t.id for t in result.threads] == ["ok"]
    problem = only_problem(result)
    assert problem.line == 1 and "longer than" in problem.message
    assert peak < 20 * 1024 * 1024


def test_jsonl_broken_line_and_missing_field_name_file_and_line(tmp_path):
    good = {"id": "t1", "title": "Title", "answers": [{"id": "t1#1", "text": "An answer."}]}
    missing = {"id": "t2", "title": "Title", "answers": [{"id": "t2#1"}]}
    lines = [json.dumps(good), '{"id": "broken", ', "", json.dumps(missing)]
    (tmp_path / "threads.jsonl").write_text("\n".join(lines) + "\n")
    result = read_corpus([tmp_path / "threads.jsonl"])
    assert [t.id for t in result.threads] == ["t1"]
    problems = sorted((p.line, p.message) for p in result.problems)
    assert problems[0][0] == 2 and "invalid JSON" in problems[0][1]
    assert problems[1][0] == 4 and "answers[0].text" in problems[1][1]
    assert all(p.path.endswith("threads.jsonl") for p in result.problems)


def test_gzipped_jsonl_is_read_and_damage_is_reported_after_the_good_lines(tmp_path):
    import gzip

    threads = [{"id": f"t{n}", "title": "Title", "answers": [{"id": f"t{n}#1", "text": "An answer."}]} for n in range(3)]
    data = gzip.compress(("\n".join(json.dumps(t) for t in threads) + "\n").encode())
    (tmp_path / "a.jsonl.gz").write_bytes(data)
    assert [t.id for t in read_corpus([tmp_path / "a.jsonl.gz"]).threads] == ["t0", "t1", "t2"]
    assert [t.id for t in read_corpus([tmp_path]).threads] == ["t0", "t1", "t2"]  # found in a folder too

    (tmp_path / "a.jsonl.gz").write_bytes(data[: len(data) - 12])  # the end of the stream lost
    result = read_corpus([tmp_path / "a.jsonl.gz"])
    problem = only_problem(result)
    assert problem.path.endswith("a.jsonl.gz") and "damaged gzip" in problem.message


def test_duplicate_answer_ids_across_files_are_refused(tmp_path):
    shutil.copy(CORPUS / f"{PAGE_IDS[0]}.txt", tmp_path / f"{PAGE_IDS[0]}.txt")
    (tmp_path / "sub").mkdir()
    shutil.copy(CORPUS / f"{PAGE_IDS[0]}.txt", tmp_path / "sub" / f"{PAGE_IDS[0]}.txt")
    result = read_corpus([tmp_path])
    assert len(result.threads) == 1
    assert "already read" in only_problem(result).message


def test_folder_mixing_good_and_bad_files_via_cli(tmp_path):
    folder = tmp_path / "mixed"
    (folder / "nested").mkdir(parents=True)
    for pid in PAGE_IDS:
        shutil.copy(CORPUS / f"{pid}.txt", folder / "nested" / f"{pid}.txt")
    (folder / "empty.txt").write_text("   \n")
    (folder / "binary.txt").write_bytes(b"\x00\x01")
    (folder / "bad.jsonl").write_text('{"id": "x", "title": "t", "answers": [{"id": "x#1", "text": "Yes."}]}\nnot json\n')
    (folder / "notes.md").write_text("not a page, ignored in folders")
    proc = run_cli("parse", str(folder))
    assert proc.returncode == 1  # documented: some input was skipped
    threads = [json.loads(line) for line in proc.stdout.splitlines()]
    assert sorted(t["id"] for t in threads) == sorted(PAGE_IDS + ["x"])
    stderr = proc.stderr.splitlines()
    assert any("empty.txt:1: error: empty file" in line for line in stderr)
    assert any("binary.txt:1: error: binary" in line for line in stderr)
    assert any("bad.jsonl:2: error: invalid JSON" in line for line in stderr)
    assert not any("notes.md" in line for line in stderr)


def test_cli_parse_clean_corpus_exits_zero_with_only_warnings():
    proc = run_cli("parse", "corpus")
    assert proc.returncode == 0
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == PAGE_IDS
    assert proc.stderr.strip() == f"corpus/{PAGE_IDS[0]}.txt:5: warning: page announces 13 answers but 10 were read"


def test_missing_path_is_reported(tmp_path):
    result = read_corpus([tmp_path / "nope"])
    assert "no such file" in only_problem(result).message


@pytest.mark.parametrize("name", ["notes.md", "data.csv"])
def test_explicit_file_of_unknown_kind_is_reported(tmp_path, name):
    (tmp_path / name).write_text("x")
    assert "not a page" in only_problem(read_corpus([tmp_path / name])).message


def test_sources_name_pages_within_their_corpus_never_the_server_path(tmp_path, monkeypatch):
    """Issue 10: `source` in /ask and ask --json was an absolute server path."""
    corpus = tmp_path / "deep" / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "more").mkdir()
    shutil.copy(corpus / "000_89d5e1cb873fd9a3.txt", corpus / "more" / "copy.txt")
    monkeypatch.chdir(tmp_path / "deep")  # read from beside the corpus, given its absolute path
    sources = sorted(t.source for t in read_corpus([corpus]).threads)
    assert sources == [
        "corpus/000_89d5e1cb873fd9a3.txt", "corpus/003_2b6731e5901a19ae.txt",
        "corpus/004_52f1e9b741cd2cdd.txt", "corpus/more/copy.txt",
    ]
    monkeypatch.chdir("/")
    assert read_corpus([corpus / "003_2b6731e5901a19ae.txt"]).threads[0].source == "003_2b6731e5901a19ae.txt"


def test_jsonl_values_out_of_range_are_refused_with_file_and_line(tmp_path, monkeypatch):
    """Issue 10: NaN printed invalid JSON and "nan out of 5 stars"; 99 and -5 were shown as given."""
    def thread(n, **author):
        return {"id": f"t{n}", "title": "T", "answers": [{"id": f"t{n}#1", "text": "Text.", "author": author}]}

    lines = [
        json.dumps(thread(1, rating=4.5, reviews=3)),
        json.dumps(thread(2, rating=float("nan"))),  # json.dumps writes NaN
        json.dumps(thread(3, rating=float("inf"))),
        json.dumps(thread(4, rating=99)),
        json.dumps(thread(5, reviews=-5)),
        json.dumps({"id": "t6", "title": "T", "answers": []}),
        json.dumps({"id": "t1", "title": "again", "answers": [{"id": "x#1", "text": "Other."}]}),
    ]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "threads.jsonl").write_text("\n".join(lines) + "\n")
    result = read_corpus([tmp_path / "threads.jsonl"])
    assert [t.id for t in result.threads] == ["t1"]
    problems = {p.line: p.message for p in result.problems}
    assert sorted(problems) == [2, 3, 4, 5, 6, 7] and all(p.skipped for p in result.problems)
    assert "NaN is not a number JSON allows" in problems[2] and "Infinity" in problems[3]
    assert "rating' must be between 0.0 and 5.0, not 99" in problems[4]
    assert "reviews' must not be negative" in problems[5]
    assert "'answers' is empty" in problems[6]
    assert problems[7] == "thread id 't1' was already read from threads.jsonl:1; this copy skipped"


def test_a_thread_url_must_be_a_web_address(tmp_path):
    def thread(n, url):
        return json.dumps({"id": f"t{n}", "title": "T", "url": url, "answers": [{"id": f"t{n}#1", "text": "Text."}]})

    bad = ["javascript:alert(1)", "file:///etc/passwd", "/local/path", "https://", "https://a b.example/"]
    lines = [thread(0, "https://example.org/page?x=1"), *(thread(n, url) for n, url in enumerate(bad, start=1))]
    (tmp_path / "threads.jsonl").write_text("\n".join(lines) + "\n")
    result = read_corpus([tmp_path / "threads.jsonl"])
    assert [(t.id, t.url) for t in result.threads] == [("t0", "https://example.org/page?x=1")]
    assert sorted(p.line for p in result.problems) == [2, 3, 4, 5, 6]
    assert all("http:// or https://" in p.message for p in result.problems)


DIRECTION_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def hostile_thread(**author) -> dict:
    return {"id": "h1", "title": "Lip \u200bfiller \u202eswelling", "question": "Is this normal?",
            "answers": [{"id": "h1#1", "headline": "Swelling\u2067 is normal\u2069",
                         "text": "Swelling after lip filler settles in two weeks. Jose\u0301 agrees.",
                         "author": {"name": "Ann Alpha, MD\u202e", "title": "Miami\u00ad Plastic Surgeon", "rating": 2.4,
                                    "reviews": 7, **author}}]}


def test_direction_and_invisible_characters_cannot_change_how_an_attribution_reads(tmp_path):
    """Issue 22 #5: a JSONL name ending in U+202E turned "2.4 out of 5 stars (7 reviews)"
    into "(sweiver 7) srats 5 fo tuo 4.2" on the card."""
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(hostile_thread()) + "\n", encoding="utf-8")
    [thread] = read_corpus([path]).threads
    [answer] = thread.answers
    assert answer.author.name == "Ann Alpha, MD"
    assert answer.author.title == "Miami Plastic Surgeon"  # the soft hyphen is gone too
    assert answer.headline == "Swelling is normal"
    assert thread.title == "Lip filler swelling"
    assert answer.text == "Swelling after lip filler settles in two weeks. Jos\u00e9 agrees."  # NFC
    for text in (answer.author.name, answer.author.title, answer.headline, thread.title, answer.text):
        assert not set(text) & set(DIRECTION_CONTROLS)


def test_a_page_name_line_with_a_direction_control_is_read_without_it(tmp_path):
    page = (CORPUS / f"{PAGE_IDS[0]}.txt").read_text(encoding="utf-8")
    assert "Ronald Shelton, MD" in page
    (tmp_path / "p.txt").write_text(page.replace("Ronald Shelton, MD", "Ronald Shelton\u202e, MD"), encoding="utf-8")
    [thread] = read_corpus([tmp_path / "p.txt"]).threads
    names = [a.author.name for a in thread.answers]
    assert "Ronald Shelton, MD" in names
    assert not any(set(n or "") & set(DIRECTION_CONTROLS) for n in names)


def test_a_lone_surrogate_in_a_corpus_field_skips_that_line_and_names_the_field(tmp_path):
    path = tmp_path / "t.jsonl"
    good = hostile_thread()
    bad = {**hostile_thread(name="Bad \ud800 Name"), "id": "h2"}
    bad["answers"][0]["id"] = "h2#1"
    path.write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    result = read_corpus([path])
    assert [t.id for t in result.threads] == ["h1"]
    problem = only_problem(result)
    assert problem.line == 1 and "answers[0].author.name holds a lone surrogate" in problem.message
