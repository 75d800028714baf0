"""What kind of answer a question asks for, and what kind of statement a sentence makes.

"Will my lip paralysis go away?" asks for a prognosis; "the muscle relaxation you have
from the Botox is temporary" is one, "you should exercise and move your lips" is advice.
Both are about the topic, so topic similarity cannot tell them apart; the shape of the
question and of the sentence can. No kind names a topic: the same words serve a corpus
of Botox answers and one of health pages ("how long does the flu last?").

ranking.py uses the match between the two as evidence that an answer answers.
"""

from __future__ import annotations

import re
from enum import Enum


class AnswerType(str, Enum):
    DURATION = "duration"  # how long, when
    PROGNOSIS = "prognosis"  # will it go away, is it permanent, will it come back
    CAUSE = "cause"  # why, what caused it
    REMEDY = "remedy"  # what can I do, how is it treated, should I
    AMOUNT = "amount"  # how much, how many units, cost
    NORMAL = "normal"  # is this normal, common, dangerous
    LOCATION = "location"  # which muscle, where
    DEFINITION = "definition"  # what is it, symptoms of


_QUESTION = {
    AnswerType.DURATION: r"how long|how soon|how many (?:days|weeks|months|years)|when (?:will|does|do|can|should|is)|"
                         r"until when|how quickly|last\b|wear off|kick in",
    AnswerType.PROGNOSIS: r"go away|going away|goes away|permanent\w*|forever|for good|wear off|fix itself|get better|"
                          r"improve|recover\w*|come back|return|reversible|revers\w*|resolve|heal|stuck (?:like|with)|"
                          r"will (?:it|this|that|my|the) (?:ever |still )?(?:go|get|be|stay|last|come|move|look|return)",
    AnswerType.CAUSE: r"\bwhy\b|what caus\w*|cause[sd]?\b|reason|how come|what happened|what went wrong|due to|"
                      r"how (?:did|could) (?:this|it|that)|because of",
    AnswerType.REMEDY: r"what (?:can|should|do) i do|what to do|how (?:can|do|should) i (?:fix|treat|correct|get|speed|stop|help)|"
                       r"\bfix\w*|treat\w*|cure|correct\w*|remed\w*|speed (?:it )?up|faster|anything (?:i|to|that)|"
                       r"should i|can i|is there (?:a|any)|help\b|dissolv\w*|reverse|exercis\w*|massag\w*|options?",
    AnswerType.AMOUNT: r"how much|how many units|units|\bcost|price|dose|dosage|how many (?:ml|cc|syringes)",
    AnswerType.NORMAL: r"is (?:this|it|that) (?:normal|common|usual|ok|okay|safe|dangerous|serious|bad)|normal\b|common\b|"
                       r"should i (?:be )?worr\w*|dangerous|serious|safe\b|side effect",
    AnswerType.DEFINITION: r"^what (?:is|are)\b|what does .{0,30} mean|symptoms? of|signs? of|types? of",
    AnswerType.LOCATION: r"which (?:muscle|area|part|nerve|spot)|what (?:muscle|area|part|nerve)|\bwhere\b|what got hit",
}
_STATEMENT = {
    AnswerType.DURATION: r"\b\d+\s*(?:-|to|or)?\s*\d*\s*(?:days?|weeks?|months?|years?|hours?)\b|"
                         r"\b(?:a few|several|couple of|one|two|three|four|six|twelve) (?:days|weeks|months|years)\b|"
                         r"wears? off|will last|lasts?\b|usually takes|within",
    AnswerType.PROGNOSIS: r"temporar\w*|not permanent|never (?:been )?permanent|permanent\w*|go away|goes away|"
                          r"will (?:resolve|improve|return|recover|come back|wear off|go away|get better|settle|fade)|"
                          r"resolv\w*|full (?:movement|recovery|function)|back to normal|reversible|recover\w*|improv\w*",
    AnswerType.CAUSE: r"because|due to|caused? by|the cause|result(?:ed|s)? (?:of|from)|reason|likely|probably|"
                      r"spread|migrat\w*|diffus\w*|affect(?:ed|ing|s)?|injected (?:too|into|in)|placement|placed",
    AnswerType.REMEDY: r"\bshould\b|recommend\w*|suggest\w*|(?:can|could) (?:be )?(?:treated|fixed|corrected|helped|"
                       r"dissolved|injected|balanced)|hyaluronidase|exercis\w*|massag\w*|\bwait\b|see (?:your|a|an)|"
                       r"consult|follow.?up|touch.?up|treatment|option|try|nothing (?:you|i|we) can do|there is no way|"
                       r"avoid|do not|don'?t|important (?:not )?to|best (?:not )?to|make sure|need to|have to|must\b|"
                       r"keep (?:your|the)|stay (?:upright|up)|lie down|ice|cold compress|wait until|until (?:it|this) wears",
    AnswerType.AMOUNT: r"\b\d+\s*(?:units?|u|cc|ml|mg)\b|units|dose|\$\s*\d+|dollars|cost",
    AnswerType.NORMAL: r"\bnormal\b|\bcommon\b|uncommon|\brare\b|not unusual|expected|side effect|happens|complication|"
                       r"nothing to worry|not (?:dangerous|serious)|safe",
    AnswerType.DEFINITION: r"\bis an?\b|\bare\b .{0,20}\b(?:that|which)\b|refers to|means|symptoms? (?:include|are)",
    AnswerType.LOCATION: r"muscles?\b|\w+(?:is|us|or|ris|aris) (?:major|minor|oris|muscle)|zygomatic\w*|risorius|depressor|"
                         r"orbicularis|frontalis|procerus|corrugator|masseter|mentalis|platysma|levator|nerve|"
                         r"injected (?:into|in) the|placed (?:in|into|low|high|too)",
}
_QUESTION = {t: re.compile(p, re.IGNORECASE) for t, p in _QUESTION.items()}
_STATEMENT = {t: re.compile(p, re.IGNORECASE) for t, p in _STATEMENT.items()}
# A sentence is read once with each kind's pattern only until that kind is found; most
# sentences of a long health page make none, so every pattern runs: this is the cost
# (retrieval.Retriever keeps each sentence's kinds once found).


def asked_types(asking_words: str) -> frozenset[AnswerType]:
    """The kinds of answer the asking words of a message ask for (none: a statement)."""
    text = asking_words.strip()
    return frozenset(t for t, pattern in _QUESTION.items() if pattern.search(text))


def statement_types(sentence: str) -> frozenset[AnswerType]:
    """The kinds of statement a sentence makes."""
    return frozenset(t for t, pattern in _STATEMENT.items() if pattern.search(sentence))
