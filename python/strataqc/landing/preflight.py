"""Check a landing file before it is loaded: not empty, UTF-8, and the header the source promised.

The CSV reader maps columns by position, so a header with an extra, missing,
renamed, repeated or reordered column would load values under the wrong names
without a word. Such a file stops the load with an error naming the file, what
is wrong and what to do; nothing of the night is loaded. Problems inside data
lines (wrong field count, bad bytes, unreadable values) are not errors: those
lines are quarantined with a reason by the loader and the DWD layer.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "erp_skus.csv"
>>> _ = p.write_text("sku_id,sku_name,category,category\\n")
>>> header_problems(p, ["sku_id", "sku_name", "category", "base_price"])
['column category appears 2 times', 'missing column base_price']
"""

from __future__ import annotations

import codecs
import csv
from collections import Counter
from pathlib import Path

HEAD_BYTES = 65536  # a header longer than this is not a header


class LandingError(ValueError):
    """A landing file cannot be loaded as delivered; the message names it and says what to do."""


def _first_line(path: Path) -> bytes:
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    return head.split(b"\n", 1)[0].rstrip(b"\r")


def header_problems(path: Path, expected: list[str]) -> list[str]:
    """What is wrong with the file's header ([] when it is exactly `expected`)."""
    if path.stat().st_size == 0:
        return ["the file is empty (0 bytes, not even a header): the delivery was cut off"]
    line = _first_line(path)
    if line.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in line:
        return ["the file is not UTF-8 (it looks like UTF-16)"]
    line = line.removeprefix(codecs.BOM_UTF8)
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"the header is not UTF-8 (byte 0x{line[exc.start]:02x} at position {exc.start + 1})"]
    if not text.strip():
        return ["the first line is blank: expected the header"]
    got = [name.strip() for name in next(csv.reader([text]))]
    problems = [f"column {name} appears {n} times" for name, n in Counter(got).items() if n > 1]
    problems += [f"missing column {name}" for name in expected if name not in got]
    problems += [f"unexpected column {name or '(blank)'}" for name in dict.fromkeys(got) if name not in expected]
    if not problems and got != expected:
        problems.append("the columns are in another order")
    return problems


def check_files(files: list[tuple[Path, str, list[str]]]) -> None:
    """Raise one LandingError listing every file (path, name, expected columns) that cannot be loaded."""
    bad = []
    for path, name, expected in files:
        problems = header_problems(path, expected)
        if problems:
            bad.append(f"  {name}: " + "; ".join(problems) + f" (expected header: {','.join(expected)})")
    if bad:
        raise LandingError("cannot load the landing zone, nothing was loaded:\n" + "\n".join(bad)
                           + "\nRe-export each file listed as UTF-8 CSV with the expected header, or move it out "
                             "of the landing directory, then run the load again.")
