"""What red-flag triage adds to each reply, measured side by side in one run.

    python -m bench.bench_red_flags [--rounds 3]

Every message of the red-flag sets is answered twice per round, interleaved: by the
assistant as shipped (triage with patterns and semantic evidence) and by the same
assistant with triage switched off. The difference is what a patient waits for it.
The detector is also timed alone: given the encodings (its own work in a reply, where the
message and its clauses are encoded in one batch with the search), encoding them itself,
and with the patterns only.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from assistant.models import Triage
from assistant.red_flags import RedFlagDetector, read
from assistant.service import Assistant
from assistant.settings import Settings

from .common import latency_rows, peak_rss_mib, print_table, timed_ms, write_result

SETS = [Path("bench/redflags_dev.json"), Path("bench/redflags_dev_b.json"), Path("bench/redflags_heldout.json"),
        *sorted(Path("bench/redflags_train").glob("author_*.json"))]


class NoTriage:
    def texts_to_encode(self, messages) -> tuple[str, ...]:
        return ()

    def assess(self, *messages: str, vectors=None) -> Triage:
        return Triage(None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    messages = [m["text"] for path in SETS for m in json.loads(path.read_text())["messages"]]
    with tempfile.TemporaryDirectory() as work:
        assistant = Assistant(Settings(index_dir=Path(work) / "index", threads=1), log=lambda m: None)
        shipped, patterns = assistant.red_flags, RedFlagDetector(None)
        names = ("reply with triage", "reply without triage", "triage, encodings given", "detector with its encoding",
                 "patterns alone")
        times: dict[str, list[float]] = {k: [] for k in names}
        texts = list(dict.fromkeys(t for m in messages for t in shipped.texts_to_encode([m])))
        encoded = dict(zip(texts, assistant.embedder.encode(texts)))
        for message in messages[:10]:  # warm up
            assistant.reply([message])
        for _ in range(args.rounds):
            for message in messages:
                assistant.red_flags = shipped
                times["reply with triage"].append(timed_ms(lambda m: assistant.reply([m]), message))
                assistant.red_flags = NoTriage()
                times["reply without triage"].append(timed_ms(lambda m: assistant.reply([m]), message))
                read.cache_clear()  # each message read afresh, as a new message is
                times["triage, encodings given"].append(timed_ms(lambda m: shipped.assess(m, vectors=encoded), message))
                read.cache_clear()
                times["detector with its encoding"].append(timed_ms(shipped.assess, message))
                read.cache_clear()
                times["patterns alone"].append(timed_ms(patterns.assess, message))
    rows = latency_rows(times, "reply without triage")
    print(f"{len(messages)} messages x {args.rounds} rounds, one compute thread, encoder {assistant.embedder.precision}")
    print_table("Red-flag triage: time per message", rows)
    print(f"peak RSS {peak_rss_mib():.0f} MiB")
    write_result("red_flags", {"messages": len(messages), "rounds": args.rounds, "rows": rows})


if __name__ == "__main__":
    main()
