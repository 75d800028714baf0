"""Red-flag triage: does a message describe an emergency, or signs of infection? (DESIGN §6.4)

Patients rarely name their symptom ("dysphagia"); they describe it ("food keeps getting
stuck"), misspell it ("swolowing"), run sentences together, and mention symptoms they
do NOT have ("no trouble breathing, just my lip is weak"). Two kinds of evidence:

1. Patterns over normalised text: a sign is a pair of word groups near each other in
   either order ("hard ... to breathe", "breathing is hard"), each group tolerant of
   inflection and common misspellings. A match is dropped when a negation ("no", "not",
   "without") stands before it in its clause, or when its sentence only asks about a
   risk ("can Botox cause trouble swallowing?", "I'm scared of double vision").
2. Semantic similarity: the message's asserted clauses (negated and hypothetical ones
   removed) are embedded with the bundled encoder and compared with curated emergency
   descriptions and with descriptions of the ordinary local effects of these treatments.

Emergency signs follow the FDA boxed warning for botulinum toxins (distant spread),
anaphylaxis, and filler injected into a blood vessel. Signs of infection make a second,
lower tier ("contact the clinic today"); an emergency sign always wins.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .embedding import Embedder
from .models import RedFlag, Triage, Urgency

NO_RED_FLAGS = Triage(None)


# ---------------------------------------------------------------------------------------
# Normalisation and clauses

_REWRITES = [
    (r"[\u2018\u2019\u02bc`\u00b4]", "'"),
    (r"\b(?:can ?not|can'?t|cant|couldn'?t|couldnt)\b", "cannot"),
    (r"\b(?:not|isn'?t|isnt|aren'?t|arent|am not|wasn'?t|wasnt) able to\b", "unable to"),
    (r"\bwon'?t\b|\bwont\b", "will not"),
    (r"\b(do|does|did|is|are|was|were|has|have|had)(?:n'?t|nt)\b", r"\1 not"),
    (r"\b(?:i'm|im)\b", "i am"),
    (r"\s+", " "),
]
_REWRITES = [(re.compile(p), r) for p, r in _REWRITES]
# A clause ends at punctuation or where a contrast starts: "no trouble breathing, just my
# lip" and "no trouble breathing but my lip" both end the negation's reach.
_CLAUSE_BREAK = re.compile(r"\s*[,;:()\u2013\u2014]\s*|\s+-\s+|\s+(?=\b(?:but|however|though|although|except|just|only|whereas|yet)\b)")


def normalise(text: str) -> str:
    text = text.lower()
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text.strip()


@dataclass(frozen=True)
class _Clause:
    text: str
    earlier: str  # the clauses before it in its sentence
    question: bool  # its sentence ends with "?"

    def asserts(self, before: str) -> bool:
        """Whether words after `before` (the start of this clause) are asserted: not denied
        in this clause, and not only asked about as a risk in it or, in a question, earlier
        in the sentence ("what should I watch for after Botox, like trouble breathing?")."""
        if _negated(before) or SUPPOSITION.search(f"{self.earlier} {before}"):
            return False
        return not HYPOTHETICAL.search(f"{self.earlier} {before}" if self.question else before)


# How far back in its sentence a clause looks for words that frame it as a risk question
# or a supposition ("what should I watch for after Botox, like trouble breathing?"): more
# than any framing phrase needs, and a bound, so that a "sentence" of a thousand clauses
# ("w, w, w, ...") costs time linear in its length, not quadratic (issue 22).
EARLIER_REACH_CHARS = 240


@lru_cache(maxsize=512)  # a conversation re-triages its earlier messages with each follow-up
def clauses(text: str) -> tuple[_Clause, ...]:
    out = []
    for sentence in re.split(r"(?<=[.!?\n])", normalise_keep_lines(text)):
        question = sentence.rstrip().endswith("?")
        earlier: deque[str] = deque()  # the sentence's last clauses, EARLIER_REACH_CHARS at most
        reach = 0
        for part in _CLAUSE_BREAK.split(sentence.strip(" .!?\n")):
            part = part.strip()
            if not part:
                continue
            out.append(_Clause(part, " ".join(earlier), question))
            earlier.append(part)
            reach += len(part) + 1
            while reach > EARLIER_REACH_CHARS and len(earlier) > 1:
                reach -= len(earlier.popleft()) + 1
    return tuple(out)


def normalise_keep_lines(text: str) -> str:
    """normalise(), but line breaks survive as sentence ends."""
    return "\n".join(normalise(line) for line in text.splitlines())


# ---------------------------------------------------------------------------------------
# Word groups. Each tolerates inflection (\w*) and the misspellings patients make.

DIFFICULTY = (
    r"trouble|troubl\w*|difficult\w*|dificult\w*|hard|harder|problems?|struggl\w*|cannot|unable( to)?|barely|"
    r"hardly|impossible|labou?red|effort|hard work"
)
BREATHE = r"br[ea]{1,2}th\w*|breth\w*|air"
SWALLOW = r"sw[aou]l+[aou]w?\w*|swal+ow\w*"
SPEAK = r"speak\w*|spe+ch|talk\w*"
VISION = r"vis[io]{1,2}n\w*|eyesight|sight|eyes?|see|seeing"
THROAT_TONGUE = r"thr[oa]{1,2}t\w*|t[ou]ng\w*|toung\w*|airway"
SWELLING = r"swel+\w*|swol+en|puff\w*|clos\w*|tight\w*|thick\w*|huge|bigger"
# Skin colour that signals blocked blood flow after filler (a bruise is excluded below).
SKIN_COLOUR = (
    r"white|whitish|pale|blanch\w*|blue|bluish|blueish|gr[ae]y|greyish|grayish|dusky|ashen|mottl\w*|"
    r"blotch\w*|lacy|lace|net|web|marbl\w*|livedo"
)
SEVERE = (
    r"severe|excruciat\w*|unbearable|intense|extreme|terrible|worst|agoni\w*|horrible|awful|throbbing|killing|"
    r"so bad|really bad|so much|crying|(?:[89]|10) ?(?:out of|/) ?10"
)
PAIN = r"pain\w*|hurt\w*|ache|aching"
WORSE = r"worse|worsening|increasing|more and more|by the hour"
FOOD = r"food|drinks?|drinking|water|liquids?|fluids?|pills?|tablets?|saliva|spit"
STUCK = r"stuck|wrong way|wrong pipe|nose|go down|goes down|going down|get down|choke|chok\w*"
LIMBS = r"arms?|legs?|hands?|whole body|body|all over|everywhere|shoulders"
WEAK = r"weak\w*|heavy|wobbly|jelly|floppy|limp|numb|gave out|give out|giving out|gave way|giving way"


def near(a: str, b: str, gap: int = 3) -> str:
    """a and b within gap words of each other, in either order."""
    between = rf"(?:\W+\w+){{0,{gap}}}?\W+"
    return rf"\b(?:{a})\b{between}\b(?:{b})\b|\b(?:{b})\b{between}\b(?:{a})\b"


E, S = Urgency.EMERGENCY, Urgency.SAME_DAY
# (urgency, sign, pattern). Order only decides which sign is named first.
PATTERNS: list[tuple[Urgency, str, str]] = [
    # Distant spread of botulinum toxin (FDA boxed warning)
    (E, "trouble breathing", near(DIFFICULTY, BREATHE)),
    (E, "trouble breathing", r"short(?:ness)? of br[ea]{1,2}th|catch my br[ea]{1,2}th|wheez\w*|gasp\w*|suffocat\w*|"
        r"enough air|" + near(r"chest", r"tight\w*", 2)),
    (E, "trouble swallowing", near(DIFFICULTY, SWALLOW)),
    (E, "trouble swallowing", near(FOOD, STUCK, 6) + r"|\bchok(?:e|es|ed|ing)\b|"
        + near(DIFFICULTY, r"(?:get|keep|force) (?:\w+ ){0,2}down", 2)),
    (E, "trouble speaking", near(DIFFICULTY, SPEAK) + r"|\bslur\w*|\bslurr\w*|garbl\w*|mumbl\w*|sound(?:s|ed)? drunk"),
    (E, "hoarse voice", r"\bhoarse\w*|\bhorse voice|" + near(r"voice", r"hoarse|raspy|croaky|gone|lost|weak\w*|chang\w*|different|quiet", 3)),
    (E, "double or blurred vision", r"doubl\w* (?:vis[io]{1,2}n|visoin)|(?:see|seeing|sees) (?:double|two of)|two of everything|"
        r"(?:look|looks|looking|are|is) doubled|" + near(r"blur\w*|fuzzy|foggy|cloudy|hazy", VISION + r"|everything|things|read\w*", 3) + "|"
        + near(r"eyes?", r"(?:cannot|will not|do not|does not|unable to) focus", 2)),
    (E, "drooping eyelids that spread", near(r"both(?: of)?(?: my)? (?:eye ?)?lids|both(?: my)? eyes|eyelids", r"droop\w*|clos\w*|fall\w*|shut", 5)),
    (E, "weakness spreading beyond the treated area",
        near(WEAK, LIMBS, 4) + "|" + near(r"weak\w*", r"spread\w*|all over|everywhere", 8) + "|"
        + near(DIFFICULTY, r"(?:lift|raise|move|hold|grip)\w*(?: up)?(?: my)? (?:arms?|legs?|head|hands?|a cup|things)|climb\w*|grip\w*|stand\w*|walk\w*", 3) + "|"
        + r"\bhold (?:my )?head up\b"),
    (E, "loss of bladder control", near(r"bladder|pee\w*|urin\w*|wee|wetting|wet myself", r"control\w*|leak\w*|cannot hold|hold|wet\w*|myself", 4)
        + r"|incontinen\w*"),
    # Allergic reaction
    (E, "throat or tongue swelling", near(THROAT_TONGUE, SWELLING, 4)),
    (E, "hives all over", near(r"hives|welts|rash\w*|itch\w*", r"all over|everywhere|whole body|my body|spreading", 4)),
    (E, "fainting", r"\bfaint\w*|passed out|pass out|passing out|blacked out|black out|collaps\w*|lost consciousness"),
    (E, "allergic reaction", r"anaphyla\w*"),
    # Filler injected into a blood vessel
    (E, "sudden vision loss", near(r"eyes?|vis[io]{1,2}n|sight", r"dark|black|blind|gr[ae]y|gone|went out|lost|losing|loss|spot|blob|shadow|curtain", 6)
        + r"|(?:cannot|unable to|barely|hardly) see (?:out of|anything|properly|clearly|well|straight|with|from|through)|"
        r"(?:cannot|unable to|barely|hardly) see$|\bblind\w*"),
    (E, "skin turning white, blue or dusky", near(r"turn\w*|went|going|gone|goes|became|become|becoming|look\w*|is|are|got|getting|has",
        SKIN_COLOUR, 3) + r"|\b(?:lacy|net-like|web-like|mottled|marbled|livedo)\b"),
    (E, "severe pain after filler", near(SEVERE, PAIN, 6) + "|" + near(PAIN, WORSE, 15)),
    # Infection: the lower tier
    (S, "fever or chills", r"\bfever\w*|temperature|\bchills\b|shiver\w*|\bsweats\b"),
    (S, "pus or discharge", r"\bpus\b|\bpuss\b|ooz\w*|discharg\w*|yellow (?:stuff|head|fluid|crust)|weeping|abscess"),
    (S, "spreading redness", near(r"red\w*|swel\w*|swol+en|warm|hot", r"spread\w*|bigger|growing|expanding|every day|worse", 8)
        + r"|red (?:streaks?|lines?)|(?:hot|warm) to (?:the )?touch"),
]
_COMPILED = [(u, sign, re.compile(p)) for u, sign, p in PATTERNS]

# What undoes a match before it in its clause ...
NEGATION = re.compile(r"\b(?:no|not|never|without|nothing|none|nor|neither|denies|deny|free of|zero)\b")
# ... except these, which add rather than deny ("not just my lip", "no longer able to").
NOT_NEGATION = re.compile(
    r"\b(?:not just|not only|no longer|not sure|no idea|do not know|did not know|not know|not getting better|"
    r"not improving|no better|(?:will|do|does|did|would|is|are) not (?:focus|go|open|close|stop|move|work|come|stay|lift|hold))\b"
)
NEGATION_REACH = 5  # words between the negation and the match
# A sentence that only asks about a risk describes no symptom.
HYPOTHETICAL = re.compile(
    r"\b(?:risks?|chances?|possib\w* (?:to|for|of)|what if|in case|signs? of|symptoms? of|warning signs?|"
    r"watch (?:out|for)|look out|worried about|afraid of|scared of|fear of|frightened of|nervous about|prevent|"
    r"avoid|how rare|how common|does (?:that|this|it) happen|ever happen|in the future|if i ever|"
    r"what (?:should|do|would|will) i do if|what happens if|"
    r"(?:can|could|does|do|will|would|might|may) (?:\w+ ){0,12}(?:cause|lead to|give|result in|make))\b"
)
# ... and these frame a whole sentence as a supposition, question or not ("what should I
# do if I ever had a reaction, like if my throat swelled up").
SUPPOSITION = re.compile(r"\b(?:what (?:should|do|would|will) i do if|if i ever|what happens if|what if|in case)\b")
# Words that show a colour or a pain is local and ordinary: a bruise, needle marks, dark
# circles under the eyes, a headache.
ORDINARY_CONTEXT = {
    "skin turning white, blue or dusky": re.compile(r"\bbruis\w*|\bdots?\b|\bdark circles\b"),
    "sudden vision loss": re.compile(r"\bdark circles\b|\bbags\b|\bbruis\w*|\b(?:under|around|below) (?:my |the )?eyes?\b"),
    "severe pain after filler": re.compile(r"\bhead\w*|\bmigraine"),
}


@lru_cache(maxsize=512)  # a follow-up re-reads the messages before it
def pattern_flags(message: str) -> tuple[RedFlag, ...]:
    flags = []
    for clause in clauses(message):
        for urgency, sign, pattern in _COMPILED:
            for match in pattern.finditer(clause.text):
                if not clause.asserts(clause.text[: match.start()]):
                    continue
                ordinary = ORDINARY_CONTEXT.get(sign)
                if ordinary and ordinary.search(clause.text):
                    continue
                flags.append(RedFlag(urgency, sign, "pattern", match.group(0)))
                break
    return tuple(flags)


def _negated(before: str) -> bool:
    words = before.split()[-NEGATION_REACH - 1 :]
    window = " ".join(words)
    return bool(NEGATION.search(NOT_NEGATION.sub(" ", window)))


@lru_cache(maxsize=512)  # asked for the encoder, then for the evidence, and again for follow-ups
def asserted_clauses(message: str) -> tuple[str, ...]:
    """The clauses of a message minus what it denies or only asks about."""
    out = []
    for clause in clauses(message):
        if SUPPOSITION.search(clause.earlier) or (clause.question and HYPOTHETICAL.search(clause.earlier)):
            continue
        text = clause.text
        # Cut at the first negation or risk question: what follows it is not asserted.
        masked = NOT_NEGATION.sub(lambda m: "_" * len(m.group(0)), text)
        cuts = [m.start() for m in (NEGATION.search(masked), HYPOTHETICAL.search(text)) if m]
        text = text[: min(cuts)] if cuts else text
        if len(text.split()) >= 2:
            out.append(text.strip())
    return tuple(out)


# ---------------------------------------------------------------------------------------
# Semantic evidence

# Emergencies as patients and clinicians describe them (one sign per line) ...
EMERGENCY_DESCRIPTIONS = [
    "I can't breathe properly and I'm struggling to get air in",
    "I'm short of breath and wheezing",
    "I have trouble swallowing, food and drink get stuck in my throat",
    "I choke when I drink and liquid comes back out of my nose",
    "my speech is slurred and my words come out wrong",
    "my voice has gone hoarse and weak",
    "I have double vision and see two of everything",
    "my vision is blurred and my eyes will not focus",
    "both my eyelids are drooping and I can't keep my eyes open",
    "the weakness is spreading to my arms and legs",
    "my whole body feels weak and I can't hold my head up",
    "I have lost control of my bladder",
    "my throat and tongue are swelling up",
    "I have hives all over my body and my face is swelling",
    "I fainted and feel like I'm going to pass out",
    "my lips and face are swelling and I feel dizzy and faint",
    "I suddenly lost the vision in one eye after filler",
    "there is a dark spot in my vision since the filler",
    "the skin near my filler turned white and then blue",
    "the skin around the filler looks dusky, mottled and grey",
    "severe pain after my filler that keeps getting worse",
    # the same signs in lay words
    "my tongue feels too big and thick for my mouth",
    "it feels like something is stuck in my throat and I can't get it down",
    "I'm gagging and drooling because I can't swallow my own saliva",
    "I can't take a deep breath and my chest feels heavy",
    "I see ghost images and everything has a shadow copy next to it",
    "my neck is too weak to support my head",
    "my face and lips are ballooning up",
    "I feel like I'm going to black out",
    "the skin around the filler has gone a strange colour and feels cold",
]
# ... and the ordinary, local effects of these treatments that must not raise the alarm.
ORDINARY_DESCRIPTIONS = [
    "my lip feels weak and droops after Botox",
    "my smile is uneven and crooked after Botox",
    "my eyebrow droops after Botox in my forehead",
    "one eyelid is slightly heavy after forehead Botox",
    "I drool a little when I drink since the Botox",
    "I can't drink through a straw or whistle after a lip flip",
    "I have a bruise where the needle went in",
    "my lips are swollen and lumpy after lip filler",
    "there is a lump where the filler was injected",
    "my lip feels numb and tingly after filler",
    "I have a mild headache after Botox",
    "the injection site is tender and a little sore",
    "my Botox didn't work and my lines are still there",
    "how long does Botox last before it wears off",
    "my forehead feels tight and heavy after Botox",
    "my jaw feels weak when I chew after masseter Botox",
    "small red dots at the injection points",
    "I feel a bit tired after the injections",
    "swelling and puffiness under my eyes after tear trough filler",
    # saying what is fine
    "my vision is fine and my breathing is normal",
    "I can swallow, talk and breathe without any problem",
    # signs of infection: the lower tier, told apart from emergencies
    "the injection site is red, warm, swollen and oozing pus",
    "I have a fever and the area around the filler is red and spreading",
]


# A clause counts as an emergency when its best similarity to an emergency description is
# at least SEMANTIC_THRESHOLD and beats its best similarity to an ordinary effect by
# SEMANTIC_MARGIN. Chosen on the development sets (bench/redflags_dev.json, _dev_b.json)
# by a grid (threshold 0.55-0.70 by 0.02, margin 0-0.15): the pair with the most
# emergencies found by this evidence alone and no false alarm. It finds 25 of their 80
# emergencies on its own: a backstop for phrasings no pattern knows.
# all-MiniLM-L6-v2 cannot tell "my vision is fine" from "my vision is blurred", so a
# looser setting only trades false alarms for what the patterns already catch.
SEMANTIC_THRESHOLD = 0.66
SEMANTIC_MARGIN = 0.12
# The int8 encoder's similarities differ slightly; the same grid and rule on the same sets
# (python -m bench.tune_red_flags --precision int8) choose a wider margin: with 0.12 one
# development message that is not an emergency was flagged; with 0.15, none (23 found).
SEMANTIC_SETTINGS = {"int8": (0.66, 0.15)}


class RedFlagDetector:
    """Triage for messages. Without an embedder only the patterns are used. threshold and
    margin default to the values chosen for the embedder's precision."""

    def __init__(self, embedder: Embedder | None = None, threshold: float | None = None, margin: float | None = None):
        self.embedder = embedder
        chosen = SEMANTIC_SETTINGS.get(getattr(embedder, "precision", None), (SEMANTIC_THRESHOLD, SEMANTIC_MARGIN))
        self.threshold = chosen[0] if threshold is None else threshold
        self.margin = chosen[1] if margin is None else margin
        if embedder is not None:
            self._emergency = embedder.encode(EMERGENCY_DESCRIPTIONS)
            self._ordinary = embedder.encode(ORDINARY_DESCRIPTIONS)

    def texts_to_encode(self, messages: Sequence[str]) -> list[str]:
        """What the semantic evidence encodes: the messages' asserted clauses (none without
        an encoder). A caller may encode them in one batch with its own texts."""
        if self.embedder is None:
            return []
        return [c for m in messages for c in asserted_clauses(m)]

    def semantic_scores(self, messages: Sequence[str], vectors: np.ndarray | None = None) -> list[tuple[str, float, float]]:
        """(clause, best similarity to an emergency, best similarity to an ordinary effect)
        for every asserted clause of the messages. vectors: texts_to_encode(messages), encoded."""
        parts = self.texts_to_encode(messages)
        if not parts:
            return []
        if vectors is None:
            vectors = self.embedder.encode(parts)
        emergency = (vectors @ self._emergency.T).max(axis=1)
        ordinary = (vectors @ self._ordinary.T).max(axis=1)
        return [(p, float(e), float(o)) for p, e, o in zip(parts, emergency, ordinary)]

    def assess(self, *messages: str, vectors: np.ndarray | None = None) -> Triage:
        """The red flags of one message, or of several read together (a follow-up with
        the messages it leans on): the most urgent decides."""
        flags = [f for m in messages for f in pattern_flags(m)]
        for clause, emergency, ordinary in self.semantic_scores(messages, vectors):
            if emergency >= self.threshold and emergency - ordinary >= self.margin:
                flags.append(RedFlag(Urgency.EMERGENCY, "resembles an emergency description", "semantic", clause))
        if not flags:
            return NO_RED_FLAGS
        flags.sort(key=lambda f: -f.urgency.rank)
        return Triage(flags[0].urgency, tuple(flags))
