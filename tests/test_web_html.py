"""The HTML the browser gets: only quotes, their attribution and fixed wording; corpus text escaped."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from html.parser import HTMLParser

import pytest

from assistant import wording
from assistant.models import Answer, Author, Quote, SearchQuery, Thread, Turn
from assistant.reply.compose import turn_to_dict
from assistant.reply.render import attribution_line
from assistant.web.feedback import FeedbackStore, Outcome
from assistant.web.html import page_html, reply_html, sources_html

from .feedback_support import feedback_records


class TextNodes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        if data.strip():
            self.texts.append(data.strip())


def text_nodes(fragment: str) -> TextNodes:
    parser = TextNodes()
    parser.feed(fragment)
    return parser


def fixed_strings():
    return {v.strip() for v in vars(wording).values() if isinstance(v, str)}


@pytest.mark.parametrize(
    "conversation",
    [
        ["My smile is crooked after Botox in the masseter", "how long will it last?", "car engine oil"],
        # an emergency (notice first, quotes folded under a control), its follow-up, an infection
        ["I have trouble swallowing since the Botox in my masseter", "is that normal?", "pus and a fever after my filler"],
    ],
)
def test_every_text_in_a_reply_is_a_quote_its_attribution_or_fixed_wording(fake_assistant, conversation):
    for turn in fake_assistant.converse(conversation):
        earlier = [text for text, _ in turn.search_query.parts[:-1]]
        # The patient's own earlier words, shortened, under "Read together with ..."
        context = set(earlier) | {m[:160].rsplit(" ", 1)[0] + wording.ELLIPSIS for m in earlier}
        allowed = fixed_strings() | context | {wording.OTHER_CASES.format(n=len(turn.quotes))}
        for n, quote in enumerate(turn.quotes, start=1):
            author = quote.answer.author
            allowed |= {f"[{n}]", quote.thread.title, attribution_line(author)}
            if author.name:
                rest = attribution_line(author)[len(author.name):]
                allowed |= {author.name, rest.strip()}
                if author.title:  # name and title each set apart (<bdi>), the rating after them
                    allowed |= {"·", author.title, rest[len(f" · {author.title}"):].strip()}
        fragment = reply_html(turn)
        plain = re.search(r'<div class="pa-plain">(.*?)</div>', fragment, re.S)
        assert plain, "every reply carries its plain text for copying"
        for text in text_nodes(fragment.replace(plain.group(0), "")).texts:
            if text.startswith("\u201c"):  # a quote card: the exact words of one cited answer
                body = text.strip("\u201c\u201d").strip(wording.ELLIPSIS)
                assert any(body == q.text for q in turn.quotes), text
            else:
                assert text in allowed, text
        # What "Copy" puts on the clipboard: the question, then only the same kinds of text.
        lines = [line.strip() for line in html.unescape(plain.group(1)).splitlines() if line.strip()]
        assert lines[0] == f"{wording.YOU_ASKED} {turn.message}"
        copyable = allowed | {f"\u2014 {attribution_line(q.answer.author)}" for q in turn.quotes} | {
            f"{wording.ANSWERED_QUESTION} {q.thread.title}" for q in turn.quotes}
        for line in lines[1:]:
            body = re.sub(r"^\[\d+\] ", "", line).strip("\u201c\u201d").strip(wording.ELLIPSIS)
            assert line in copyable or any(body and body in q.text for q in turn.quotes), line


def test_emergency_reply_puts_the_notice_first_and_folds_the_quotes(fake_assistant):
    turn = fake_assistant.reply(["I have trouble swallowing since the Botox in my masseter"])
    nodes = text_nodes(reply_html(turn))
    assert turn.quotes and nodes.texts[0] == wording.URGENT_CARE_NOTICE
    assert nodes.texts[1] == wording.OTHER_CASES.format(n=len(turn.quotes))
    assert nodes.tags[:4] == ["div", "div", "details", "summary"]  # reply, notice, the fold, its control
    sources = text_nodes(sources_html(turn, 1))
    assert sources.texts[1:3] == [wording.URGENT_CARE_NOTICE, wording.OTHER_CASES.format(n=len(turn.quotes))]


HOSTILE_THREAD = Thread(
    id="h", title="<i>title</i>", question="<img src=x onerror=alert(4)>",
    answers=(Answer("h#1", "<script>alert(1)</script> ![x](http://e/x.png) more", "<u>head</u>",
                    Author("<b>Eve</b>, MD", "<img src=x onerror=alert(2)>")),),
)


def hostile_turn() -> Turn:
    """A follow-up whose message, earlier message, quote, page and attribution are all markup."""
    quote = Quote(HOSTILE_THREAD.answers[0], HOSTILE_THREAD, 0, 46, 1.0, 1.0)
    query = SearchQuery("<svg onload=alert(3)> m", (("<svg onload=alert(3)>", 0.5), ("m", 1.0)), is_followup=True)
    return Turn("<svg onload=alert(3)>", query, False, (wording.SOURCE_DISCLAIMER,), (quote,))


def turn_citing(message: str, answer_ids: list[str], search_query: str | None = None) -> Turn:
    """A reply to message quoting the start of each answer named (for the feedback store)."""
    quotes = tuple(Quote(Answer(a, "Swelling settles."), Thread(a.split("#")[0], "t", ()), 0, 8, 1.0, 1.0)
                   for a in answer_ids)
    query = search_query or message
    return Turn(message, SearchQuery(query, ((query, 1.0),)), False, (wording.SOURCE_DISCLAIMER,), quotes)


def test_corpus_text_is_escaped_in_replies():
    fragment = reply_html(hostile_turn())
    nodes = text_nodes(fragment)
    assert not {"script", "img", "svg", "b", "i"} & set(nodes.tags)
    joined = " ".join(nodes.texts)
    assert "<script>alert(1)</script>" in joined and "<svg onload=alert(3)>" in joined
    assert "![x](http://e/x.png)" in joined


def test_corpus_text_is_escaped_in_sources_and_pages():
    for fragment in (sources_html(hostile_turn(), 1), page_html(HOSTILE_THREAD)):
        nodes = text_nodes(fragment)
        assert not {"script", "img", "svg", "b", "i", "u"} & set(nodes.tags)
        assert "<script>alert(1)</script>" in " ".join(nodes.texts)
    assert "mark" in text_nodes(sources_html(hostile_turn(), 1)).tags


def test_feedback_records_stay_whole_under_concurrent_votes(tmp_path):
    store = FeedbackStore(tmp_path / "sub" / "feedback.sqlite3", global_per_minute=1000)
    turn = turn_citing("q", ["a#1"])
    threads = [threading.Thread(target=store.record, args=(turn, "up" if i % 2 else "down")) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = feedback_records(tmp_path / "sub" / "feedback.sqlite3")
    assert len(entries) == 40 and {e["vote"] for e in entries} == {"up", "down"}
    assert all(e["answer_ids"] == ["a#1"] and e["message"] == "q" and e["time"] for e in entries)


TURN = turn_citing("Will my lip paralysis go away?", ["000_89d5e1cb873fd9a3#2"])


def test_invented_session_ids_do_not_get_past_the_rate_for_everyone(tmp_path):
    """Issue 22 #2: the only rate was per session id, which the client picks: 25 fresh ids
    recorded 25 more votes at once."""
    store = FeedbackStore(tmp_path / "f.sqlite3", per_minute=20, global_per_minute=30)
    outcomes = [store.record(TURN, "up", f"session-{n}", f"reply-{n}") for n in range(100)]
    assert outcomes.count(Outcome.RECORDED) == 30
    assert set(outcomes[30:]) == {Outcome.GLOBAL_RATE}
    assert len(feedback_records(tmp_path / "f.sqlite3")) == 30


def test_a_record_is_bounded_in_bytes_not_characters(tmp_path):
    """Issue 22 #2: 4-byte characters made one record 42 KB."""
    store = FeedbackStore(tmp_path / "f.sqlite3")
    wide = "\U0001f600" * 2000  # 2,000 characters, 8,000 bytes
    turn = turn_citing(wide, ["a#1"] * 80, search_query=" ".join([wide] * 3))
    assert store.record(turn, "down", "s", "r1", comment=wide) is Outcome.RECORDED
    [record] = feedback_records(tmp_path / "f.sqlite3")
    stored = sum(len(str(v).encode()) for v in record.values())
    assert stored < 20_000
    assert record["comment"] == wide[:500] and len(record["answer_ids"]) == 50


def test_a_full_store_keeps_what_it_has_and_says_so(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3", max_records=3, global_per_minute=1000)
    assert [store.record(TURN, "up", None, f"r{n}") for n in range(5)] == [Outcome.RECORDED] * 3 + [Outcome.FULL] * 2
    assert store.record(TURN, "down", None, "r1") is Outcome.RECORDED  # a changed vote still fits
    assert [(r["reply_id"], r["vote"]) for r in feedback_records(tmp_path / "f.sqlite3")] == [
        ("r0", "up"), ("r2", "up"), ("r1", "down")]
    reopened = FeedbackStore(tmp_path / "f.sqlite3", max_records=3)  # the bound holds across restarts
    assert reopened.record(TURN, "up", None, "r9") is Outcome.FULL


def test_a_vote_does_not_rewrite_the_store(tmp_path):
    """Issue 22 #2: every vote rewrote the whole feedback.jsonl (131 ms a vote at 40 MiB)."""
    store = FeedbackStore(tmp_path / "f.sqlite3", global_per_minute=10_000, per_minute=10_000)
    big = turn_citing("x" * 7000, ["000_89d5e1cb873fd9a3#2"])
    for n in range(2000):
        store.record(big, "up", None, f"r{n}")
    timings = []
    for n in range(20):
        started = time.perf_counter()
        store.record(TURN, "down", None, f"r{n}")
        timings.append(time.perf_counter() - started)
    # 14 MB stored: a rewrite of it takes tens of ms here; an upsert well under a millisecond.
    assert sorted(timings)[10] < 0.01


def test_an_old_feedback_log_is_imported_once(tmp_path):
    old = tmp_path / "feedback.jsonl"
    old.write_text(
        json.dumps({"time": "t1", "reply_id": "a", "vote": "up", "comment": None, "message": "m1", "search_query": "m1",
                    "answer_ids": ["x#1"]}) + "\n"
        + "not json\n"
        + json.dumps({"time": "t2", "reply_id": "a", "vote": "down", "comment": "c", "message": "m1", "search_query": "m1",
                      "answer_ids": ["x#1"]}) + "\n"
        + json.dumps({"time": "t3", "reply_id": "b", "vote": "up", "comment": None, "message": "m2", "search_query": "m2",
                      "answer_ids": []}) + "\n",
        encoding="utf-8",
    )
    FeedbackStore(tmp_path / "feedback.sqlite3").close()
    records = feedback_records(tmp_path / "feedback.sqlite3")
    assert [(r["reply_id"], r["vote"], r["comment"]) for r in records] == [("a", "down", "c"), ("b", "up", None)]
    assert not old.exists() and (tmp_path / "feedback.jsonl.migrated").exists()
    FeedbackStore(tmp_path / "feedback.sqlite3").close()
    assert len(feedback_records(tmp_path / "feedback.sqlite3")) == 2  # not imported twice


def test_the_card_and_ask_json_carry_no_direction_control(tmp_path, fake_embedder):
    """Issue 22 #5: the card read "(sweiver 7) srats 5 fo tuo 4.2" for a 2.4 rating."""
    import json as json_module

    from assistant.service import Assistant
    from assistant.settings import Settings

    from .test_corpus_reading import DIRECTION_CONTROLS, hostile_thread

    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json_module.dumps(hostile_thread()) + "\n", encoding="utf-8")
    assistant = Assistant(Settings(index_dir=tmp_path / "i", corpus_paths=(str(corpus),)), embedder=fake_embedder,
                          log=lambda m: None)
    assistant.retriever.min_relevance = 0.0
    turn = assistant.reply(["is lip filler swelling normal?"])
    shown = reply_html(turn)
    assert not set(json_module.dumps(turn_to_dict(turn), ensure_ascii=False)) & set(DIRECTION_CONTROLS)
    assert not set(shown) & set(DIRECTION_CONTROLS)
    nodes = text_nodes(shown)
    assert "Ann Alpha, MD" in nodes.texts and any("2.4 out of 5 stars (7 reviews)" in t for t in nodes.texts)
