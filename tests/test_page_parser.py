"""The page parser against the three real pages and every quirk DESIGN §3 lists."""

from __future__ import annotations

import json
import re

import pytest

from assistant.corpus.jsonl import thread_to_dict
from assistant.corpus.page_parser import parse_page_text
from assistant.errors import CorpusError

from .conftest import CORPUS, GOLDEN, PAGE_IDS


def parse(pid: str, text: str):
    return parse_page_text(text, f"corpus/{pid}.txt", pid)


@pytest.mark.parametrize("pid", PAGE_IDS)
def test_pages_match_their_hand_checked_golden_files(pid, page_text):
    thread, _ = parse(pid, page_text[pid])
    golden = json.loads((GOLDEN / f"{pid}.json").read_text(encoding="utf-8"))
    assert thread_to_dict(thread) == golden


# Typed by hand from the pages: (name, specialty/city, rating, reviews) per answer, in page order.
EXPECTED_ATTRIBUTION = {
    "000_89d5e1cb873fd9a3": [
        (None, "Orange County Facial Plastic Surgeon", 5.0, 218),
        ("Ronald Shelton, MD", "Manhattan Dermatologic Surgeon", 4.9, 39),
        ("Anita Mandal, MD", "Palm Beach Facial Plastic Surgeon", None, None),
        ("Harlow Hollis, MD", "Victoria Plastic Surgeon", None, None),
        ("Harold J. Kaplan, MD", "Los Angeles Facial Plastic Surgeon", 4.4, 7),
        ("Francis R. Palmer, III, MD", "Beverly Hills Facial Plastic Surgeon", 4.7, 28),
        ("Brent Moelleken, MD", "Beverly Hills Plastic Surgeon", 4.9, 194),
        ("David A. Bray, Sr., MD", "Los Angeles Facial Plastic Surgeon", None, None),
        (None, None, None, None),
        ("Michael A. Persky, MD", "Encino Facial Plastic Surgeon", 4.8, 39),
    ],
    "003_2b6731e5901a19ae": [
        (None, "Bay Area Dermatologic Surgeon", 4.5, 14),
        ("Houtan Chaboki, MD", "Washington DC Facial Plastic Surgeon", 4.9, 89),
        ("Jacque P. LeBeau, MD", "Pensacola Facial Plastic Surgeon", None, None),
        ("Francis R. Palmer, III, MD", "Beverly Hills Facial Plastic Surgeon", 4.7, 28),
        ("George J. Beraka, MD (retired)", "Manhattan Plastic Surgeon", None, None),
        ("Harold J. Kaplan, MD", "Los Angeles Facial Plastic Surgeon", 4.4, 7),
        ("Amir Moradi, MD", "San Diego Facial Plastic Surgeon", 4.0, 8),
        ("Steven Wallach, MD", "New York Plastic Surgeon", 4.2, 30),
    ],
    "004_52f1e9b741cd2cdd": [
        (None, None, None, None),
        ("Michael R. Menachof, MD", "Greenwood Village Facial Plastic Surgeon", 4.4, 28),
        ("Brent Moelleken, MD", "Beverly Hills Plastic Surgeon", 4.9, 194),
        (None, None, None, None),
        (None, None, None, None),
        ("Ronald Shelton, MD", "Manhattan Dermatologic Surgeon", 4.9, 39),
        ("Francis R. Palmer, III, MD", "Beverly Hills Facial Plastic Surgeon", 4.7, 28),
        ("Will Richardson, MD", "Fort Lauderdale Dermatologic Surgeon", None, None),
    ],
}


@pytest.mark.parametrize("pid", PAGE_IDS)
def test_every_attribution_is_exact_and_never_borrowed(pid, page_text):
    thread, _ = parse(pid, page_text[pid])
    got = [(a.author.name, a.author.title, a.author.rating, a.author.reviews) for a in thread.answers]
    assert got == EXPECTED_ATTRIBUTION[pid]
    assert [a.id for a in thread.answers] == [f"{pid}#{n}" for n in range(1, len(got) + 1)]


@pytest.mark.parametrize("pid", PAGE_IDS)
def test_answer_bodies_hold_only_the_physicians_words(pid, page_text):
    thread, _ = parse(pid, page_text[pid])
    attribution_lines = {x for row in EXPECTED_ATTRIBUTION[pid] for x in row[:2] if x}
    for answer in thread.answers:
        body = answer.text
        assert "{{" not in body and "voteCount" not in body
        assert "You might also like" not in body
        assert "educational purposes" not in body
        assert "out of 5 stars" not in body
        assert "\u00a0" not in body
        for line in body.split("\n"):
            assert line not in attribution_lines
            assert line != answer.headline
        assert not body.startswith(thread.title)


def test_sign_off_is_body_text_not_a_name(page_text):
    thread, _ = parse(PAGE_IDS[0], page_text[PAGE_IDS[0]])
    persky = thread.answers[-1]
    assert persky.text.endswith("Good luck and be well.\n\nDr. P")
    assert persky.author.name == "Michael A. Persky, MD"


def test_announced_count_mismatch_is_a_warning(page_text):
    thread, problems = parse(PAGE_IDS[0], page_text[PAGE_IDS[0]])
    assert len(thread.answers) == 10
    [warning] = problems
    assert not warning.skipped
    assert warning.line == 5 and "announces 13 answers but 10 were read" in warning.message


@pytest.mark.parametrize("pid", PAGE_IDS[1:])
def test_pages_that_hold_what_they_announce_have_no_warnings(pid, page_text):
    thread, problems = parse(pid, page_text[pid])
    assert len(thread.answers) == 8 and problems == []


def test_question_and_title_are_read(page_text):
    thread, _ = parse(PAGE_IDS[2], page_text[PAGE_IDS[2]])
    assert thread.title == "Face Semi-paralyzed After Botox to Masseter Muscles? (photo)"
    assert thread.question.startswith("I had 30 units of botox injected in the masseter muscles")
    assert thread.question.endswith("or strengthen the muscles? Thank you")


def test_crlf_and_trailing_newline_do_not_change_the_result(page_text):
    text = page_text[PAGE_IDS[1]]
    plain, _ = parse(PAGE_IDS[1], text)
    crlf, _ = parse(PAGE_IDS[1], text.replace("\n", "\r\n") + "\r\n")
    assert crlf == plain


PAGE_HEAD = "A title\n\nMy question?\n\nDoctor Answers 2\n\n"
VOTE = "{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}"
DISCLAIMER = "These answers are for educational purposes and should not be relied upon."


def test_page_with_title_but_no_answers_is_an_error_with_line():
    with pytest.raises(CorpusError) as err:
        parse_page_text("Just a title\n\nA question?\n\nDoctor Answers 0\n", "p.txt", "p")
    assert err.value.line == 5 and "no answers" in err.value.message


def test_page_cut_off_inside_an_answer_keeps_complete_answers_only():
    text = (
        PAGE_HEAD
        + f"First headline\n{VOTE}\nComplete answer text.\n\nJane Roe, MD\nBoston Plastic Surgeon\n\n"
        + f"Second headline\n{VOTE}\nThis answer was cut off in the mid"
    )
    thread, problems = parse_page_text(text, "p.txt", "p")
    assert [a.text for a in thread.answers] == ["Complete answer text."]
    assert thread.answers[0].author.name == "Jane Roe, MD"
    messages = [(p.line, p.skipped, p.message) for p in problems]
    assert any(skipped and line == 15 and "cut off" in msg for line, skipped, msg in messages)
    assert any(not skipped and "disclaimer" in msg for _, skipped, msg in messages)


def test_page_cut_off_inside_the_attribution_never_shows_a_partial_name():
    text = PAGE_HEAD + f"Headline\n{VOTE}\nSome answer.\n\nJane Roe, MD\nBoston Plas"
    with pytest.raises(CorpusError):  # the only answer may be incomplete: nothing is trusted
        parse_page_text(text, "p.txt", "p")


def test_ambiguous_lines_leave_fields_empty():
    text = (
        PAGE_HEAD
        + f"Headline\n{VOTE}\nAnswer one.\n\nDr. Smith from the clinic\n4.5 out of 5 stars 3 reviews\n\n"
        + f"Headline two\n{VOTE}\nAnswer two.\n\n{DISCLAIMER}"
    )
    thread, _ = parse_page_text(text, "p.txt", "p")
    first, second = thread.answers
    assert first.author.name is None and first.author.rating == 4.5 and first.author.reviews == 3
    assert first.text == "Answer one.\n\nDr. Smith from the clinic"
    assert second.author.is_empty


@pytest.mark.parametrize(
    "line, kind",
    [
        ("Ronald Shelton, MD", "name"),
        ("George J. Beraka, MD (retired)", "name"),
        ("David A. Bray, Sr., MD", "name"),
        ("Dr. P", None),
        ("Manhattan Dermatologic Surgeon", "title"),
        ("See a board certified surgeon", None),
        ("4.9 out of 5 stars 39 reviews", "rating"),
        ("5 out of 5 stars 1 review", "rating"),
        ("Best of luck to you, MD", None),
    ],
)
def test_attribution_line_classifier(line, kind):
    from assistant.corpus.page_parser import classify_attribution_line

    assert classify_attribution_line(line) == kind


def test_every_answer_text_is_in_its_page(page_text):
    for pid in PAGE_IDS:
        thread, _ = parse(pid, page_text[pid])
        page = " ".join(page_text[pid].split())
        for answer in thread.answers:
            assert " ".join(answer.text.split()) in page
        assert (CORPUS / f"{pid}.txt").exists()


def test_nbsp_is_normalised_but_words_are_kept(page_text):
    thread, _ = parse(PAGE_IDS[0], page_text[PAGE_IDS[0]])
    kaplan = thread.answers[4]
    assert "Hi lhas. Unfortunately, exercising the mouth" in kaplan.text
    assert not re.search(r"\s{2,}", kaplan.text.replace("\n\n", "\n"))
