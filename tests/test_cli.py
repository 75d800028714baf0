"""The command line's own contract: exit codes and one-line errors (no model needed)."""

from __future__ import annotations

from assistant import cli

from .conftest import CORPUS


def test_an_unexpected_error_is_one_line_and_exit_3_with_the_traceback_on_request(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw\nsecond line")

    monkeypatch.setattr(cli, "read_corpus", broken)
    assert cli.main(["parse", str(CORPUS)]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert err == "error: unexpected RuntimeError: something nobody foresaw (run with --debug for the traceback)\n"
    assert cli.main(["--debug", "parse", str(CORPUS)]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and err.rstrip().endswith("(run with --debug for the traceback)")
