"""What a command is told, declared once as a frozen dataclass beside the code that uses it.

A field made with `option` or `argument` carries its help (and its flags) as
metadata; `strataqc.cli` reads the fields and makes the command's options, so
the command line only parses and delegates. A tuple field is a repeatable option.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def option(default: Any, help: str, *flags: str, **extra: Any) -> Any:
    """A field that is a command-line option; `flags` as typer takes them, `extra` as typer.Option's keywords."""
    meta = {"help": help, "flags": flags, "extra": extra, "argument": False}
    if isinstance(default, (list, dict, set)):
        raise TypeError("give a tuple (or None) as the default of an option, not a mutable value")
    return dataclasses.field(default=default, metadata=meta)


def argument(help: str, **extra: Any) -> Any:
    """A field that is a positional argument (required)."""
    return dataclasses.field(metadata={"help": help, "flags": (), "extra": extra, "argument": True})
