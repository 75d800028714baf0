"""What the costliest request within the documented bounds costs, against an ordinary one.

    python -m bench.bench_request_cost [--rounds 3]

A request to /ask may hold ASSISTANT_MAX_TURNS messages of ASSISTANT_MAX_MESSAGE_CHARS
each, and every turn is answered. Issue 22 found a conversation of one ordinary message
and 49 crafted ones ("w,w,w,...?", 1,999 characters) that cost 30 s of CPU, against 0.52 s
for 50 ordinary turns. This times, in turn, in one process (the real model, one compute
thread as the server gives each reply):

- 50 ordinary turns (the development set's questions), answered as /ask answers them;
- the crafted conversation of issue 22 and other shapes built to be costly;
- single messages of the longest allowed length in many shapes: the triage alone
  (patterns and clauses) and the whole reply.

The target: the costliest conversation at most 3x the ordinary one; triage time linear
in the length of a message (a few milliseconds for 2,000 characters).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from assistant import red_flags
from assistant.red_flags import RedFlagDetector
from assistant.service import Assistant
from assistant.settings import Settings

from .common import DEVSET, print_table, write_result

MAX_CHARS = Settings.max_message_chars
MAX_TURNS = Settings.max_turns


def filled(unit: str, end: str = "?") -> str:
    """unit repeated to the longest message allowed, ending with end."""
    body = (unit * (MAX_CHARS // len(unit) + 1))[: MAX_CHARS - len(end)]
    return body + end


# Shapes meant to be costly for each step: clause splitting (commas), negation and risk
# windows, the near() patterns, sentence splitting, the tokenizer, long words.
SHAPES = {
    "w, w, w (issue 22)": filled("w,"),
    "c,e,h, alternating": filled("c,e,h,"),
    "words and spaces": filled("ab "),
    "one long word": filled("a"),
    "sentences of one word": filled("I. "),
    "question marks": filled("?"),
    "lines": filled("x\n"),
    "negations": filled("no not never "),
    "risk words": filled("what if in case risk of "),
    "symptom words": filled("trouble breathing swallowing speaking "),
    "near-pattern bait": filled("hard hard hard breathe "),
    "colour words": filled("turned white blue grey "),
    "pain words": filled("severe pain worse "),
    "commas and risk": filled("what if, "),
    "non-ASCII": filled("é ü 漢字 "),
    "an ordinary long message": filled("My lip has been drooping since my Botox two weeks ago and I am worried. "),
}


def distinct_pairs() -> list[tuple[str, str]]:
    letters = "bcdfghjklmnpqrstvwxz"
    return [(a, b) for a in letters for b in letters][: MAX_TURNS - 1]


def random_words(seed: int) -> str:
    """Words of random letters: as many tokens as the encoder takes, nothing repeated."""
    rng = random.Random(seed)
    words = []
    while sum(len(w) + 1 for w in words) < MAX_CHARS:
        words.append("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 7))))
    return " ".join(words)[: MAX_CHARS - 1] + "?"


def clear_caches() -> None:
    """What triage remembers of messages it read (a follow-up re-reads them)."""
    red_flags.read.cache_clear()


def ordinary_messages() -> list[str]:
    dev = json.loads(DEVSET.read_text())
    questions = [q["message"] for q in dev["questions"]]
    return [questions[i % len(questions)] for i in range(MAX_TURNS)]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ordinary = ordinary_messages()
    conversations = {
        "50 ordinary turns": ordinary,
        "issue 22: 1 ordinary + 49 x 'w,' / 'c,' / 'e,' / 'h,'": [ordinary[0]]
        + [filled(u + ",") for u in "wceh" * 13][: MAX_TURNS - 1],
        # The same attack with no two messages alike (nothing is computed once for several).
        "1 ordinary + 49 distinct 'xy,' messages": [ordinary[0]] + [filled(f"{a}{b},") for a, b in distinct_pairs()],
        "1 ordinary + 49 distinct messages of random words": [ordinary[0]] + [random_words(seed) for seed in range(49)],
        "1 ordinary + 49 distinct symptom-word messages": [ordinary[0]] + [
            filled(f"{n} trouble breathing swallowing speaking ") for n in range(49)],
    }
    with tempfile.TemporaryDirectory() as work:
        assistant = Assistant(Settings(index_dir=Path(work) / "index", threads=1), log=lambda m: None)
        assistant.converse(ordinary[:5])  # warm up
        conversation_times: dict[str, list[float]] = {name: [] for name in conversations}
        triage_ms: dict[str, list[float]] = {name: [] for name in SHAPES}
        reply_ms: dict[str, list[float]] = {name: [] for name in SHAPES}
        for _ in range(args.rounds):
            for name, messages in conversations.items():  # in turn, each round
                clear_caches()
                conversation_times[name].append(timed(lambda m=messages: assistant.converse(m)))
            for name, text in SHAPES.items():
                patterns_only = RedFlagDetector(None)
                clear_caches()
                triage_ms[name].append(1000 * timed(lambda t=text: patterns_only.assess(t)))
                clear_caches()
                reply_ms[name].append(1000 * timed(lambda t=text: assistant.reply([t])))
    base = min(conversation_times["50 ordinary turns"])
    rows = [
        {"request": name, "best s": round(min(t), 3), "median s": round(sorted(t)[len(t) // 2], 3),
         "vs ordinary": round(min(t) / base, 2)}
        for name, t in conversation_times.items()
    ]
    print_table(f"/ask conversations of {MAX_TURNS} messages of up to {MAX_CHARS} characters (best of {args.rounds})", rows)
    single = [
        {"message shape (2,000 chars)": name, "triage ms": round(min(triage_ms[name]), 2),
         "reply ms": round(min(reply_ms[name]), 1)}
        for name in SHAPES
    ]
    print_table("One message of the longest length allowed (best of rounds)", single)
    worst = max(single, key=lambda r: r["reply ms"])
    print(f"costliest single message: {worst['message shape (2,000 chars)']!r}, reply {worst['reply ms']} ms, "
          f"triage {max(r['triage ms'] for r in single)} ms at most")
    write_result("request_cost", {"conversations": rows, "single": single})


if __name__ == "__main__":
    main()
