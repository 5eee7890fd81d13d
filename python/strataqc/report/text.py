"""Data values on their way to a terminal or a pull-request comment: control characters made visible."""

from __future__ import annotations

import re

# C0 controls (but tab and newline), DEL and C1: an ESC from the data would drive the reader's terminal
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: object) -> str:
    return _CONTROL.sub("\ufffd", "" if value is None else str(value))
