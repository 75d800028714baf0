"""One gate for text that enters: messages, comments, filter values and every corpus field.

Every path in (a page, a JSONL line, `ask`, `/ask`, the chat, a vote's comment, the
physician filter) passes its text through here, so what is stored, searched and shown is
the same kind of text everywhere:

- A lone surrogate (half of a UTF-16 pair, which JSON and the command line can carry but
  no encoder or file can) is refused with a message naming the field.
- Unicode NFC: "é" typed as e + combining accent and as one character are the same text.
- Direction controls (U+202A-202E, U+2066-2069, U+200E/200F, U+061C) are removed from all
  text: one of them can make "2.4 out of 5" read as "4.2" or a name read backwards
  (issue 22). Control characters other than tab and line breaks go too.
- Labels (a physician's name, title, a headline, a page title) also lose every other
  invisible format character (zero-width spaces and joiners, soft hyphens, BOMs): a name
  must read as what it is, and no two names may look alike but differ unseen.

Answer text goes through the first three steps only, at ingest; a quote is a substring of
that stored text, so it differs from the page file only by NFC and by removed controls.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.errors import AssistantError

DIRECTION_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DIRECTION_OR_CONTROL = re.compile(f"[{DIRECTION_CONTROLS}\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidTextError(AssistantError, ValueError):
    """Text that cannot be taken in (a lone surrogate); the message names where it was."""


def check_encodable(text: str, field: str) -> None:
    """Refuse a lone surrogate: it cannot be encoded, stored or shown."""
    match = _SURROGATE.search(text)
    if match:
        raise InvalidTextError(
            f"{field} holds a lone surrogate (U+{ord(match.group()):04X} at character {match.start() + 1}): "
            "not valid text; send it as UTF-8"
        )


def clean_text(text: str, field: str) -> str:
    """Text of any kind (a message, an answer, a comment): checked, NFC, without direction
    or control characters."""
    check_encodable(text, field)
    return _DIRECTION_OR_CONTROL.sub("", unicodedata.normalize("NFC", text))


def clean_label(text: str, field: str) -> str:
    """A name, title or headline: clean_text, then without any invisible format character
    (Unicode category Cf), whitespace collapsed."""
    text = clean_text(text, field)
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cf").split())


def is_visible_label(text: str) -> bool:
    """Whether anything readable is left of a label (a name of only format characters is none)."""
    return any(not ch.isspace() for ch in text)
