"""qc-report: generate and load the demo landing zone, merge a night's results.

Exit codes of `run` and `night`:

\b
  0  every check passed the --fail-on bar (and alerts, if any, were delivered)
  1  a check failed at the --fail-on level (error: fail/error; warn: also warn)
  2  StrataQC itself could not run (no or corrupt dbt artifacts, warehouse unreachable or locked
     past --lock-wait, unknown --select model, unwritable report path, bad profile or alert config)
  3  alerts could not be delivered (kept in the spool file); wins over 1 and 2 because nobody was told
  (a report that went out while its history could not be stored exits 2)
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from typing import Annotated, Any, Callable

import typer

from strataqc.exits import guarded
from strataqc.logs import setup_logging

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__, rich_markup_mode=None)


def parameters(options: type) -> list[inspect.Parameter]:
    """One typer parameter per field of the options dataclass: help, flags and kind from its metadata."""
    hints = typing.get_type_hints(options)
    out = []
    for f in dataclasses.fields(options):
        if not f.metadata.get("help"):
            raise TypeError(f"{options.__name__}.{f.name} has no help: declare it with strataqc.options.option")
        hint, default, argument = hints[f.name], f.default, f.metadata["argument"]
        if typing.get_origin(hint) is tuple:  # repeatable: typer hands a list (None when not given)
            hint = list[typing.get_args(hint)[0]] if argument else list[typing.get_args(hint)[0]] | None
            default = None if default == () else default
        info = (typer.Argument if argument else typer.Option)(*f.metadata["flags"], help=f.metadata["help"],
                                                                **f.metadata["extra"])
        default = inspect.Parameter.empty if default is dataclasses.MISSING or default is ... else default
        out.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[hint, info],
                                     default=default))
    return out


def command(name: str, body: Callable[[Any], int], into: typer.Typer = app) -> None:
    """`qc-report NAME`: parse the fields of the dataclass `body` takes, then exit with what `body(options)` returns."""
    options = next(iter(typing.get_type_hints(body).values()))
    signature = inspect.Signature(parameters(options))
    hints = typing.get_type_hints(options)
    repeated = {f.name for f in dataclasses.fields(options) if typing.get_origin(hints[f.name]) is tuple}

    def parse_and_delegate(**values: Any) -> None:
        setup_logging()
        values = {k: tuple(v or ()) if k in repeated else v for k, v in values.items()}
        raise typer.Exit(guarded(lambda: body(options(**values))))

    parse_and_delegate.__signature__ = signature
    parse_and_delegate.__name__ = name.replace("-", "_")
    parse_and_delegate.__doc__ = body.__doc__
    into.command(name)(parse_and_delegate)
