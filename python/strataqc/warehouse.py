"""One connection to the warehouse the dbt profile points at.

SQL built in Python is written once, in DuckDB's dialect (or as sqlglot
expressions), and transpiled to the target engine here (DESIGN §6).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import sqlglot
import yaml
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

# Target and WarehouseError live in the engines' floor, and are imported from here everywhere else
from strataqc.engines.target import DIALECTS, Target, WarehouseError  # noqa: F401
from strataqc.exits import CannotRun
from strataqc.options import option
from strataqc.redact import Redactor
from strataqc.sql_types import sql_cast

if TYPE_CHECKING:  # pandas is imported by the queries that return a frame: a command that runs none starts faster
    import pandas as pd

log = logging.getLogger("strataqc")

# DuckDB lets one process write a file: another `qc-report run` or a dbt build holds it for a while
DEFAULT_LOCK_WAIT_S = 120.0

def _env_var(name: str, default: str | None = None) -> str:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise WarehouseError(f"profiles.yml needs the environment variable {name}: export it or give a default")
    return default


def find_profiles_dir(project_dir: Path, profiles_dir: Path | None = None) -> Path:
    """dbt's own search order: --profiles-dir, DBT_PROFILES_DIR, the project's profiles/, ~/.dbt."""
    # like dbt, an explicit directory (flag, then environment) is the only place looked at
    chosen = profiles_dir or os.environ.get("DBT_PROFILES_DIR")
    candidates = [chosen] if chosen else [project_dir / "profiles", project_dir, Path.home() / ".dbt"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "profiles.yml").exists():
            return Path(candidate)
    raise WarehouseError(f"no profiles.yml found for {project_dir}: pass --profiles-dir or set DBT_PROFILES_DIR")


def load_target(project_dir: Path, profiles_dir: Path | None = None, target: str | None = None) -> Target:
    """Resolve the profile named in dbt_project.yml and one of its targets."""
    project_file = Path(project_dir) / "dbt_project.yml"
    if not project_file.exists():
        raise WarehouseError(f"{project_file} not found: pass --project-dir pointing at the dbt project")
    profile_name = yaml.safe_load(project_file.read_text())["profile"]
    path = find_profiles_dir(Path(project_dir), profiles_dir) / "profiles.yml"
    env = jinja2.Environment()
    # dbt's profile filters; values are parsed back by YAML below
    env.filters.update(as_number=lambda v: v, as_text=lambda v: v, as_bool=lambda v: v, as_native=lambda v: v)
    rendered = env.from_string(path.read_text()).render(env_var=_env_var)
    profiles = yaml.safe_load(rendered) or {}
    if profile_name not in profiles:
        raise WarehouseError(f"{path} has no profile '{profile_name}' (named in dbt_project.yml)")
    profile = profiles[profile_name]
    name = target or os.environ.get("DBT_TARGET") or profile.get("target")
    outputs = profile.get("outputs", {})
    if name not in outputs:
        raise WarehouseError(f"{path}: profile '{profile_name}' has no target '{name}'; choose one of {sorted(outputs)}")
    settings = dict(outputs[name])
    if settings.get("type") == "duckdb" and settings.get("path") and not os.path.isabs(settings["path"]):
        # dbt resolves a relative duckdb path against the working directory it runs in: the project
        settings["path"] = str((Path(project_dir) / settings["path"]).resolve())
    return Target(profile_name, name, settings["type"], settings)


class Warehouse:
    """Runs SQL on the target engine and returns small pandas frames."""

    def __init__(self, target: Target, *, read_only: bool = False):
        self.target = target
        self.dialect = target.dialect
        self.read_only = read_only  # nothing can be stored (profiles, history): readers fall back
        self._conn = _connect(target, read_only=read_only)

    @classmethod
    def from_project(cls, project_dir: Path, profiles_dir: Path | None = None, target: str | None = None,
                     *, read_only: bool = False) -> "Warehouse":
        return cls(load_target(project_dir, profiles_dir, target), read_only=read_only)

    def to_dialect(self, sql: str | exp.Expression) -> str:
        """DuckDB-dialect SQL (or an expression) as the target engine's SQL."""
        if self.dialect == "spark":
            trees = [sql] if isinstance(sql, exp.Expression) else sqlglot.parse(sql, read="duckdb")
            return ";\n".join(t.sql(dialect=writer("spark")) for t in trees if t)
        if isinstance(sql, exp.Expression):
            # written, not rewritten: a copy of a large statement to rewrite its NaN tests cost seconds a night.
            # Nor copied: the generator's own normalising is idempotent, so a statement written twice reads the same
            return sql.sql(dialect=writer(self.dialect), copy=False)
        if self.dialect == "duckdb":
            return sql
        return ";\n".join(sqlglot.transpile(sql, read="duckdb", write=self.dialect))

    def query(self, sql: str | exp.Expression) -> pd.DataFrame:
        """Run one SELECT and return its (small) result."""
        return self._conn.query(self.to_dialect(sql))

    def execute(self, sql: str | exp.Expression) -> None:
        self._conn.execute(self.to_dialect(sql))

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        """Column names and plain Python rows of engine SQL as it is (dbt's compiled SQL): no
        DataFrame, so NULL stays None beside NaN."""
        return self._conn.rows(sql)

    def sibling(self) -> "Warehouse | None":
        """A second connection to the same warehouse, for work on another thread of this process (a DuckDB
        connection serves one thread at a time); None where the engine has no such thing here (Spark)."""
        if self.target.type not in ("duckdb", "postgres"):
            return None
        twin = object.__new__(Warehouse)
        twin.target, twin.dialect, twin.read_only = self.target, self.dialect, self.read_only
        # a DuckDB cursor is a connection to the same open database (a second open of the file would be refused)
        twin._conn = _DuckDB.cursor_of(self._conn) if self.target.type == "duckdb" else _Postgres(self.target)
        return twin

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> "Warehouse":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _spark_percentile(gen, node: exp.PercentileCont) -> str:
    """sqlglot writes quantile_cont(x, p) as PERCENTILE_CONT(x, p) for Spark, which Spark 4
    rejects; percentile(x, p) is the same interpolated quantile."""
    if node.args.get("expression") is not None:
        return gen.func("PERCENTILE", node.this, node.expression)
    return gen.function_fallback_sql(node)


def _double(text: str) -> exp.Expression:
    return sql_cast(exp.Literal.string(text), "DOUBLE")


# ISNAN(x) / ISINF(x) per engine. DuckDB folds isnan(x) and x = 'NaN' to false from a
# Parquet file's min/max statistics, which leave NaN out (duckdb#25521): neither finite nor
# infinite is NaN, and is not folded. PostgreSQL has neither function; NaN = NaN is true there.
FLOAT_TESTS = {
    "duckdb": (lambda x: exp.and_(exp.Not(this=exp.Anonymous(this="ISFINITE", expressions=[x.copy()])),
                                  exp.Not(this=exp.Anonymous(this="ISINF", expressions=[x.copy()]))),
               lambda x: exp.Anonymous(this="ISINF", expressions=[x])),
    "postgres": (lambda x: x.eq(_double("NaN")), lambda x: exp.Abs(this=x).eq(_double("Infinity"))),
    "spark": (lambda x: exp.Anonymous(this="ISNAN", expressions=[x]),
              lambda x: exp.Abs(this=x).eq(_double("Infinity"))),
}


@functools.cache
def writer(dialect: str) -> Dialect:
    """`dialect` as StrataQC writes it: ISNAN / ISINF the way the engine counts them right (FLOAT_TESTS),
    Spark's percentile, at generation time: the statement built is never copied or rewritten."""
    base = Dialect.get_or_raise(dialect).__class__
    nan, inf = FLOAT_TESTS.get(dialect, FLOAT_TESTS["duckdb"])
    transforms = {**base.Generator.TRANSFORMS,
                  exp.IsNan: lambda gen, node: gen.sql(exp.Paren(this=nan(node.this.copy()))),
                  exp.IsInf: lambda gen, node: gen.sql(exp.Paren(this=inf(node.this.copy())))}
    if dialect == "spark":
        transforms[exp.PercentileCont] = _spark_percentile
    generator = type("Generator", (base.Generator,), {"TRANSFORMS": transforms})
    return type(f"StrataQC{base.__name__}", (base,), {"Generator": generator})()


def quote(name: str) -> str:
    """A DuckDB-dialect quoted identifier with embedded quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """A DuckDB-dialect literal for a value we produced or read as text (sqlglot re-escapes it for the
    target): None as null, ints as they are, anything else a string with quotes doubled."""
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def table(relation_name: str) -> exp.Table:
    """A sqlglot table from dbt's `relation_name` ("db"."schema"."name")."""
    return exp.to_table(relation_name, dialect="duckdb")


CHECKS_MEMORY_CAP = "1GB"
_UNITS = {"b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 2**10, "mib": 2**20, "gib": 2**30,
          "tib": 2**40}


def memory_bytes(value: str) -> float | None:
    """Bytes of a DuckDB memory setting ('2GB', '1536 MiB'); None for what is not a size (e.g. '80%')."""
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([A-Za-z]*)\s*", value)
    if not match or (match.group(2) or "b").lower() not in _UNITS:
        return None
    return float(match.group(1)) * _UNITS[(match.group(2) or "b").lower()]


def checks_memory_limit(profile_value: str) -> str:
    """The profile's memory limit for the checks' connection, at most CHECKS_MEMORY_CAP."""
    size = memory_bytes(profile_value)
    cap = memory_bytes(CHECKS_MEMORY_CAP)
    return CHECKS_MEMORY_CAP if size is not None and cap is not None and size > cap else profile_value


def _setting_name(key: str) -> str:
    if not key.replace("_", "").isalnum():
        raise WarehouseError(f"DuckDB setting '{key}' in the profile is not a setting name: use letters, digits and _")
    return key


class _DuckDB:
    def __init__(self, target: Target, read_only: bool):
        import duckdb

        path = target.settings.get("path", ":memory:")
        # dbt-duckdb's `settings` block applies here too; the checks get a memory limit by
        # default so that statistics over a big table spill to disk instead of growing RSS,
        # and STRATAQC_CHECKS_MEMORY_LIMIT gives the checks their own limit, apart from dbt's
        settings = {"memory_limit": "512MB", **(target.settings.get("settings") or {})}
        # the checks share the night's memory with Python (frames, the model): at most CHECKS_MEMORY_CAP
        settings["memory_limit"] = checks_memory_limit(str(settings["memory_limit"]))
        if os.environ.get("STRATAQC_CHECKS_MEMORY_LIMIT"):
            settings["memory_limit"] = os.environ["STRATAQC_CHECKS_MEMORY_LIMIT"]
        self.conn = duckdb.connect(path, read_only=read_only)
        # SET rather than connect(config=...): another connection to the same file in this
        # process (dbt, a test) would otherwise be refused for a differing configuration
        for key, value in settings.items():
            self.conn.execute(f"SET {_setting_name(key)} = ?", [str(value)])

    @classmethod
    def cursor_of(cls, other: "_DuckDB") -> "_DuckDB":
        twin = object.__new__(cls)
        twin.conn = other.conn.cursor()
        return twin

    def query(self, sql: str) -> pd.DataFrame:
        from strataqc.engines.duckdb_frame import frame

        return frame(self.conn, sql)

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        cur = self.conn.execute(sql)
        return [d[0] for d in cur.description], cur.fetchall()

    def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    def close(self) -> None:
        self.conn.close()


class _Postgres:
    def __init__(self, target: Target):
        import psycopg2

        s = target.settings
        self.conn = psycopg2.connect(host=s.get("host", "localhost"), port=s.get("port", 5432), user=s.get("user"),
                                     password=s.get("password", s.get("pass")), dbname=s.get("dbname", s.get("database")))
        self.conn.autocommit = True

    def query(self, sql: str) -> pd.DataFrame:
        with self.conn.cursor() as cur:
            cur.execute(sql)
            columns = [d[0] for d in cur.description]
            import pandas as pd

            return pd.DataFrame(cur.fetchall(), columns=columns)

    def rows(self, sql: str) -> tuple[list[str], list[tuple]]:
        with self.conn.cursor() as cur:
            cur.execute(sql)
            return [d[0] for d in cur.description], cur.fetchall()

    def execute(self, sql: str) -> None:
        with self.conn.cursor() as cur:
            cur.execute(sql)

    def close(self) -> None:
        self.conn.close()


def _connect(target: Target, read_only: bool):
    if target.type == "duckdb":
        return _DuckDB(target, read_only)
    if target.type == "postgres":
        return _Postgres(target)
    if target.type == "spark":
        from strataqc.engines.spark import connect_spark

        return connect_spark(target)
    raise WarehouseError(f"target type '{target.type}' is not supported: use duckdb, postgres or spark")


def connect(project_dir: Path, profiles_dir: Path | None = None, target: str | None = None,
            lock_wait: float = DEFAULT_LOCK_WAIT_S) -> Warehouse:
    """The profile's warehouse; a file locked by another process is retried, bounded by lock_wait.

    Every failure is a WarehouseError whose one line says what to do, with the
    profile's secrets masked (an engine's error may echo the connection string).
    """
    try:
        spec = load_target(project_dir, profiles_dir, target)
    except WarehouseError:
        raise
    except Exception as exc:  # an unreadable profiles.yml or dbt_project.yml
        raise WarehouseError(f"cannot read the dbt profile for {project_dir}: {type(exc).__name__}: "
                             f"{_first_line(exc)}; check profiles.yml and dbt_project.yml") from exc
    redact = Redactor.from_settings(spec.settings).text
    deadline, delay, warned = time.monotonic() + max(lock_wait, 0.0), 0.25, False
    while True:
        try:
            return Warehouse(spec)
        except WarehouseError as exc:
            raise WarehouseError(redact(str(exc))) from exc
        except Exception as exc:
            if not _is_lock(exc):
                raise WarehouseError(f"cannot open the warehouse {redact(spec.describe())}: {type(exc).__name__}: "
                                     f"{redact(_first_line(exc))}") from exc
            holder = re.search(r"PID (\d+)", str(exc))
            who = f" (PID {holder.group(1)})" if holder else ""
            if time.monotonic() + delay > deadline:
                raise WarehouseError(f"the warehouse {redact(spec.describe())} is locked by another process{who}: "
                                     f"gave up after {lock_wait:g}s; run again when it has finished, or give "
                                     "--lock-wait more seconds") from exc
            if not warned:
                log.warning("the warehouse %s is locked by another process%s; retrying for up to %gs",
                            redact(spec.describe()), who, lock_wait)
                warned = True
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


@dataclass(frozen=True, kw_only=True)
class WarehouseOptions:
    """Which warehouse a command opens: the dbt project, its profile and target, how long to wait for a lock."""

    project_dir: Path = option(Path("."), "dbt project (folder of dbt_project.yml)")
    profiles_dir: Path | None = option(None, "folder of profiles.yml (default: dbt's search order)")
    target: str | None = option(None, "dbt target (default: the profile's)", "--target")
    lock_wait: float = option(DEFAULT_LOCK_WAIT_S, "seconds to wait for a warehouse file another process holds "
                                                   "(DuckDB has one writer), retrying, before giving up")


def open_warehouse(project_dir: Path, profiles_dir: Path | None, target: str | None,
                   lock_wait: float = DEFAULT_LOCK_WAIT_S) -> Warehouse:
    """`connect`, with what stops it as `CannotRun` (one line, exit 2)."""
    try:
        return connect(project_dir, profiles_dir, target, lock_wait)
    except WarehouseError as exc:
        raise CannotRun(str(exc)) from exc


def opened(opts: WarehouseOptions) -> Warehouse:
    """The warehouse of a command's options (a context manager, like `connect`'s)."""
    return open_warehouse(opts.project_dir, opts.profiles_dir, opts.target, opts.lock_wait)


def _is_lock(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text or "database is locked" in text)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else ""
