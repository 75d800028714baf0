"""A deterministic synthetic corpus in the page format, recombined from the real pages.

    python -m bench.synth_corpus --answers 10000 --out bench/work/synth-10000 [--seed 7]

Titles, questions, headlines, answer sentences and attribution blocks are drawn from
the bundled pages; one word in most sentences is swapped for another corpus word so
that sentences (and so the encoder's work) are not mere repeats. Same seed, same files.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

from assistant.corpus.page_parser import DISCLAIMER_PREFIX
from assistant.corpus.reader import read_corpus
from assistant.index.chunking import sentence_spans

VOTE_LINE = "{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}"
DISCLAIMER = (
    f"{DISCLAIMER_PREFIX} and should not be relied upon as a substitute for medical advice you may "
    "receive from your physician. If you have a medical emergency, please call 911."
)
ANSWERS_PER_PAGE = (4, 13)
SENTENCES_PER_ANSWER = (1, 7)
WORD_SWAP_PROBABILITY = 0.8


def generate(answers: int, out: Path, seed: int = 7, source: Path = Path("corpus")) -> int:
    """Write pages holding `answers` answers in total under out; returns the number of pages."""
    rng = random.Random(seed)
    threads = read_corpus([source]).threads
    titles = [t.title for t in threads]
    question_sentences = [t.question[s:e] for t in threads for s, e in sentence_spans(t.question or "")]
    headlines = [a.headline for t in threads for a in t.answers if a.headline]
    sentences = [a.text[s:e] for t in threads for a in t.answers for s, e in sentence_spans(a.text)]
    vocabulary = sorted({w for s in sentences for w in re.findall(r"[A-Za-z]{4,}", s)})
    attributions = [
        [x for x in (a.author.name, a.author.title, _rating(a.author)) if x] for t in threads for a in t.answers
    ]

    out.mkdir(parents=True, exist_ok=True)
    written = pages = 0
    while written < answers:
        n = min(rng.randint(*ANSWERS_PER_PAGE), answers - written)
        lines = [f"{rng.choice(titles)} ({pages + 1})", ""]
        lines += [" ".join(_vary(rng.choice(question_sentences), rng, vocabulary) for _ in range(rng.randint(1, 4))), ""]
        lines += [f"Doctor Answers {n + rng.choice([0, 0, 0, 2])}", ""]
        for i in range(n):
            lines += [rng.choice(headlines), "", VOTE_LINE]
            body = [_vary(rng.choice(sentences), rng, vocabulary) for _ in range(rng.randint(*SENTENCES_PER_ANSWER))]
            cut = rng.randint(1, len(body))
            lines += [" ".join(body[:cut]), ""]
            if body[cut:]:
                lines += [" ".join(body[cut:]), ""]
            block = rng.choice(attributions)
            if block:
                lines += [*block, ""]
            if i == 2:
                lines += ["You might also like...", ""]
        lines.append(DISCLAIMER)
        (out / f"synth_{pages:06d}.txt").write_text("\n".join(lines), encoding="utf-8")
        written += n
        pages += 1
    return pages


def _vary(sentence: str, rng: random.Random, vocabulary: list[str]) -> str:
    if rng.random() > WORD_SWAP_PROBABILITY:
        return sentence
    words = sentence.split(" ")
    candidates = [i for i, w in enumerate(words[1:], start=1) if re.fullmatch(r"[A-Za-z]{4,}", w)]
    if candidates:
        words[rng.choice(candidates)] = rng.choice(vocabulary)
    return " ".join(words)


def _rating(author) -> str | None:
    if author.rating is None:
        return None
    reviews = f" {author.reviews} reviews" if author.reviews is not None else ""
    return f"{author.rating:.1f} out of 5 stars{reviews}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pages = generate(args.answers, args.out, args.seed)
    print(f"{pages} pages, {args.answers} answers in {args.out}")


if __name__ == "__main__":
    main()
