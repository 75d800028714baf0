"""Recognising messages that describe emergency symptoms (DESIGN §6.4)."""

from __future__ import annotations

import re

_DIFFICULTY = r"(?:trouble|difficult(?:y|ies)|hard|problems?|struggl\w*|can ?not|can'?t|cannot|unable to|unable|hardly)"
EMERGENCY_PATTERNS = [
    rf"{_DIFFICULTY}\s+(?:\w+\s+){{0,2}}(?:breath\w*|swallow\w*|speak\w*|talk\w*|speech)",
    r"(?:short(?:ness)? of breath|can'?t catch my breath|chok\w+|gasping)",
    r"(?:slurred|slurring)\s+(?:speech|words)|speech\s+is\s+slurred",
    r"double vision|seeing double|blurr?(?:ed|y) vision",
    r"weak(?:ness)?\s+(?:\w+\s+){0,5}(?:spread\w*|getting worse|in my (?:arms?|legs?|whole body))",
    r"spread\w*\s+(?:\w+\s+){0,2}weakness",
    r"(?:throat|tongue)\s+(?:\w+\s+){0,2}(?:swell\w*|swollen|closing|tight\w*)",
    r"(?:breath\w*|swallow\w*)\s+(?:is|are|has become|became)\s+(?:\w+\s+)?(?:hard|difficult)",
]
_EMERGENCY_RE = re.compile("|".join(f"(?:{p})" for p in EMERGENCY_PATTERNS), re.IGNORECASE)


def describes_emergency(message: str) -> bool:
    return bool(_EMERGENCY_RE.search(message))
