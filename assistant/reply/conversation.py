"""Follow-up questions, resolved against the conversation without a language model.

A message is searched together with the conversation's current topic when it leans
on it ("how long will that last?", "could the filler be the cause instead?"): it
refers back with a pronoun or phrase, or says too little to stand alone. A message
that announces a new subject ("different question: ...") or stands on its own starts
a new topic and is searched alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.index.terms import WORD_RE, content_terms
from assistant.models import SearchQuery

TOPIC_CHANGE_RE = re.compile(
    r"^\s*(?:(?:a |one )?(?:different|another|new|unrelated|separate|other) (?:question|topic|subject|issue)"
    r"|(?:changing|change of|new) (?:the )?subject|on (?:another|a different) note|something else"
    r"|unrelated(?: to that)?)\b\s*[:,.;!?\-–—]*\s*",
    re.IGNORECASE,
)
REFERRING_WORDS = frozenset(
    "it its it's that this these those they them their instead also too still same again either".split()
)
REFERRING_PHRASES = re.compile(r"^\s*(?:and|but|so|or|what about|how about|what if|and if)\b", re.IGNORECASE)
# A message with more content words than this is a question of its own even if it says
# "it" ("Can Botox in the forehead make my eyelid droop, and how long will it last?").
FOLLOWUP_MAX_CONTENT_TERMS = 5
# A message this bare ("why?", "how many weeks?", "which muscle was hit?") cannot be
# searched alone: it names no subject of its own, only what it asks about it.
STANDALONE_MIN_CONTENT_TERMS = 3

# Recency: the current message weighs 1, each earlier turn this much less; the message
# that set the topic never drops below the floor, so a chain of follow-ups keeps it.
RECENCY_DECAY = 0.6
TOPIC_FLOOR = 0.5
MAX_CONTEXT_TURNS = 3  # earlier turns searched with a follow-up, the topic message included


def is_topic_change(message: str) -> bool:
    return bool(TOPIC_CHANGE_RE.match(message))


def strip_topic_change(message: str) -> str:
    stripped = TOPIC_CHANGE_RE.sub("", message, count=1).strip()
    return stripped or message.strip()


def is_followup(message: str, known_term: Callable[[str], bool]) -> bool:
    """Whether message leans on the conversation (see module docstring)."""
    if is_topic_change(message):
        return False
    terms = content_terms(message)
    words = {w.lower() for w in WORD_RE.findall(message.lower())}
    points_back = bool(words & REFERRING_WORDS)
    # Content words the corpus has never seen ("car", "insurance") mark a new subject
    # even when phrased as a follow-up ("what about car insurance?"), unless the message
    # points back at the topic ("will it fix itself?": "fix" is simply not a corpus word).
    if terms and not points_back and not any(known_term(t) for t in terms):
        return False
    if len(terms) < STANDALONE_MIN_CONTENT_TERMS:
        return True
    refers = points_back or bool(REFERRING_PHRASES.match(message))
    return refers and len(terms) <= FOLLOWUP_MAX_CONTENT_TERMS


def resolve(messages: Sequence[str], known_term: Callable[[str], bool]) -> list[SearchQuery]:
    """The search query for every message of a conversation, in order."""
    queries: list[SearchQuery] = []
    topic_start = 0  # index of the message that set the current topic
    for i, message in enumerate(messages):
        text = strip_topic_change(message)
        if i == 0 or not is_followup(message, known_term):
            # Read alone; unless it announced a new subject, how it reads with the topic so
            # far is kept, for when it finds nothing alone (service.Assistant).
            in_context = _followup(messages, i, topic_start, text) if i and not is_topic_change(message) else None
            topic_start = i
            queries.append(SearchQuery(text=text, parts=((text, 1.0),), is_followup=False, in_context=in_context))
            continue
        queries.append(_followup(messages, i, topic_start, text))
    return queries


# A message read alone may lean on the conversation when the corpus knows at least this
# share of its words: "what's a good recipe for banana bread?" (only "good" known) is a
# new subject, "nobody ever told me that could happen" is not.
LEAN_KNOWN_SHARE = 0.5


def may_lean(message: str, known_term: Callable[[str], bool]) -> bool:
    """Whether a message read alone might still lean on the conversation: the corpus knows
    most of its words."""
    terms = set(content_terms(message))
    return not terms or sum(map(known_term, terms)) >= LEAN_KNOWN_SHARE * len(terms)


def _followup(messages: Sequence[str], i: int, topic_start: int, text: str) -> SearchQuery:
    """Message i (its text) searched with the topic message and the turns just before it."""
    earlier = list(range(max(topic_start, i - MAX_CONTEXT_TURNS + 1), i))
    if topic_start not in earlier:
        earlier = [topic_start, *earlier[1:]]
    parts = []
    for j in earlier:
        weight = RECENCY_DECAY ** (i - j)
        if j == topic_start:
            weight = max(weight, TOPIC_FLOOR)
        parts.append((strip_topic_change(messages[j]), round(weight, 4)))
    parts.append((text, 1.0))
    return SearchQuery(text=" ".join(p for p, _ in parts), parts=tuple(parts), is_followup=True)
