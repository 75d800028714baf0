"""Every request to the server is bounded, whatever the browser would have sent (issue 10)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request

import gradio as gr
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant import wording
from assistant.models import AnswerFilter
from assistant.web.app import build_app
from assistant.web.html import sources_html
from assistant.web.limits import RequestLimits

from .feedback_support import feedback_records


def echo_app(max_body_bytes: int = 100):
    async def echo(request):
        body = await request.body()
        return PlainTextResponse(f"got {len(body)}")

    app = Starlette(routes=[Route("/{path:path}", echo, methods=["GET", "POST"])])
    return TestClient(RequestLimits(app, max_body_bytes=max_body_bytes))


def test_upload_routes_are_closed():
    client = echo_app()
    for path in ("/gradio_api/upload", "/gradio_api/upload/", "/gradio_api/process_recording"):
        response = client.post(path, files={"files": ("x.txt", b"hello")}, headers={"Origin": "http://evil.example"})
        assert response.status_code == 404 and "no uploads" in response.json()["detail"]
    assert client.post("/gradio_api/queue/join", content=b"{}").text == "got 2"


def test_bodies_over_the_cap_are_refused_declared_or_streamed():
    client = echo_app(max_body_bytes=100)
    assert client.post("/x", content=b"a" * 100).text == "got 100"
    assert client.post("/x", content=b"a" * 101).status_code == 413

    def chunks():  # no Content-Length: the cap is enforced as the body streams in
        for _ in range(50):
            yield b"a" * 10

    assert client.post("/x", content=chunks()).status_code == 413


@pytest.fixture
def app_events(fake_assistant, fake_settings, tmp_path):
    """The app's event functions by name, and a count of the replies actually computed."""
    settings = fake_settings.with_(feedback_path=tmp_path / "feedback.sqlite3", max_message_chars=200, max_turns=3,
                                   max_request_chars=500, feedback_per_minute=5)
    calls = []
    original = fake_assistant.reply
    fake_assistant.reply = lambda messages, **kw: calls.append(messages) or original(messages, **kw)
    app = build_app(fake_assistant, settings)
    events = {fn.name: fn.fn for fn in app.fns.values()}
    return events, calls, settings


def test_the_chat_event_refuses_long_messages_and_long_conversations_server_side(app_events):
    events, calls, settings = app_events
    respond = events["respond"]
    with pytest.warns(UserWarning, match=wording.MESSAGE_TOO_LONG.format(n=200)):
        refused = respond("x" * 10_000, [])
    assert refused == tuple(gr.skip() for _ in range(5))  # nothing in the page changes
    assert calls == []  # no work was done for a message the text box would never have sent

    turns = []
    for message in ("Will my lip paralysis from Botox go away?", "how long will it last?", "why?"):
        _, chat, turns, _, _ = respond(message, turns)
    assert len(turns) == 3 and len(chat) == 6 and len(calls) == 3
    with pytest.warns(UserWarning, match=wording.CONVERSATION_TOO_LONG.format(n=3)):
        respond("and what about my smile?", turns)  # a fourth message: over max_turns
    assert len(calls) == 3


def test_the_chat_is_rebuilt_from_the_server_record_not_from_the_browser(app_events):
    events, _, _ = app_events
    _, chat, turns, _, _ = events["respond"]("Will my lip paralysis from Botox go away?", [])
    assert [m["role"] for m in chat] == ["user", "assistant"]
    assert chat[0]["content"] == '<div class="pa-user">Will my lip paralysis from Botox go away?</div>'


def test_the_chat_and_the_api_filter_by_physician_and_refuse_a_bad_filter(app_events):
    events, calls, _ = app_events
    _, chat, turns, _, _ = events["respond"]("Will my lip paralysis from Botox go away?", [], "dermatologic", 4.5)
    [shown] = turns
    assert shown.turn.answer_filter == AnswerFilter("dermatologic", 4.5)
    assert shown.turn.quotes and all(
        "Dermatologic" in q.answer.author.title and q.answer.author.rating >= 4.5 for q in shown.turn.quotes
    )
    assert "Only answers from physicians with specialty" in chat[-1]["content"]
    with pytest.warns(UserWarning, match="min_rating must be between 0 and 5"):
        assert events["respond"]("Will it go away?", turns, "", 12) == tuple(gr.skip() for _ in range(5))
    assert len(calls) == 1

    result = events["ask"](["Will my lip paralysis from Botox go away?"], "facial plastic", None)
    quotes = result["turns"][0]["quotes"]
    assert quotes and all("Facial Plastic" in q["author"]["title"] for q in quotes)
    with pytest.raises(gr.Error, match="specialty must be text"):
        events["ask"](["Will my lip paralysis from Botox go away?"], ["facial"], None)


def test_votes_with_a_bad_index_are_ignored_and_one_session_is_rate_limited(app_events):
    events, _, settings = app_events
    _, _, turns, _, _ = events["respond"]("Will my lip paralysis from Botox go away?", [])
    _, _, turns, _, _ = events["respond"]("Can Botox in my forehead spread to my upper lip?", turns)
    vote = events["vote"]
    request = gr.Request(session_hash="s1")
    for index in ([-1000, 0], [999, 0], "x", None, [True, 0]):
        assert vote(turns, gr.LikeData(None, {"index": index, "value": "", "liked": True}), request) == (gr.skip(), gr.skip())
    assert not feedback_records(settings.feedback_path)
    with pytest.warns(UserWarning, match="wait a moment") as refused:
        for n in range(8):  # alternating between the two replies; the limit is 5 a minute
            vote(turns, gr.LikeData(None, {"index": [2 * (n % 2), 0], "value": "", "liked": n < 4}), request)
    assert len(refused) == 8 - settings.feedback_per_minute
    records = feedback_records(settings.feedback_path)
    # One record per reply, the last vote that got through: reply 1 "down" (n=4), reply 2 "up" (n=3).
    assert sorted((r["message"][:4], r["vote"]) for r in records) == [("Can ", "up"), ("Will", "down")]
    assert all(len(json.dumps(r)) < 10_000 for r in records)


def test_a_second_vote_replaces_the_first_and_a_comment_joins_it(app_events, capsys):
    events, _, settings = app_events
    _, _, turns, _, _ = events["respond"]("Will my lip paralysis from Botox go away?", [])
    request = gr.Request(session_hash="s1")
    events["vote"](turns, gr.LikeData(None, {"index": [1, 0], "value": "", "liked": True}), request)
    voted, shown = events["vote"](turns, gr.LikeData(None, {"index": [1, 0], "value": "", "liked": False}), request)
    assert voted == {"number": 1, "vote": "down"} and shown["visible"] is True
    cleared, hidden = events["send_comment"]("  The quote was about exercise, not my lip.  " + "x" * 1000, voted, turns, request)
    assert cleared == "" and hidden["visible"] is False
    assert wording.COMMENT_THANKS in capsys.readouterr().out  # what the user is told (printed outside a page)
    [record] = feedback_records(settings.feedback_path)
    assert record["vote"] == "down" and record["reply_id"] == turns[0].reply_id
    assert record["comment"].startswith("The quote was about exercise, not my lip.") and len(record["comment"]) == 500


def test_reply_numbers_from_the_browser_are_checked(app_events):
    events, _, _ = app_events
    _, _, turns, _, _ = events["respond"]("Will my lip paralysis from Botox go away?", [])
    for bad in (-1000, 0, 2, "abc", "1e9", None, 1.5):
        assert events["show_reply"](bad, turns) == sources_html(None, None)  # the empty panel, no 500
    assert "Sources [1]" in events["show_reply"]("1", turns)


def post(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_running_server_takes_no_uploads_and_no_oversized_requests(running_app):
    boundary = "XyZ"
    multipart = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n"
        f"Content-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
    ).encode()
    status, text = post(running_app.url + "gradio_api/upload", multipart, f"multipart/form-data; boundary={boundary}")
    assert status == 404 and "/tmp" not in text
    # A body declared over the cap is refused before it is read (the server does not wait
    # for the 2 MB to arrive, so they are not sent here).
    connection = http.client.HTTPConnection("127.0.0.1", running_app.port, timeout=30)
    connection.putrequest("POST", "/gradio_api/queue/join")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(2 * 1024 * 1024))
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()


def test_lone_surrogates_are_refused_with_a_message_on_every_web_path(app_events):
    """Issue 22 #6: "\ud800" in /ask gave the client {"error": null} (a tokenizer TypeError),
    and in a comment an HTTP 500 (UnicodeEncodeError)."""
    events, calls, settings = app_events
    with pytest.raises(gr.Error, match="message 2 holds a lone surrogate"):
        events["ask"](["Will my lip paralysis from Botox go away?", "why\ud800?"], None, None)
    with pytest.warns(UserWarning, match="Your message holds a lone surrogate"):
        assert events["respond"]("my lip \ud800", []) == tuple(gr.skip() for _ in range(5))
    with pytest.raises(gr.Error, match="specialty holds a lone surrogate"):
        events["ask"](["Will my lip paralysis from Botox go away?"], "derm\udc00", None)
    assert calls == []
    _, _, turns, _, _ = events["respond"]("Will my lip paralysis from Botox go away?", [])
    request = gr.Request(session_hash="s1")
    voted, _ = events["vote"](turns, gr.LikeData(None, {"index": [1, 0], "value": "", "liked": True}), request)
    with pytest.warns(UserWarning, match="Your comment holds a lone surrogate"):
        assert events["send_comment"]("bad \ud800 comment", voted, turns, request) == (gr.skip(), gr.skip())
    [record] = feedback_records(settings.feedback_path)
    assert record["comment"] is None  # the vote stands; the comment was refused


def test_a_punctuation_only_specialty_is_refused_not_silently_ignored(app_events):
    """Issue 22 #7: a specialty of "%" or '"' gave every physician's answers with no notice."""
    events, calls, _ = app_events
    for specialty in ("%", '"', " -- "):
        with pytest.warns(UserWarning, match="no letters or digits"):
            assert events["respond"]("Will my lip paralysis from Botox go away?", [], specialty, 0) == tuple(
                gr.skip() for _ in range(5))
        with pytest.raises(gr.Error, match="no letters or digits"):
            events["ask"](["Will my lip paralysis from Botox go away?"], specialty, None)
    assert calls == []


def test_one_request_is_bounded_in_all_its_characters(app_events):
    """Issue 22 #1: 50 long messages in one /ask request made up to 20x the work of 50
    ordinary ones (bench/bench_request_cost.py)."""
    events, calls, settings = app_events
    assert settings.max_request_chars == 500
    assert len(events["ask"](["Will my lip paralysis from Botox go away? " + "x" * 100] * 3)["turns"]) == 3  # 432
    with pytest.raises(gr.Error, match="at most 500 characters in all the messages of one request"):
        events["ask"](["Will my lip paralysis from Botox go away? " + "x" * 130] * 3)  # 522


def test_the_server_answers_healthz_with_its_build(running_app):
    """Issue 22 #6: a readiness endpoint for a load balancer."""
    with urllib.request.urlopen(running_app.url + "healthz", timeout=30) as response:
        assert response.status == 200
        health = json.loads(response.read())
    manifest = json.loads((running_app.index_dir / "manifest.json").read_text())
    assert health["status"] == "ready"
    assert health["build"] == manifest["build"] and health["corpus_fingerprint"] == manifest["corpus"]["fingerprint"]
    assert health["answers"] == 26


def test_a_malformed_call_to_an_internal_event_does_not_flood_the_log(running_app):
    """Issue 22 #7: each malformed call logged a traceback echoing up to 1 MiB of its input."""
    config = json.loads(urllib.request.urlopen(running_app.url + "config", timeout=30).read())
    show_reply = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "show_reply")
    log = running_app.log_path
    before = log.stat().st_size
    for n in range(3):
        body = json.dumps({"data": ["Z" * 200_000, []], "fn_index": show_reply, "session_hash": f"malformed{n}"}).encode()
        status, _ = post(running_app.url + "gradio_api/queue/join", body)
        assert status == 200
        with urllib.request.urlopen(running_app.url + f"gradio_api/queue/data?session_hash=malformed{n}", timeout=30) as r:
            r.read()
    written = log.read_text(encoding="utf-8", errors="replace")[before:]
    assert len(written) < 3 * 20_000
    assert max(map(len, written.splitlines()), default=0) <= 600
