"""The profile tables in the warehouse's StrataQC schema, beside the run history.

Append-only, so every engine can keep them (Spark tables have no DELETE): a
day profiled again gets a new `version`, and readers take each day's latest
version. Engines with DELETE drop the superseded rows of the days just
written. Profiles are computed and inserted by the engine (INSERT ... SELECT):
no row of the model travels.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from sqlglot import exp

from strataqc.history import NO_DELETE, SCHEMA, _literal

TABLES: dict[str, dict[str, str]] = {
    # one row per (model, day, set value) profiled: the row count (and checksum) it was profiled at
    "profile_days": {"model": "TEXT", "day": "TEXT", "set_value": "TEXT", "n": "BIGINT", "checksum": "TEXT",
                     "settings_fp": "TEXT", "version": "TEXT"},
    "profile_bins": {"model": "TEXT", "column_name": "TEXT", "set_value": "TEXT", "day": "TEXT", "edges_fp": "TEXT",
                     "bin": "BIGINT", "n": "BIGINT", "total": "DOUBLE", "total_sq": "DOUBLE", "min_value": "DOUBLE",
                     "max_value": "DOUBLE", "version": "TEXT"},
    "profile_levels": {"model": "TEXT", "column_name": "TEXT", "set_value": "TEXT", "day": "TEXT", "kind": "TEXT",
                       "level": "TEXT", "n": "BIGINT", "version": "TEXT"},
    # the reference's bin edges of a numeric column, derived again only when the reference changes
    "profile_edges": {"model": "TEXT", "column_name": "TEXT", "edges_fp": "TEXT", "quantiles": "TEXT",
                      "std": "DOUBLE", "sample_rows": "BIGINT", "reference_rows": "BIGINT", "version": "TEXT"},
    # the feature-set checks' partial aggregates of one day (JSON rows per set value), keyed by what they
    # measure (`kind`) and a fingerprint of its columns and row filter (`fp`); see profiles.facts
    "profile_facts": {"model": "TEXT", "kind": "TEXT", "fp": "TEXT", "day": "TEXT", "payload": "TEXT",
                      "version": "TEXT"},
    # a mergeable distinct-count sketch (Apache DataSketches HLL, base64) per (model, column, day)
    "profile_sketches": {"model": "TEXT", "column_name": "TEXT", "set_value": "TEXT", "day": "TEXT",
                         "sketch": "TEXT", "version": "TEXT"},
}


class ProfileStore:
    """Reads and writes the profile tables of one warehouse for one model."""

    def __init__(self, wh: Any, model: str, schema: str = SCHEMA):
        self.wh, self.model, self.schema = wh, model, schema
        self.statements = 0     # statements sent (tests count the work a night does)

    def table(self, name: str) -> exp.Table:
        return exp.table_(name, db=self.schema, quoted=True)

    def _run(self, statement: exp.Expression) -> None:
        self.statements += 1
        self.wh.execute(statement)

    def query(self, statement: exp.Expression) -> pd.DataFrame:
        self.statements += 1
        return self.wh.query(statement)

    def ensure(self) -> None:
        self._run(exp.Create(this=exp.Table(this=exp.to_identifier(self.schema, quoted=True)), kind="SCHEMA",
                             exists=True))
        for name, columns in TABLES.items():
            schema = exp.Schema(this=self.table(name), expressions=[
                exp.ColumnDef(this=exp.to_identifier(c, quoted=True), kind=exp.DataType.build(t))
                for c, t in columns.items()])
            self._run(exp.Create(this=schema, kind="TABLE", exists=True))

    def _mine(self) -> exp.Expression:
        return exp.column("model", quoted=True).eq(exp.Literal.string(self.model))

    # -- writing ----------------------------------------------------------------------------------

    def insert_select(self, name: str, select: exp.Expression, version: str) -> None:
        """INSERT the rows of `select` (its columns in table order, less model and version)."""
        columns = list(TABLES[name])
        inner = [c for c in columns if c not in ("model", "version")]
        projections = [_literal(self.model, "TEXT").as_("model"),
                       *[exp.column(c, table="p", quoted=True) for c in inner],
                       _literal(version, "TEXT").as_("version")]
        query = exp.select(*projections).from_(exp.Subquery(this=select, alias=exp.TableAlias(
            this=exp.to_identifier("p"))))
        self._run(exp.insert(query, self.table(name), columns=[exp.to_identifier(c, quoted=True) for c in columns],
                             copy=False))

    def insert_rows(self, name: str, rows: list[dict[str, Any]], version: str, batch: int = 500) -> None:
        """INSERT `rows` as VALUES, `batch` rows a statement (one long VALUES list is slow to build and parse)."""
        columns = TABLES[name]
        cols = list(columns)
        for start in range(0, len(rows), batch):
            full = [{**row, "model": self.model, "version": version} for row in rows[start:start + batch]]
            values = exp.values([tuple(_literal(row.get(c), columns[c]) for c in cols) for row in full],
                                alias="v", columns=cols)
            select = exp.select(*[exp.column(c, table="v", quoted=True) for c in cols]).from_(values, copy=False)
            self._run(exp.insert(select, self.table(name), columns=[exp.to_identifier(c, quoted=True) for c in cols],
                                 copy=False))

    def drop_superseded(self, days: list[str], version: str) -> None:
        """Delete the older versions of `days` (engines with DELETE; the others keep them, unread)."""
        if self.wh.dialect in NO_DELETE or not days:
            return
        for name in ("profile_days", "profile_bins", "profile_levels", "profile_sketches", "profile_facts"):
            where = exp.and_(self._mine(), exp.column("version", quoted=True).neq(exp.Literal.string(version)),
                             exp.In(this=exp.column("day", quoted=True),
                                    expressions=[exp.Literal.string(d) for d in days]))
            self._run(exp.Delete(this=self.table(name), where=exp.Where(this=where)))

    def save_edges(self, edges: dict[str, dict[str, Any]], version: str) -> None:
        rows = [{"column_name": name, "edges_fp": e["edges_fp"], "quantiles": json.dumps(e["quantiles"]),
                 "std": e["std"], "sample_rows": e["sample_rows"], "reference_rows": e["reference_rows"]}
                for name, e in edges.items()]
        self.insert_rows("profile_edges", rows, version)

    # -- reading ----------------------------------------------------------------------------------

    def _select(self, name: str, where: exp.Expression | None = None) -> pd.DataFrame:
        condition = self._mine() if where is None else exp.and_(self._mine(), where)
        return self.query(exp.select(*[exp.column(c, quoted=True) for c in TABLES[name]])
                          .from_(self.table(name)).where(condition))

    def latest_days(self) -> pd.DataFrame:
        """Each profiled day's latest version: day, set_value, n, checksum, settings_fp, version."""
        frame = self._select("profile_days")
        if frame.empty:
            return frame
        latest = frame.groupby("day")["version"].transform("max")
        return frame[frame["version"] == latest].reset_index(drop=True)

    def latest_rows(self, name: str, days: pd.DataFrame) -> pd.DataFrame:
        """The rows of `name` at each day's latest version."""
        if days.empty:
            return pd.DataFrame(columns=list(TABLES[name]))
        versions = sorted(set(days["version"]))
        frame = self._select(name, exp.In(this=exp.column("version", quoted=True),
                                          expressions=[exp.Literal.string(v) for v in versions]))
        keys = days[["day", "version"]].drop_duplicates()
        return frame.merge(keys, on=["day", "version"], how="inner")

    def latest_edges(self) -> dict[str, dict[str, Any]]:
        frame = self._select("profile_edges")
        out: dict[str, dict[str, Any]] = {}
        for row in frame.sort_values("version").itertuples(index=False):
            out[row.column_name] = {"edges_fp": row.edges_fp, "quantiles": json.loads(row.quantiles),
                                    "std": None if pd.isna(row.std) else float(row.std),
                                    "sample_rows": int(row.sample_rows), "reference_rows": int(row.reference_rows)}
        return out
