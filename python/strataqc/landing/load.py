"""Load the landing zone into the warehouse as raw text, exactly as it arrived.

`landing.pos_sales` grows by one part file per night: a file already in
`landing._load_log` is never loaded again, so re-running a load adds nothing.
The ERP master files are replaced on every load. Every table gets load metadata
(`_source_file`, `_load_id`, `_loaded_at`, `_line_number`). Lines that cannot be
read (wrong column count, bad encoding, an unterminated quote) go to
`landing._rejects` with a reason: nothing is dropped. A file that cannot be
loaded at all (empty, not UTF-8, a header other than the documented one) stops
the load before anything is written (`preflight`). Each file loads in one
transaction with its load-log row, so an interrupted load never half-loads a file.

DuckDB reads with `_read_csv_duckdb`; PostgreSQL and Spark with `load_rows.read_csv_rows`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from strataqc.landing.load_rows import read_csv_rows
from strataqc.landing.generate import SALES_COLUMNS, SALES_DIR, SKU_COLUMNS, STORE_COLUMNS
from strataqc.landing.preflight import LandingError, check_files
from strataqc.warehouse import Warehouse, literal, quote

METADATA = {"_source_file": "varchar", "_load_id": "integer", "_loaded_at": "timestamp", "_line_number": "integer"}
LOG_COLUMNS = {"source_file": "varchar", "table_name": "varchar", "load_id": "integer", "loaded_at": "timestamp",
               "rows_loaded": "bigint", "rows_rejected": "bigint"}
REJECT_COLUMNS = {"source_file": "varchar", "table_name": "varchar", "load_id": "integer", "loaded_at": "timestamp",
                  "line_number": "bigint", "error_type": "varchar", "reason": "varchar", "raw_line": "varchar",
                  # physical lines the reject covers: an unterminated quote swallows the lines after it
                  "lines": "bigint"}


@dataclass(frozen=True)
class Source:
    table: str
    columns: list[str]
    replace: bool  # master files are replaced; fact files are appended once


SALES = Source("pos_sales", SALES_COLUMNS, replace=False)
MASTERS = {"erp_stores.csv": Source("erp_stores", STORE_COLUMNS, replace=True),
           "erp_skus.csv": Source("erp_skus", SKU_COLUMNS, replace=True)}


@dataclass(frozen=True)
class FileLoad:
    path: Path
    name: str  # path relative to the landing directory: the key of the load log
    source: Source
    load_id: int
    loaded_at: dt.datetime
    schema: str


# reader(wh, load) -> (rows loaded into <schema>.<table>, rows written to <schema>._rejects)
Reader = Callable[[Warehouse, FileLoad], tuple[int, int]]


def _read_csv_duckdb(wh: Warehouse, load: FileLoad) -> tuple[int, int]:
    """DuckDB: read_csv with every column as text and store_rejects for unreadable lines."""
    # force_not_null: an empty field lands as '' (raw text), not NULL
    not_null = "[" + ", ".join(literal(c) for c in load.source.columns) + "]"
    columns = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in load.source.columns) + "}"
    scan = (f"read_csv({literal(str(load.path))}, columns={columns}, header=true, delim=',', quote='\"', "
            f"escape='\"', auto_detect=false, force_not_null={not_null}, store_rejects=true, "
            "rejects_table='strataqc_reject_errors', rejects_scan='strataqc_reject_scans')")
    target = f"{quote(load.schema)}.{quote(load.source.table)}"
    select_cols = ", ".join(quote(c) for c in load.source.columns)
    meta = (f"{literal(load.name)} as _source_file, {load.load_id} as _load_id, "
            f"cast({literal(load.loaded_at.isoformat(sep=' '))} as timestamp) as _loaded_at, "
            "cast(row_number() over () as integer) as _line_number")
    # row_number() over () follows the file's order: DuckDB preserves insertion order by default
    body = f"select {select_cols}, {meta} from {scan}"
    if load.source.replace:
        wh.execute(f"create or replace table {target} as {body}")
    else:
        wh.execute(f"insert into {target} {body}")
    loaded = int(wh.query(f"select count(*) as n from {target} where _load_id = {load.load_id}")["n"].iloc[0])
    wh.execute(
        f"insert into {quote(load.schema)}._rejects "
        f"select {literal(load.name)}, {literal(load.source.table)}, {load.load_id}, "
        f"cast({literal(load.loaded_at.isoformat(sep=' '))} as timestamp), e.line, min(e.error_type), "
        "min(e.error_message), min(e.csv_line), "
        "len(string_split(rtrim(min(e.csv_line), chr(13) || chr(10)), chr(10))) "
        "from strataqc_reject_errors e "
        "where e.scan_id = (select max(scan_id) from strataqc_reject_scans) "
        # DuckDB reports one error per missing column: one reject per line
        "group by e.line")
    rejected = int(wh.query(f"select count(*) as n from {quote(load.schema)}._rejects "
                            f"where load_id = {load.load_id}")["n"].iloc[0])
    wh.execute("drop table if exists strataqc_reject_errors")
    wh.execute("drop table if exists strataqc_reject_scans")
    return loaded, rejected


READERS: dict[str, Reader] = {"duckdb": _read_csv_duckdb, "postgres": read_csv_rows, "spark": read_csv_rows}


def _create_tables(wh: Warehouse, schema: str) -> None:
    s = quote(schema)
    wh.execute(f"create schema if not exists {s}")

    def ddl(columns: dict[str, str]) -> str:
        return ", ".join(f"{quote(c)} {t}" for c, t in columns.items())

    sales_cols = {c: "varchar" for c in SALES.columns} | METADATA
    wh.execute(f"create table if not exists {s}.{quote(SALES.table)} ({ddl(sales_cols)})")
    wh.execute(f"create table if not exists {s}._load_log ({ddl(LOG_COLUMNS)})")
    wh.execute(f"create table if not exists {s}._rejects ({ddl(REJECT_COLUMNS)})")


def _loaded_files(wh: Warehouse, schema: str) -> set[str]:
    frame = wh.query(f"select source_file from {quote(schema)}._load_log where table_name = {literal(SALES.table)}")
    return set(frame["source_file"])


def _next_load_id(wh: Warehouse, schema: str) -> int:
    frame = wh.query(f"select coalesce(max(load_id), 0) + 1 as n from {quote(schema)}._load_log")
    return int(frame["n"].iloc[0])


def _files(landing_dir: Path) -> tuple[list[tuple[Path, Source]], list[Path]]:
    if not landing_dir.is_dir():
        raise FileNotFoundError(f"landing directory {landing_dir} not found: run `qc-report generate --out "
                                f"{landing_dir}` or point --landing at the folder holding {SALES_DIR}/")
    masters = []
    for name, source in MASTERS.items():
        path = landing_dir / name
        if not path.is_file():
            raise FileNotFoundError(f"master file {path} not found: the ERP drop is incomplete")
        masters.append((path, source))
    sales_dir = landing_dir / SALES_DIR
    if not sales_dir.is_dir():
        raise FileNotFoundError(f"sales folder {sales_dir} not found: the POS drop is missing")
    # part files are named by date, so name order is arrival order
    return masters, sorted(sales_dir.glob("pos_sales_*.csv"))


def load_landing(landing_dir: Path, wh: Warehouse, schema: str = "landing") -> dict[str, int]:
    """Load new landing files; returns rows added per landing table (and rejects)."""
    landing_dir = Path(landing_dir)
    masters, sales = _files(landing_dir)
    reader = READERS.get(wh.dialect)
    if reader is None:
        raise NotImplementedError(f"loading the landing zone into {wh.dialect} is not supported yet "
                                  f"(supported: {', '.join(READERS)}); load it with your own tooling")
    _create_tables(wh, schema)
    done = _loaded_files(wh, schema)
    loaded_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    summary = {f"{schema}.{s.table}": 0 for _, s in masters} | {f"{schema}.{SALES.table}": 0, f"{schema}._rejects": 0}
    todo = masters + [(p, SALES) for p in sales if p.relative_to(landing_dir).as_posix() not in done]
    check_files([(path, path.relative_to(landing_dir).as_posix(), source.columns) for path, source in todo])
    for path, source in todo:
        name = path.relative_to(landing_dir).as_posix()
        load = FileLoad(path, name, source, _next_load_id(wh, schema), loaded_at, schema)
        rows, rejected = _load_file(wh, reader, load)
        summary[f"{schema}.{source.table}"] += rows
        summary[f"{schema}._rejects"] += rejected
    return summary


def _load_file(wh: Warehouse, reader: Reader, load: FileLoad) -> tuple[int, int]:
    """One file and its load-log row, all or nothing (Spark has no transactions: file by file)."""
    if wh.dialect == "spark":
        rows, rejected = reader(wh, load)
        _log_file(wh, load, rows, rejected)
        return rows, rejected
    wh.execute("begin transaction")
    try:
        rows, rejected = reader(wh, load)
        _log_file(wh, load, rows, rejected)
        wh.execute("commit")
    except Exception as exc:  # the engine's own error: say which file, keep the warehouse as it was
        wh.execute("rollback")
        raise LandingError(f"cannot load {load.name}: {exc}. Nothing of this file was loaded; fix or move "
                           "the file and run the load again") from exc
    return rows, rejected


def _log_file(wh: Warehouse, load: FileLoad, rows: int, rejected: int) -> None:
    wh.execute(f"insert into {quote(load.schema)}._load_log values ({literal(load.name)}, "
               f"{literal(load.source.table)}, {load.load_id}, "
               f"cast({literal(load.loaded_at.isoformat(sep=' '))} as timestamp), {rows}, {rejected})")
