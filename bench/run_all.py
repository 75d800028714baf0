"""Every benchmark in order; tables on stdout, JSON under bench/results/. `make bench` runs this.

Takes about an hour on the 2-core reference machine, most of it encoding 10k answers twice
and the MEDIQA corpus (../shared/data/mediqa) for the comparison with the plain pipeline.
"""

from __future__ import annotations

import subprocess
import sys

STEPS = [
    ["bench.bench_search"],  # the bundled pages: warm latency, ingest
    ["bench.bench_red_flags"],  # what triage adds to each reply
    ["bench.bench_quote_choice"],  # what choosing quotes by the ask adds to each reply
    ["bench.bench_encoder"],  # bf16 against fp32, side by side
    ["bench.bench_ingest", "--answers", "1000", "10000", "--precision", "fp32", "bf16"],
    ["bench.bench_query", "--sizes", "1000", "10000", "100000"],
    ["bench.bench_scale", "--sizes", "1657", "4000"],  # against the plain pipeline on MEDIQA
    ["bench.bench_scale_replicated"],  # ... and at 20,000 answers (copies of the 4,000)
    ["bench.bench_app", "--users", "1", "16", "--duration", "60"],
]


def main() -> None:
    for step in STEPS:
        print(f"\n=== python -m {' '.join(step)}", flush=True)
        subprocess.run([sys.executable, "-m", *step], check=True)
    print("\n=== python -m assistant eval (fp32 and bf16)", flush=True)
    for precision in ("fp32", "bf16"):
        subprocess.run(
            [sys.executable, "-m", "assistant", "eval", "--index-dir", f"bench/work/eval-{precision}",
             "--devset", "bench/devset.json", "--redflags", "bench/redflags_dev.json", "bench/redflags_heldout.json",
             "--quotes", "bench/quotes_dev.json", "bench/quotes_heldout.json",
             "--json-out", f"bench/results/eval-{precision}.json"],
            check=True, env={**__import__("os").environ, "ASSISTANT_PRECISION": precision},
        )


if __name__ == "__main__":
    main()
