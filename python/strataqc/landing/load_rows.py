"""Landing reader for engines without DuckDB's read_csv (PostgreSQL, Spark).

The file is parsed here with Python's csv module (every field as text, exactly
as DuckDB's reader keeps it: an empty field is '' not NULL), and the rows are
written with plain multi-row INSERTs that sqlglot transpiles to the engine. A
line whose field count is not the header's goes to `<schema>._rejects` with a
reason, as DuckDB's store_rejects does. Meant for the demo and nightly drops of
modest size; a production load on a server uses the engine's own bulk loader.
"""

from __future__ import annotations

import csv
from pathlib import Path

from strataqc.warehouse import Warehouse, literal, quote

BATCH = 500  # rows per INSERT: keeps one statement small enough for every parser


def read_lines(path: Path, width: int) -> tuple[list[list[str]], list[tuple[int, str, str]]]:
    """Fields of the good lines (in file order); (file line, reason, raw line) of the rest."""
    good, bad = [], []
    # surrogateescape keeps undecodable bytes visible per line instead of failing the whole file
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh, delimiter=",", quotechar='"', doublequote=True, strict=False)
        next(reader, None)  # the header: preflight has checked it already
        for fields in reader:
            raw = ",".join(fields)
            if any(_undecodable(f) for f in fields):
                bad.append((reader.line_num, "invalid UTF-8 byte sequence",
                            raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")))
            elif len(fields) == width:
                good.append(fields)
            else:
                bad.append((reader.line_num, f"expected {width} fields, found {len(fields)}", raw))
    return good, bad


def _undecodable(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _insert(wh: Warehouse, target: str, rows: list[list[str]]) -> None:
    """Rows of ready SQL literals, BATCH rows per statement."""
    for start in range(0, len(rows), BATCH):
        values = ", ".join("(" + ", ".join(row) + ")" for row in rows[start:start + BATCH])
        wh.execute(f"insert into {target} values {values}")


def read_csv_rows(wh: Warehouse, load) -> tuple[int, int]:
    """Reader for `strataqc.landing.load.READERS`: (rows loaded, rows rejected)."""
    columns = load.source.columns
    target = f"{quote(load.schema)}.{quote(load.source.table)}"
    loaded_at = load.loaded_at.isoformat(sep=" ")
    good, bad = read_lines(load.path, len(columns))
    if load.source.replace:
        # PostgreSQL: the ODS view over a master table forbids DROP (a second night's load failed), and the
        # table keeps its columns, so it is emptied in the file's transaction; elsewhere (no CREATE OR REPLACE
        # on Spark's file tables) it is dropped and made again
        keep = wh.dialect == "postgres"
        if not keep:
            wh.execute(f"drop table if exists {target}")
        ddl = ", ".join(f"{quote(c)} varchar" for c in columns)
        wh.execute(f"create table {'if not exists ' if keep else ''}{target} ({ddl}, _source_file varchar, "
                   "_load_id integer, _loaded_at timestamp, _line_number integer)")
        if keep:
            wh.execute(f"truncate table {target}")
    stamp = f"cast({literal(loaded_at)} as timestamp)"
    # _line_number counts loaded rows in file order, as DuckDB's row_number() over () does
    rows = [[*(literal(f) for f in fields), literal(load.name), str(load.load_id), stamp, str(n)]
            for n, fields in enumerate(good, start=1)]
    _insert(wh, target, rows)
    rejects = [[literal(load.name), literal(load.source.table), str(load.load_id), stamp, str(line),
                literal("unreadable line"), literal(reason), literal(raw), "1"] for line, reason, raw in bad]
    _insert(wh, f"{quote(load.schema)}._rejects", rejects)
    return len(good), len(bad)
