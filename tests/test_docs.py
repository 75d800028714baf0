"""The README documents every command and setting a user can reach."""

from __future__ import annotations

import argparse
from dataclasses import fields

from assistant.cli import build_parser
from assistant.settings import ENV_PREFIX, Settings

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_and_its_options_are_in_the_readme():
    commands = subcommands()
    assert set(commands) == {"parse", "ingest", "ask", "eval", "serve"}
    for name, parser in commands.items():
        assert f"`{name}" in README, name
        for action in parser._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert flag in README, f"{name} {flag}"


def test_every_setting_is_in_the_readme():
    for f in fields(Settings):
        assert f"{ENV_PREFIX}{f.name.upper()}" in README, f.name
