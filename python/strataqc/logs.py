"""Progress and problems on stderr (the report owns stdout), every line passed through the run's redactor."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from typing import Any, Iterator

from rich.console import Console
from rich.markup import escape

log = logging.getLogger("strataqc")
stderr = Console(stderr=True, highlight=False)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (the report owns stdout)."""

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class MaskSecrets(logging.Filter):
    """Every log line passes the run's redactor: an engine or a plugin may echo a password or token."""

    redactor: Any = None

    def filter(self, record: logging.LogRecord) -> bool:
        if self.redactor is not None:
            record.msg, record.args = self.redactor.text(record.getMessage()), None
        return True


MASK_LOGS = MaskSecrets()


def setup_logging(verbose: bool = False) -> None:
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.addFilter(MASK_LOGS)
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(logging.DEBUG if verbose else logging.INFO)
    # apprise logs notification URLs at debug level: they may carry tokens
    logging.getLogger("apprise").setLevel(logging.ERROR)


def masked(text: str) -> str:
    return MASK_LOGS.redactor.text(text) if MASK_LOGS.redactor is not None else text


def cannot_run(exc: object) -> None:
    """One unwrapped line on stderr: paths and commands stay copy-pasteable."""
    stderr.print(f"[red]qc-report cannot run[/]: {escape(masked(str(exc)))}", soft_wrap=True, highlight=False)


def interactive() -> bool:
    """Spinners only for a person at a terminal; CI logs stay quiet."""
    return stderr.is_terminal and os.environ.get("CI", "").lower() not in ("1", "true", "yes")


@contextlib.contextmanager
def step(message: str) -> Iterator[None]:
    started = time.monotonic()
    if interactive():
        with stderr.status(message):
            yield
        stderr.print(f"[green]✓[/] {message} ({time.monotonic() - started:.1f}s)")
    else:
        yield
        log.info("%s (%.1fs)", message, time.monotonic() - started)
