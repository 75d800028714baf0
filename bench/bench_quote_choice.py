"""What choosing quotes by the message's ask costs each reply, measured side by side in one run.

    python -m bench.bench_quote_choice [--rounds 3]

Every conversation of the quote sets is answered per round, interleaved, with the chooser
as shipped and with the chooser before it (assistant.evaluation.quotes.baseline_chooser): the difference
is the chooser's own work. The asking words are encoded in the same encoder call as the
search query and the triage clauses; what that one extra text costs is timed as that
call with and without it, also interleaved.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from assistant.evaluation.quotes import baseline_chooser
from assistant.reply.conversation import resolve
from assistant.reply.question_focus import focus_of
from assistant.reply.quoting import choose_span
from assistant.service import Assistant
from assistant.settings import Settings

from .common import latency_rows, peak_rss_mib, print_table, timed_ms, write_result

SETS = [Path("bench/quotes_dev.json"), Path("bench/quotes_dev_b.json"), Path("bench/quotes_heldout.json")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    conversations = [item["messages"] for path in SETS for item in json.loads(path.read_text())["items"]]
    with tempfile.TemporaryDirectory() as work:
        assistant = Assistant(Settings(index_dir=Path(work) / "index", threads=1), log=lambda m: None)
        encode, knows = assistant.embedder.encode, assistant.index.passage_lexical.knows
        names = ("reply, chooser as shipped", "reply, chooser before", "encoder call with the ask", "encoder call without it")
        times: dict[str, list[float]] = {name: [] for name in names}
        for messages in conversations[:10]:  # warm up
            assistant.reply(messages)
        for _ in range(args.rounds):
            for messages in conversations:
                times[names[0]].append(timed_ms(lambda: assistant.reply(messages, chooser=choose_span)))
                times[names[1]].append(timed_ms(lambda: assistant.reply(messages, chooser=baseline_chooser)))
                parts = [text for text, _ in resolve(messages, knows)[-1].parts]
                clauses = assistant.red_flags.texts_to_encode([messages[-1]])
                ask = focus_of(parts[-1], assistant.retriever.is_background).text
                times[names[2]].append(timed_ms(lambda: encode([*parts, ask, *clauses])))
                times[names[3]].append(timed_ms(lambda: encode([*parts, *clauses])))
    rows = latency_rows(times, names[1])
    print(f"{len(conversations)} conversations x {args.rounds} rounds, one compute thread, encoder {assistant.embedder.precision}")
    print_table("Quote choice: time per reply", rows)
    print(f"peak RSS {peak_rss_mib():.0f} MiB")
    write_result("quote_choice", {"conversations": len(conversations), "rounds": args.rounds, "rows": rows})


if __name__ == "__main__":
    main()
