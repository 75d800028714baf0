"""Reading a message for triage: normalised text, clauses, and what each clause asserts.

Patients rarely name a symptom ("dysphagia"); they describe it ("food keeps getting
stuck"), misspell it ("swolowing"), run sentences together, and mention symptoms they do
NOT have ("no trouble breathing, just my lip is weak") or only ask about ("can Botox
cause trouble swallowing?"). So a message is normalised (contractions, curly quotes,
case), cut into clauses at punctuation and at contrasts ("but", "just"), and every place
in it can be asked whether it is asserted: not denied by a negation shortly before it in
its clause, and not framed as a risk question or a supposition in its sentence.

Every step is linear in the length of the message, whatever its shape: each pattern runs
once over the whole text (clauses joined by a barrier no pattern crosses), and a clause
looks back at most EARLIER_REACH_CHARS for framing words (issue 22: "w,w,w,..." was
quadratic).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

_REWRITES = [
    (r"[\u2018\u2019\u02bc`\u00b4]", "'"),
    (r"\b(?:can ?not|can'?t|cant|couldn'?t|couldnt)\b", "cannot"),
    (r"\b(?:not|isn'?t|isnt|aren'?t|arent|am not|wasn'?t|wasnt) able to\b", "unable to"),
    (r"\bwon'?t\b|\bwont\b", "will not"),
    (r"\b(do|does|did|is|are|was|were|has|have|had)(?:n'?t|nt)\b", r"\1 not"),
    (r"\b(?:i'm|im)\b", "i am"),
    (r"\b(?:she's|shes)\b", "she is"),
    (r"\b(?:he's)\b", "he is"),
    (r"[ \t\r\f\v]+", " "),
]
_REWRITES = [(re.compile(p), r) for p, r in _REWRITES]
# A clause ends at punctuation or where a contrast starts: "no trouble breathing, just my
# lip" and "no trouble breathing but my lip" both end the negation's reach.
_CLAUSE_BREAK = re.compile(
    r"\s*[,;:()\u2013\u2014]\s*|\s+-\s+|\s+(?=\b(?:but|however|though|although|except|just|only|whereas|yet)\b)"
)
_SENTENCE_END = re.compile(r"(?<=[.!?\n])")
# Joins clauses in the text the patterns run over; word groups are joined by [^\w|]
# (words.near), so no pattern reaches from one clause into the next.
BARRIER = " | "

# How far back in its sentence a clause looks for words that frame it as a risk question
# or a supposition ("what should I watch for after Botox, like trouble breathing?"): more
# than any framing phrase needs, and a bound, so a "sentence" of a thousand clauses costs
# linear time.
EARLIER_REACH_CHARS = 240

# What undoes a sign before it in its clause ...
NEGATION = re.compile(r"\b(?:no|not|never|without|nothing|none|nor|neither|denies|deny|free of|zero)\b")
# ... except these, which add rather than deny ("not just my lip", "no longer able to").
NOT_NEGATION = re.compile(
    r"\b(?:not just|not only|no longer|not sure|no idea|do not know|did not know|not know|not getting better|"
    r"not improving|no better|not stopping|not going down|not settling|"
    r"(?:will|do|does|did|would|is|are) not (?:focus|go|open|close|stop|move|work|come|stay|lift|hold|shape|turn))\b"
)
NEGATION_REACH = 5  # words between the negation and the sign
LIST_ITEM_WORDS = 4  # a clause this short after a negated one is an item of its list
# A clause that only asks about a risk describes no symptom.
HYPOTHETICAL = re.compile(
    r"\b(?:risks?|chances?|possib\w* (?:to|for|of)|what if|in case|signs? of|symptoms? of|warning signs?|"
    r"watch (?:out|for)|look out|worried about|afraid of|scared of|fear of|frightened of|nervous about|prevent|"
    r"avoid|how rare|how common|how likely|how often|does (?:that|this|it) happen|ever happen|in the future|"
    r"if i ever|if i get|if i got|if my|if it|if the|if she|if he|if you|"
    r"what (?:should|do|would|will) i do if|what happens if|"
    r"mention\w*|warn\w* (?:about|of|that)|talks? about|read about|heard about|told me about|"
    r"(?:says|said|list\w*) (?:that )?(?:it|botox|filler|you) (?:can|could|might)|"
    r"(?:can|cannot|could|does|do|will|would|might|may) (?:\w+ ){0,12}(?:cause|lead to|give|result in|make|affect))\b"
)
# A clause that says a part is fine describes no sign ("breathing fine", "my vision is
# normal", "throat's fine"): the encoder cannot tell "fine" from "closing".
FINE = re.compile(
    r"(?<!\bnot )\b(?:(?:is|are|was|were|feels?|felt|looks?|seems?|'s|totally|perfectly|completely|otherwise|am|all|"
    r"everything|else)\s+|(?:breathing|vision|eyesight|sight|voice|swallowing|speech|colou?r|throat|tongue)\s+)"
    r"(?:fine|normal|ok|okay|alright|all right|unaffected|good)\b"
)
# A sentence about the past that is over ("I had double vision for a few days in 2019,
# it went away"), unless it also speaks of now, describes no sign today.
PAST = re.compile(
    r"\b(?:years? ago|last year|in (?:19|20)\d\d|back in|when i was|as a (?:kid|child|teen)|months ago|ages ago|"
    r"in the past|(?:it|this|that|which) (?:went away|passed|cleared|settled|resolved)|went away|cleared up|"
    r"never came back|fine after|all good now|(?:is|was|she is|he is|she's|he's) fine now|back to normal)\b"
)
PRESENT = re.compile(r"\b(?:now|today|tonight|currently|this (?:morning|afternoon|evening)|right now|still|keeps?|"
                     r"started|getting|again|yesterday)\b")
# ... and these frame a whole sentence as a supposition, question or not ("what should I
# do if I ever had a reaction, like if my throat swelled up").
SUPPOSITION = re.compile(r"\b(?:what (?:should|do|would|will) i do if|if i ever|what happens if|what if|in case)\b")


def normalise(text: str) -> str:
    text = text.lower()
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text.strip()


@dataclass(frozen=True)
class Clause:
    text: str
    start: int  # where it starts in Reading.joined
    question: bool  # its sentence ends with "?"
    sentence_start: int  # where its sentence starts in Reading.joined
    over: bool  # its sentence speaks of the past that is over, not of now (PAST, PRESENT)
    # A short item of a list a negation began ("no difficulty with speech, swallowing or
    # breathing"): the negation reaches it across the commas.
    denied_item: bool = False

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def earlier_from(self) -> int:
        """Where the text this clause looks back at starts in Reading.joined: its sentence's
        start, or EARLIER_REACH_CHARS back."""
        return max(self.sentence_start, self.start - EARLIER_REACH_CHARS)

    def asserts(self, earlier: str, before: str) -> bool:
        """Whether words after `before` (this clause's text before them) are asserted: not
        denied in this clause, and not only asked about as a risk in it or, in a question,
        earlier in the sentence (`earlier`: the text from earlier_from to this clause)."""
        if self.over or self.denied_item or _negated(before) or FINE.search(self.text):
            return False
        if SUPPOSITION.search(f"{earlier} {before}"):
            return False
        return not HYPOTHETICAL.search(f"{earlier} {before}" if self.question else before)


class Reading:
    """One message read for triage (see the module docstring)."""

    def __init__(self, message: str):
        self.message = message
        clauses: list[Clause] = []
        at = 0
        for line in normalise(message).splitlines() or [""]:  # normalise keeps line breaks
            for sentence in _SENTENCE_END.split(line.strip()):
                question = sentence.rstrip().endswith("?")
                sentence_start = at
                over = bool(PAST.search(sentence)) and not PRESENT.search(sentence)
                for part in _CLAUSE_BREAK.split(sentence.strip(" .!?")):
                    part = part.strip()
                    if not part:
                        continue
                    previous = clauses[-1] if clauses and clauses[-1].sentence_start == sentence_start else None
                    denied_item = bool(previous) and len(part.split()) <= LIST_ITEM_WORDS and (
                        previous.denied_item or bool(NEGATION.search(NOT_NEGATION.sub(" ", previous.text))))
                    clauses.append(Clause(part, at, question, sentence_start, over, denied_item))
                    at += len(part) + len(BARRIER)
        self.clauses = tuple(clauses)
        self.matches = None  # the sign matches (features.sign_matches), once found
        self.joined = BARRIER.join(c.text for c in clauses)
        self._starts = [c.start for c in clauses]

    def clause_at(self, position: int) -> Clause:
        return self.clauses[bisect.bisect_right(self._starts, position) - 1]

    def sentence_at(self, position: int) -> str:
        """The text of the sentence around a position of `joined` (its clauses)."""
        i = bisect.bisect_right(self._starts, position) - 1
        start = self.clauses[i].sentence_start
        while i + 1 < len(self.clauses) and self.clauses[i + 1].sentence_start == start:
            i += 1
        return self.joined[start : self.clauses[i].end]

    def asserted_at(self, match: re.Match) -> bool:
        """Whether a pattern's match in `joined` is asserted (Clause.asserts)."""
        clause = self.clause_at(match.start())
        return self.asserted_in(clause, match.start() - clause.start)

    def asserted_in(self, clause: Clause, offset: int) -> bool:
        """Whether the words at offset in a clause are asserted (Clause.asserts)."""
        return clause.asserts(self.joined[clause.earlier_from : clause.start], clause.text[:offset])

    @cached_property
    def distinct(self) -> "DistinctClauses":
        """The clauses' texts, each once: patterns need not run over a text a thousand times."""
        occurrences: dict[str, list[Clause]] = {}
        for clause in self.clauses:
            occurrences.setdefault(clause.text, []).append(clause)
        texts = list(occurrences)
        starts, at = [], 0
        for text in texts:
            starts.append(at)
            at += len(text) + len(BARRIER)
        return DistinctClauses(BARRIER.join(texts), starts, [occurrences[t] for t in texts])

    @cached_property
    def asserted_clauses(self) -> tuple[str, ...]:
        """The clauses minus what they deny or only ask about: each cut at its first negation
        or risk question, dropped when its sentence frames it as a supposition, and kept
        when two words or more are left. Found with one pass of each pattern."""
        masked = NOT_NEGATION.sub(lambda m: "_" * len(m.group(0)), self.joined)
        hypothetical = [m.start() for m in HYPOTHETICAL.finditer(self.joined)]
        supposition = [m.start() for m in SUPPOSITION.finditer(self.joined)]
        cuts = sorted({m.start() for m in NEGATION.finditer(masked)} | set(hypothetical))
        out = []
        for clause in self.clauses:
            # Framed earlier in its sentence (within reach): a supposition, or in a question a risk.
            lo = clause.earlier_from
            if _any_between(supposition, lo, clause.start) or (clause.question and _any_between(hypothetical, lo, clause.start)):
                continue
            if clause.over or clause.denied_item or FINE.search(clause.text):
                continue
            first = bisect.bisect_left(cuts, clause.start)
            end = cuts[first] if first < len(cuts) and cuts[first] < clause.end else clause.end
            text = self.joined[clause.start : end].strip()
            if len(text.split()) >= 2:
                out.append(text)
        return tuple(out)


@dataclass(frozen=True)
class DistinctClauses:
    joined: str  # each distinct clause text once, joined by BARRIER
    starts: list[int]  # where each starts in joined
    occurrences: list[list[Clause]]  # the clauses with each text, in order

    def at(self, position: int) -> tuple[int, list[Clause]]:
        """(offset within its text, the clauses with that text) for a position of joined."""
        i = bisect.bisect_right(self.starts, position) - 1
        return position - self.starts[i], self.occurrences[i]


@lru_cache(maxsize=512)  # a follow-up re-reads the messages before it
def read(message: str) -> Reading:
    return Reading(message)


def _any_between(starts: list[int], lo: int, hi: int) -> bool:
    """Whether a match (sorted start positions; no match crosses a clause) starts in [lo, hi)."""
    i = bisect.bisect_left(starts, lo)
    return i < len(starts) and starts[i] < hi


def _negated(before: str) -> bool:
    words = before.split()[-NEGATION_REACH - 1 :]
    window = " ".join(words)
    return bool(NEGATION.search(NOT_NEGATION.sub(" ", window)))
