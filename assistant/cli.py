"""`python -m assistant`: argument parsing only; the work is done by the library."""

from __future__ import annotations

import argparse
import sys

from .corpus import read_corpus
from .jsonl import write_threads

EXIT_OK = 0
EXIT_SKIPPED = 1  # the command ran, but some input was skipped (reported on stderr)
EXIT_USAGE = 2  # argparse's own code for bad arguments
EXIT_FAILED = 3  # nothing could be done (message on stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse pages / JSONL files or folders; thread JSONL on stdout")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_parse)
    p = sub.add_parser("serve", help="start the browser chat")
    p.set_defaults(func=cmd_serve)
    return parser


def cmd_serve(args: argparse.Namespace) -> int:
    result = read_corpus(["corpus"])
    for problem in result.problems:
        print(problem, file=sys.stderr)
    answers = sum(len(t.answers) for t in result.threads)
    print(f"Parsed {len(result.threads)} pages with {answers} answers. The chat is not built yet; stopping here.")
    return EXIT_OK


def cmd_parse(args: argparse.Namespace) -> int:
    result = read_corpus(args.paths)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    write_threads(result.threads, sys.stdout)
    return EXIT_SKIPPED if result.skipped_any else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
