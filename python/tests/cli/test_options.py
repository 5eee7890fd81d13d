"""cli/base.py: a command's options are the fields of its dataclass, with the help declared beside them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from strataqc.cli import app
from strataqc.cli.base import parameters
from strataqc.options import argument, option


def test_every_option_of_every_command_has_help():
    group = typer.main.get_command(app)
    missing = {(name, param.name) for name, cmd in group.commands.items() for param in cmd.params
               if param.param_type_name == "option" and not param.help and param.name != "help"}
    assert missing == set()
    assert set(group.commands) >= {"run", "night", "history", "ack", "lineage", "resend-alerts", "generate", "load",
                                   "simulate", "migrate-tests"}


def test_a_field_without_help_is_refused_naming_it():
    @dataclass(frozen=True)
    class Bare:
        rows: int = 5

    with pytest.raises(TypeError, match=r"Bare\.rows has no help"):
        parameters(Bare)


@dataclass(frozen=True, kw_only=True)
class Echo:
    words: tuple[str, ...] = argument("words to print")
    times: int = option(1, "how many times")
    tag: tuple[str, ...] = option((), "a tag (repeat)", "--tag", "-t")
    where: Path | None = option(None, "a path")


def echo(opts: Echo) -> int:
    """Print the words."""
    print(opts)
    return 3 if opts.times > 1 else 0


def test_fields_become_arguments_repeatable_options_and_typed_options():
    from strataqc.cli.base import command

    tiny = typer.Typer()
    command("echo", echo, into=tiny)
    command("echo-again", echo, into=tiny)  # two commands: typer then takes the name as a subcommand
    done = CliRunner().invoke(tiny, ["echo", "a", "b", "--times", "2", "-t", "x", "--tag", "y", "--where", "p"])
    assert done.exit_code == 3, done.output
    assert done.output.strip() == repr(Echo(words=("a", "b"), times=2, tag=("x", "y"), where=Path("p")))
    done = CliRunner().invoke(tiny, ["echo", "a"])
    assert (done.exit_code, done.output.strip()) == (0, repr(Echo(words=("a",))))
    done = CliRunner().invoke(tiny, ["echo", "--times", "x", "a"])
    assert done.exit_code == 2 and "times" in done.output  # typer's own message for a value of the wrong type


def test_what_a_command_raises_is_one_line_and_exit_2(monkeypatch):
    from strataqc.cli.base import command

    def broken(opts: Echo) -> int:
        """Raise."""
        raise ValueError("no such thing")

    tiny = typer.Typer()
    command("broken", broken, into=tiny)
    command("echo", echo, into=tiny)
    monkeypatch.delenv("STRATAQC_DEBUG", raising=False)
    done = CliRunner().invoke(tiny, ["broken", "a"])
    assert done.exit_code == 2
    assert "ValueError: no such thing" in done.output and "Traceback" not in done.output
