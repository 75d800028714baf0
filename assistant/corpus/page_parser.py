"""Parser for physician Q&A pages (DESIGN §3): text in, one Thread plus warnings out.

A page is: a title line, the patient's question, `Doctor Answers N`, then answers.
Every answer has a `{{ voteCount ...` template line right after its headline, so
those lines are the anchors: the line before each is a headline, and everything
from one anchor to the next headline is one answer's body and attribution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.errors import CorpusError
from assistant.models import Answer, Author, Problem, Thread

ANSWER_COUNT_RE = re.compile(r"^Doctor Answers (\d+)$")
VOTE_TEMPLATE_PREFIX = "{{ voteCount"
INTERSTITIAL = "You might also like..."
DISCLAIMER_PREFIX = "These answers are for educational purposes"

RATING_RE = re.compile(r"^(\d(?:\.\d+)?) out of 5 stars(?: (\d[\d,]*) reviews?)?$")

# A name line carries a credential after a comma: "Francis R. Palmer, III, MD",
# "George J. Beraka, MD (retired)". A sign-off such as "Dr. P" has none, so it stays
# in the body; a line we are unsure of is never taken for a name.
_CREDENTIAL = r"(?:MD|M\.D\.|DO|D\.O\.|DDS|DMD|MBBS|MBChB|PhD|FACS|FRCS|FRCSC|FAAD|MPH|MS|NP|PA-C|RN)"
NAME_RE = re.compile(
    r"^[A-Z][^\s,]*(?: (?:[A-Z][^\s,]*|de|del|della|da|di|du|van|von|der|den|la|le|y)){0,5}"  # up to six words
    r"(?:, (?:Jr\.?|Sr\.?|II|III|IV))?"  # generational suffix
    rf", {_CREDENTIAL}(?:, {_CREDENTIAL})*"
    r"(?: \(retired\))?$"
)

# "Manhattan Dermatologic Surgeon", "Washington DC Facial Plastic Surgeon": capitalised
# words (the city, then the specialty) ending with a kind of physician.
_SPECIALTY_NOUN = (
    r"(?:Surgeon|Dermatologist|Physician|Ophthalmologist|Otolaryngologist|Dentist|"
    r"Specialist|Doctor|Neurologist|Practitioner|Oculoplastic Surgeon|Internist)"
)
SPECIALTY_RE = re.compile(rf"^(?:(?:[A-Z][\w.'’&-]*|of|and|the|de|la|del|du) ){{1,7}}{_SPECIALTY_NOUN}$")

MAX_ATTRIBUTION_LINE = 100  # longer lines are prose, whatever they look like


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace (NBSP included) to one space and strip the ends."""
    return " ".join(text.split())


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based line number in the file
    text: str  # whitespace-normalised


def classify_attribution_line(text: str) -> str | None:
    """'name', 'title' or 'rating' when the line certainly is one; None otherwise."""
    if len(text) > MAX_ATTRIBUTION_LINE:
        return None
    if RATING_RE.match(text):
        return "rating"
    if NAME_RE.match(text):
        return "name"
    if SPECIALTY_RE.match(text):
        return "title"
    return None


def parse_page_text(text: str, path: str, thread_id: str) -> tuple[Thread, list[Problem]]:
    """Parse one page. Raises CorpusError when no answer can be read from it."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [_Line(i + 1, normalize_whitespace(raw)) for i, raw in enumerate(raw_lines)]
    problems: list[Problem] = []

    title_idx = next((i for i, ln in enumerate(lines) if ln.text), None)
    if title_idx is None:
        raise CorpusError(path, 1, "empty page: no title line")
    title = lines[title_idx].text

    anchors = [i for i in range(title_idx + 1, len(lines)) if lines[i].text.startswith(VOTE_TEMPLATE_PREFIX)]
    header_idx = next(
        (i for i in range(title_idx + 1, anchors[0] if anchors else len(lines)) if ANSWER_COUNT_RE.match(lines[i].text)),
        None,
    )
    if not anchors:
        where = lines[header_idx].number if header_idx is not None else lines[-1].number
        raise CorpusError(path, where, f"no answers found: no '{VOTE_TEMPLATE_PREFIX}' line after the title")

    floor = header_idx if header_idx is not None else title_idx
    headline_idxs = [_previous_text_line(lines, a, floor) for a in anchors]

    question_end = header_idx if header_idx is not None else (headline_idxs[0] if headline_idxs[0] is not None else anchors[0])
    question = _join_paragraphs(lines[title_idx + 1 : question_end])
    if header_idx is None:
        problems.append(Problem(path, lines[title_idx].number, "no 'Doctor Answers N' line after the question", False))

    end = len(lines)
    disclaimer_idx = _disclaimer_start(lines, after=anchors[-1])
    truncated = disclaimer_idx is None
    if not truncated:
        end = disclaimer_idx
    else:
        problems.append(
            Problem(path, lines[-1].number, "page does not end with the site disclaimer; it may be cut off", False)
        )

    answers: list[Answer] = []
    for j, anchor in enumerate(anchors):
        stop = end
        if j + 1 < len(anchors):
            nxt = headline_idxs[j + 1]
            stop = nxt if nxt is not None else anchors[j + 1]
        region = _strip_trailing(lines[anchor + 1 : stop])
        body_lines, author, attribution_found = _split_attribution(region)
        answer_id = f"{thread_id}#{j + 1}"
        headline = lines[headline_idxs[j]].text if headline_idxs[j] is not None else None
        body = _join_paragraphs(body_lines)
        at = lines[anchor].number
        if not body:
            problems.append(Problem(path, at, f"answer {answer_id} has no text; skipped", True))
            continue
        if truncated and j == len(anchors) - 1 and not attribution_found:
            problems.append(
                Problem(path, at, f"answer {answer_id} may be cut off (page ends inside it); skipped", True)
            )
            continue
        answers.append(Answer(id=answer_id, text=body, headline=headline, author=author))

    if header_idx is not None:
        announced = int(ANSWER_COUNT_RE.match(lines[header_idx].text).group(1))
        if announced != len(answers):
            problems.append(
                Problem(
                    path,
                    lines[header_idx].number,
                    f"page announces {announced} answers but {len(answers)} were read",
                    False,
                )
            )
    if not answers:
        raise CorpusError(path, lines[anchors[0]].number, "no answer with text found on the page")
    thread = Thread(id=thread_id, title=title, question=question or None, answers=tuple(answers), source=path)
    return thread, problems


def _previous_text_line(lines: list[_Line], idx: int, floor: int) -> int | None:
    i = idx - 1
    while i > floor and not lines[i].text:
        i -= 1
    if i <= floor or lines[i].text.startswith(VOTE_TEMPLATE_PREFIX):
        return None
    return i


def _disclaimer_start(lines: list[_Line], after: int) -> int | None:
    """Index of the closing disclaimer paragraph's first line, if the page ends with one."""
    i = len(lines) - 1
    while i > after and not lines[i].text:
        i -= 1
    while i > after and lines[i - 1].text:  # back to the start of the last paragraph
        i -= 1
    if i > after and lines[i].text.startswith(DISCLAIMER_PREFIX):
        return i
    return None


def _strip_trailing(region: list[_Line]) -> list[_Line]:
    """Drop blank lines and the 'You might also like...' interstitial from the end."""
    end = len(region)
    while end and (not region[end - 1].text or region[end - 1].text == INTERSTITIAL):
        end -= 1
    return region[:end]


def _split_attribution(region: list[_Line]) -> tuple[list[_Line], Author, bool]:
    """Separate the trailing name / specialty / rating lines from the body.

    Read backwards from the end: a rating, then a specialty, then a name, each at most
    once and in that order, within the last paragraph only. Anything else stops it.
    """
    slots = ["rating", "title", "name"]
    found: dict[str, str] = {}
    pos = 0
    cut = len(region)
    for i in range(len(region) - 1, -1, -1):
        text = region[i].text
        if not text:
            break
        kind = classify_attribution_line(text)
        if kind is None or kind not in slots[pos:]:
            break
        found[kind] = text
        pos = slots.index(kind) + 1
        cut = i
    rating = reviews = None
    if "rating" in found:
        m = RATING_RE.match(found["rating"])
        rating = float(m.group(1))
        reviews = int(m.group(2).replace(",", "")) if m.group(2) else None
    author = Author(name=found.get("name"), title=found.get("title"), rating=rating, reviews=reviews)
    return region[:cut], author, bool(found)


def _join_paragraphs(lines: list[_Line]) -> str:
    """Lines of one paragraph joined by a space, paragraphs by a blank line."""
    paragraphs: list[str] = []
    current: list[str] = []
    for ln in lines:
        if ln.text:
            current.append(ln.text)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)
