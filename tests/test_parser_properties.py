"""Property tests: JSONL round trip, the parser's error contract, verbatim answer text."""

from __future__ import annotations

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.corpus.jsonl import read_jsonl, write_threads
from assistant.corpus.page_parser import DISCLAIMER_PREFIX, VOTE_TEMPLATE_PREFIX, parse_page_text
from assistant.errors import CorpusError
from assistant.models import Answer, Author, Thread

text = st.text(min_size=1, max_size=60).filter(lambda s: s.strip())
optional_text = st.none() | text
authors = st.builds(
    Author,
    name=optional_text,
    title=optional_text,
    rating=st.none() | st.floats(min_value=0, max_value=5, allow_nan=False),
    reviews=st.none() | st.integers(min_value=0, max_value=10**6),
)


@st.composite
def threads(draw):
    tid = draw(text)
    n = draw(st.integers(min_value=1, max_value=4))  # a thread without answers is refused
    answers = tuple(
        Answer(id=f"{tid}#{i + 1}", text=draw(text), headline=draw(optional_text), author=draw(authors))
        for i in range(n)
    )
    return Thread(id=tid, title=draw(text), question=draw(optional_text), source=draw(optional_text), answers=answers)


@given(st.lists(threads(), max_size=5))
def test_jsonl_round_trips_any_valid_thread(items):
    out = io.StringIO()
    write_threads(items, out)
    back = list(read_jsonl(io.BytesIO(out.getvalue().encode()), "x.jsonl", 1 << 20))
    assert back == items


# Lines drawn from the page vocabulary, so the parser's real paths are exercised.
page_lines = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "Doctor Answers 3",
            VOTE_TEMPLATE_PREFIX + " >= 0 ? '+' : '' }}",
            "You might also like...",
            DISCLAIMER_PREFIX + " and should not be relied upon.",
            "Ronald Shelton, MD",
            "Manhattan Dermatologic Surgeon",
            "4.9 out of 5 stars 39 reviews",
            "Dr. P",
            "Some body text.\u00a0More text.",
        ]
    ),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(page_lines, max_size=40), st.sampled_from(["\n", "\r\n"]))
def test_parser_returns_threads_or_its_own_error_and_keeps_text_verbatim(lines, newline):
    page = newline.join(lines)
    try:
        thread, problems = parse_page_text(page, "p.txt", "p")
    except CorpusError as exc:
        assert exc.path == "p.txt"
        return
    normalised_page = " ".join(page.split())
    assert thread.answers
    for answer in thread.answers:
        assert answer.text and " ".join(answer.text.split()) in normalised_page
        assert VOTE_TEMPLATE_PREFIX not in answer.text
    json.dumps([str(p) for p in problems])
