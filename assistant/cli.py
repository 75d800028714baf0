"""`python -m assistant`: parses arguments and calls the library; no logic of its own."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from assistant.corpus.jsonl import write_threads
from assistant.corpus.reader import read_corpus
from assistant.errors import AssistantError
from assistant.search.fusion import FusionMode
from assistant.settings import DEFAULT_CORPUS, Settings

EXIT_OK = 0
EXIT_SKIPPED = 1  # the command ran, but some input was skipped (reported on stderr)
EXIT_USAGE = 2  # argparse's own code for bad arguments
EXIT_FAILED = 3  # nothing could be done (message on stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant",
        description="Answers questions with physicians' quoted words only. Settings: ASSISTANT_* variables.",
    )
    parser.add_argument("--debug", action="store_true", help="on an unexpected error, print the traceback too")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse pages / JSONL files or folders; thread JSONL on stdout")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("ingest", help="build (or update) the index from pages / JSONL files or folders")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--index-dir", type=Path, help="index folder (default: embeddings/)")
    p.add_argument("--force", action="store_true", help="rebuild even if the index is up to date")
    p.add_argument(
        "--ray", nargs="?", const="", metavar="ADDRESS",
        help="encode through Ray Data on the cluster at ADDRESS (e.g. ray://head:10001, auto); alone: a local Ray",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="answer a message, or a conversation given as several messages")
    p.add_argument("messages", nargs="*", metavar="MESSAGE")
    p.add_argument("--index-dir", type=Path, help="index folder (default: embeddings/)")
    p.add_argument("--json", action="store_true", help="print JSON with every turn")
    p.add_argument("--batch", type=Path, metavar="FILE", help="one conversation (a JSON list of messages) per line")
    p.add_argument("-k", type=int, dest="top_k", help="quotes per reply (default 5)")
    p.add_argument("--fusion", help=f"{', '.join(m.value for m in FusionMode)} (default: {Settings.fusion})")
    p.add_argument("--specialty", metavar="TEXT", help="only physicians whose title has these words (e.g. 'plastic surgeon')")
    p.add_argument("--min-rating", type=float, metavar="X", help="only physicians rated at least X out of 5")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="search quality, red-flag triage and quote choice on labelled sets (name them)")
    p.add_argument("--devset", type=Path, metavar="FILE", help="search quality on a graded set (bench/devset.json, bench/heldout.json)")
    p.add_argument("--redflags", type=Path, nargs="+", default=[], metavar="FILE", help="red-flag sets (bench/redflags_*.json)")
    p.add_argument("--quotes", type=Path, nargs="+", default=[], metavar="FILE", help="span-labelled quote sets (bench/quotes_*.json)")
    p.add_argument(
        "--conversations", type=Path, nargs="+", default=[], metavar="FILE",
        help="sets of conversations with every answer graded (bench/blind/search_*.json): nDCG@5, first quote answers",
    )
    p.add_argument(
        "--graded", type=Path, metavar="DIR",
        help="a corpus with graded questions (threads.jsonl.gz and queries.json, e.g. ../shared/data/mediqa)",
    )
    p.add_argument("--graded-index", type=Path, metavar="DIR", help="index folder for it (default: <index-dir>/graded-<DIR name>)")
    p.add_argument("--off-topic", type=Path, metavar="FILE", help="off-topic messages whose abstention is checked with --graded")
    p.add_argument("--index-dir", type=Path)
    p.add_argument("--json-out", type=Path, help="also write the results as JSON")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the browser chat (same as `python app.py`)")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--index-dir", type=Path)
    p.set_defaults(func=cmd_serve)
    return parser


def cmd_parse(args: argparse.Namespace) -> int:
    result = read_corpus(args.paths, max_page_bytes=Settings.from_env().max_page_bytes)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    write_threads(result.threads, sys.stdout)
    return EXIT_SKIPPED if result.skipped_any else EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.encoders import create_embedder
    from assistant.service import ingest, resolved_sources

    settings = Settings.from_env(index_dir=args.index_dir)
    if args.ray is None:
        embedder = create_embedder(settings.precision, settings.threads)
    else:
        from assistant.encoders.ray_embedder import RayEmbedder

        embedder = RayEmbedder(args.ray or None, settings.precision)
    summary = ingest(args.paths, settings.index_dir, embedder, settings, force=args.force)
    state = "built" if summary.rebuilt else "already up to date"
    print(
        f"Index {state} at {summary.index_dir}: {summary.threads} threads, {summary.answers} answers, "
        f"{summary.passages} passages."
    )
    if settings.corpus_paths is not None and resolved_sources(args.paths) != resolved_sources(settings.corpus_paths):
        print(
            f"note: ASSISTANT_CORPUS_PATHS names another corpus ({':'.join(settings.corpus_paths)}), so ask and serve "
            f"will refuse this index; unset it, or set ASSISTANT_CORPUS_PATHS={':'.join(args.paths)}.",
            file=sys.stderr,
        )
    return EXIT_SKIPPED if any(p.skipped for p in summary.problems) else EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.models import AnswerFilter
    from assistant.reply.compose import turn_to_dict
    from assistant.reply.render import turn_to_text
    from assistant.service import Assistant

    if bool(args.messages) == bool(args.batch):
        print("ask: give MESSAGE... or --batch FILE (not both)", file=sys.stderr)
        return EXIT_USAGE
    if args.batch and not args.json:
        print("ask: --batch writes JSON; add --json", file=sys.stderr)
        return EXIT_USAGE
    for n, message in enumerate(args.messages, start=1):
        if not _is_text(message):
            print(f"ask: MESSAGE {n} is not valid UTF-8 text", file=sys.stderr)
            return EXIT_USAGE
    settings = Settings.from_env(index_dir=args.index_dir, top_k=args.top_k, fusion=args.fusion)
    answer_filter = AnswerFilter.of(args.specialty, args.min_rating)  # checked before the index loads
    assistant = Assistant(settings)
    mode = FusionMode.parse(settings.fusion)
    if args.batch:
        return _ask_batch(assistant, args.batch, mode, answer_filter)
    if args.json:
        turns = assistant.converse(args.messages, mode=mode, answer_filter=answer_filter)
        print(json.dumps({"turns": [turn_to_dict(t) for t in turns]}, ensure_ascii=False, indent=2))
    else:
        print(turn_to_text(assistant.reply(args.messages, mode=mode, answer_filter=answer_filter)))
    return EXIT_OK


def _ask_batch(assistant, path: Path, mode, answer_filter) -> int:
    from assistant.reply.compose import turn_to_dict

    status = EXIT_OK
    with path.open("rb") as f:  # decoded line by line: one bad line does not stop the rest
        for number, raw in enumerate(f, start=1):
            if not raw.strip():
                continue
            try:
                messages = json.loads(raw.decode("utf-8"))
                if not isinstance(messages, list) or not messages or not all(isinstance(m, str) for m in messages):
                    raise ValueError("expected a non-empty JSON list of strings")
                if not all(_is_text(m) for m in messages):
                    raise ValueError("a message is not valid UTF-8 text (a lone surrogate)")
            except UnicodeDecodeError as exc:
                print(f"{path}:{number}: error: not UTF-8 text (byte {exc.start}); line skipped", file=sys.stderr)
                print(json.dumps({"error": f"{path}:{number}: not UTF-8 text"}))
                status = EXIT_SKIPPED
                continue
            except ValueError as exc:
                print(f"{path}:{number}: error: {exc}; line skipped", file=sys.stderr)
                print(json.dumps({"error": f"{path}:{number}: {exc}"}))
                status = EXIT_SKIPPED
                continue
            turns = assistant.converse(messages, mode=mode, answer_filter=answer_filter)
            print(json.dumps({"turns": [turn_to_dict(t) for t in turns]}, ensure_ascii=False), flush=True)
    return status


def cmd_eval(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from assistant.evaluation.report import format_evaluation
    from assistant.evaluation.run import run_evaluation
    from assistant.service import Assistant

    if not (args.devset or args.redflags or args.quotes or args.conversations or args.graded):
        print("eval: name at least one set: --devset, --redflags, --quotes, --conversations or --graded "
              "(make eval runs the development sets)", file=sys.stderr)
        return EXIT_USAGE
    settings = Settings.from_env(index_dir=args.index_dir)
    # The labelled sets grade the bundled pages' answers: evaluate an index of those.
    settings = settings.with_(corpus_paths=settings.corpus_paths or DEFAULT_CORPUS)
    result = run_evaluation(
        Assistant(settings), devset=args.devset, red_flags=args.redflags, quotes=args.quotes,
        conversations=args.conversations, graded=args.graded, graded_index=args.graded_index, off_topic=args.off_topic,
    )
    print(format_evaluation(result))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(asdict(result), indent=2))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.web.server import serve

    settings = Settings.from_env(host=args.host, port=args.port, index_dir=args.index_dir)
    serve(settings)
    return EXIT_OK


def _is_text(value: str) -> bool:
    """Whether a string can be written as UTF-8 (a lone surrogate from a bad argument cannot)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug or an unforeseen condition: one line, not a traceback
        if args.debug:
            traceback.print_exc()
        first = str(exc).splitlines()[0] if str(exc) else ""
        print(f"error: unexpected {type(exc).__name__}: {first[:300]} (run with --debug for the traceback)", file=sys.stderr)
        return EXIT_FAILED
