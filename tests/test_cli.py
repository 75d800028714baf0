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


def test_a_busy_port_is_one_line_naming_the_option_before_the_model_loads(tmp_path):
    import socket
    import time

    from assistant import wording

    from .conftest import run_cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.perf_counter()
        proc = run_cli("serve", "--port", str(port), "--index-dir", str(tmp_path / "i"), timeout=120)
    assert proc.returncode == cli.EXIT_FAILED
    assert proc.stderr == f"error: {wording.PORT_IN_USE.format(port=port, host='127.0.0.1')}\n"
    assert "GRADIO_SERVER_PORT" not in proc.stderr and "Traceback" not in proc.stderr
    assert time.perf_counter() - started < 30  # refused before the model and index load
