"""The evidence one message gives, as the numbers the triage model weighs (model.py).

Three kinds, each with a name in FEATURES:

- pattern_*: signs (signs.py) whose word patterns match somewhere the message asserts,
  per group of signs, and pattern_denied: sign words it denies or only asks about.
- semantic_*: the highest cosine similarity between the message (whole, and each of its
  asserted clauses) and the lay descriptions of each group of signs, and of each kind of
  look-alike (ordinary local effects, figurative or non-bodily uses, someone else's or a
  past story, a risk question). Zero without an encoder.
- context_*: words around the signs: a treatment named, an onset or a worsening, the
  past or a recovery, someone else's story or the media, a supposition, money and jokes,
  someone writing for a relative.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from assistant.red_flags.lookalikes import LOOKALIKES
from assistant.red_flags.reading import Reading
from assistant.red_flags.signs import SIGNS, Sign, compiled_patterns

# Groups of signs that weigh alike: each gets a pattern and a semantic feature.
SIGN_GROUPS: dict[str, tuple[str, ...]] = {
    "toxin": ("breathing", "swallowing", "speech", "voice", "vision", "eyelids", "weakness", "bladder"),
    "allergy_skin": ("throat", "face_swelling", "hives", "allergy"),
    "allergy_body": ("faint", "dizzy", "vomiting"),
    "vascular_skin": ("skin_colour", "cold", "refill", "blisters"),
    "vascular_pain": ("pain",),
    "vascular_eye": ("filler_vision", "eye_after_filler"),
    "infection": ("fever", "discharge", "spreading"),
}
GROUP_OF = {key: group for group, keys in SIGN_GROUPS.items() for key in keys}
assert set(GROUP_OF) == {s.key for s in SIGNS}, "every sign belongs to one group"

_CONTEXT = {
    "treatment": r"botox|botulinum|dysport|xeomin|jeuveau|daxxify|tox|toxin|neurotoxin|filler\w*|juvederm|restylane|"
                 r"radiesse|sculptra|hyaluronic|inject\w*|jabs?|shots?|needle|cannula|tear troughs?|lip flip|masseter|"
                 r"dissolv\w*|hyaluronidase|treatment|procedure|appointment|clinic|injector|nurse|dermal",
    "filler": r"filler\w*|juvederm|restylane|radiesse|sculptra|hyaluronic|tear troughs?|cannula|lip (?:job|injection)s?",
    "onset": r"since|started|starting|began|now|today|tonight|this (?:morning|afternoon|evening)|yesterday|last night|"
             r"hours?|hrs?|mins?|minutes?|just|right after|straight after|afterwards?|ago|still",
    "worsening": r"worse|worsening|getting (?:bigger|more)|more and more|by the (?:minute|hour)|every (?:minute|hour)|spreading|"
                 r"keeps|keep|not (?:getting )?better|not improving",
    "past": r"years? ago|last year|in (?:19|20)\d\d|back in|when i was|as a (?:kid|child|teen)|once|used to|previous\w*|"
            r"last time|months ago|in the past",
    "resolved": r"fine now|(?:totally|completely|all|perfectly) (?:fine|gone|normal|better)|went away|gone away|resolved|"
                r"recovered|cleared up|back to normal|settled|better now|no longer|was fine|is fine|she is fine|he is fine|"
                r"turned pink again|went back|all good|good now|(?:it|that|this) passed|passed (?:in|after|quickly)",
    "story": r"friend|friends|cousin|aunt\w*|uncle|coworker|co-worker|colleague|neighbou?r|classmate|someone|somebody|"
             r"a woman|a girl|a lady|a guy|people|people's|celebrit\w*|influencer|tiktok|youtube|instagram|insta|reddit|"
             r"forum|article|documentary|video|story|stories|read|reading|heard|leaflet|consent form|brochure|tv|news|"
             r"show|watch\w*|saw|sister-in-law|horror",
    "days": r"each day|every day|every morning|day by day|(?:over|for) the (?:last|past) (?:few|two|three|\d+) days|"
            r"(?:\d+|two|three|four|five|six|seven|ten) days|a week|weeks?|day \d+",
    "minutes": r"minutes?|mins?|seconds|an hour|(?:\d+|two|three) (?:hours?|hrs?)|right after|straight after|"
               r"just (?:left|got|had)|at the clinic|in the chair|still at",
    "supposition": r"if|what if|would|could|might|how (?:common|rare|likely|often)|is it (?:possible|normal|common)|"
                   r"chances?|risks?|worried|afraid|scared|nervous|before my|should i|warning|in case|terrified|"
                   r"paranoid|anxious|overthinking",
    "not_yet": r"booked|booking|before my|my appointment is|upcoming|next (?:week|month|time)|thinking (?:of|about) getting|"
               r"want to get|wants? (?:lip )?filler|planning|considering|first time getting|going to get",
    "mild": r"a bit|a little|slightly|mild|mildly|bit of|little bit|minor|tiny|barely noticeable",
    "figurative": r"price|prices|cost|costs|bill|total|quote|receptionist|money|bank|wallet|pay\w*|dollars?|pounds?|"
                  r"euros?|lol|lmao|haha\w*|joke|joking|kidding|laugh\w*|movie|film|episode|series|book|photo|pics?|"
                  r"picture|selfie|screen|dress|outfit|shirt|nails?|polish|lipstick|gloss|eyeshadow|hair|dye|paint|"
                  r"wall|weather|room|plant|sweater|jumper|car|news|memory",
    "first_person": r"i|my|me|myself|mine|i am|i have|i've",
    "relative": r"my (?:mum|mom|mother|dad|father|husband|wife|partner|son|daughter|grandma|grandmother|grandad|"
                r"grandfather|sister|brother|boyfriend|girlfriend)|writing for|on behalf of",
}
_CONTEXT = {name: re.compile(rf"\b(?:{words})\b") for name, words in _CONTEXT.items()}
_MONEY = re.compile(r"[$£€]|\U0001f602|\U0001f923")  # currency and laughing faces

FEATURES: tuple[str, ...] = (
    *(f"pattern_{g}" for g in SIGN_GROUPS),
    "pattern_denied",
    *(f"semantic_{g}" for g in SIGN_GROUPS),
    *(f"semantic_{k}" for k in LOOKALIKES),
    *(f"context_{k}" for k in _CONTEXT),
    "context_question",
    "context_story_over",  # someone else's story, or one that is over or supposed
)


@dataclass(frozen=True)
class SignMatch:
    sign: Sign
    words: str
    asserted: bool


def sign_matches(reading: Reading) -> tuple[SignMatch, ...]:
    """Every sign pattern's first match in the message, asserted or not (one pass each);
    kept with the reading, since a follow-up re-reads the messages before it."""
    if reading.matches is None:
        reading.matches = _sign_matches(reading)
    return reading.matches


# Denied matches of one pattern kept as evidence ("no X, no X, ..." counts as a few).
MAX_DENIED_PER_PATTERN = 3


def _sign_matches(reading: Reading) -> tuple[SignMatch, ...]:
    """Each pattern runs once over the message's distinct clauses; a match is asserted when
    it is in one of the clauses with that text."""
    found = []
    distinct = reading.distinct
    for sign, pattern in _PATTERNS:
        denied = 0
        for match in pattern.finditer(distinct.joined):
            offset, clauses = distinct.at(match.start())
            asserted = any(reading.asserted_in(c, offset) and not _ordinary_here(sign, reading, c.start + offset)
                           for c in clauses)
            if asserted or denied < MAX_DENIED_PER_PATTERN:
                found.append(SignMatch(sign, match.group(0), asserted))
            if asserted:
                break
            denied += 1
    return tuple(found)


_PATTERNS = compiled_patterns()
# Words that show a colour or a pain is local and ordinary: a bruise, needle marks, dark
# circles under the eyes, a headache.
_THINGS = r"\b(?:photos?|pics?|pictures?|screen|memory|image|selfie|video|camera|mirror|tv)\b"
_ORDINARY_HERE = {
    "skin_colour": re.compile(r"\bbruis\w*|\bdots?\b|\bdark circles\b|\bnail\w*|\blipstick|\bdress|\bshirt|\bhair|" + _THINGS),
    "filler_vision": re.compile(r"\bdark circles\b|\bbags\b|\bbruis\w*|\b(?:under|around|below) (?:my |the )?eyes?\b|" + _THINGS),
    "vision": re.compile(_THINGS),
    "pain": re.compile(r"\bhead\w*|\bmigraine"),
    "cold": re.compile(r"\b(?:a|the) cold\b|\bcold (?:sore|drink|water|compress|pack|room|weather|feet)\b|\bice pack"),
}


def _ordinary_here(sign: Sign, reading: Reading, position: int) -> bool:
    """Whether the sentence around a sign's words shows them to be ordinary."""
    ordinary = _ORDINARY_HERE.get(sign.key)
    return bool(ordinary and ordinary.search(reading.sentence_at(position)))


class SemanticBanks:
    """The descriptions of every sign group and look-alike kind, encoded once."""

    def __init__(self, embedder):
        names, texts = [], []
        for group, keys in SIGN_GROUPS.items():
            for sign in SIGNS:
                if sign.key in keys:
                    names += [group] * len(sign.descriptions)
                    texts += list(sign.descriptions)
        for kind, descriptions in LOOKALIKES.items():
            names += [kind] * len(descriptions)
            texts += list(descriptions)
        self.vectors = embedder.encode(texts)
        self.names = np.array(names)
        self.banks = list(dict.fromkeys(names))
        self.descriptions = texts

    def best(self, vectors: np.ndarray, signs_from: int = 0) -> dict[str, tuple[float, int, int]]:
        """For each bank: (highest cosine, which row of vectors, which description); the
        sign groups' banks only from row signs_from on (none when there are no such rows)."""
        cosines = vectors @ self.vectors.T
        out = {}
        for bank in self.banks:
            first = signs_from if bank in SIGN_GROUPS else 0
            if first >= len(vectors):
                continue
            columns = np.flatnonzero(self.names == bank)
            block = cosines[first:, columns]
            row, column = np.unravel_index(int(np.argmax(block)), block.shape)
            out[bank] = (float(block[row, column]), int(row) + first, int(columns[column]))
        return out


@dataclass(frozen=True)
class Evidence:
    """What a message gives: its feature vector, the sign matches and the semantic bests."""

    values: np.ndarray  # in FEATURES order
    matches: tuple[SignMatch, ...]
    texts: tuple[str, ...]  # the texts compared semantically: the message, then its asserted clauses
    semantic: Mapping[str, tuple[float, int, int]]  # bank -> (cosine, text number, description number)


def evidence(reading: Reading, vectors: np.ndarray | None, banks: SemanticBanks | None) -> Evidence:
    """vectors: the encodings of (message, *asserted clauses), or None without an encoder."""
    matches = sign_matches(reading)
    values = dict.fromkeys(FEATURES, 0.0)
    for group in SIGN_GROUPS:
        signs = {m.sign.key for m in matches if m.asserted and GROUP_OF[m.sign.key] == group}
        values[f"pattern_{group}"] = min(len(signs), 2) / 2
    values["pattern_denied"] = min(sum(not m.asserted for m in matches), 2) / 2
    # Signs are compared with what the message asserts (its asserted clauses: the whole
    # message would carry the signs it denies); look-alikes with all of it too.
    semantic = banks.best(vectors, signs_from=1) if banks is not None and vectors is not None else {}
    for bank, (cosine, _, _) in semantic.items():
        values[f"semantic_{bank}"] = cosine
    text = reading.joined
    for name, pattern in _CONTEXT.items():
        values[f"context_{name}"] = float(bool(pattern.search(text)))
    values["context_figurative"] = max(values["context_figurative"], float(bool(_MONEY.search(reading.message))))
    values["context_question"] = float("?" in reading.message)
    values["context_story_over"] = values["context_story"] * max(
        values["context_past"], values["context_resolved"], values["context_supposition"])
    texts = (reading.message, *reading.asserted_clauses)
    return Evidence(np.array([values[f] for f in FEATURES], dtype=np.float32), matches, texts, semantic)
