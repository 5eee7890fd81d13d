"""The run history in the warehouse: one row per check per run, acknowledgements, alert state.

Tables live in one schema (`strataqc_history` by default) of the warehouse the
dbt profile points at. SQL is built as sqlglot expressions in DuckDB's dialect
and transpiled by the Warehouse, so the same code runs on PostgreSQL and Spark;
values enter SQL only as sqlglot literals.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from typing import Any, Iterable

import pandas as pd
from sqlglot import exp

from strataqc import per_night, trends
from strataqc.comparable import comparable, previous_in_scope, rules_per_night, scope_of, stored_scope
from strataqc.trends import Trend, robust_z, trend, trend_value  # noqa: F401 (public here too)
from strataqc.run import QCRun, check_key
from strataqc.substance import changed, facets  # noqa: F401 (changed: used by alerts through history)
from strataqc.substance import present as _present
from strataqc.results import CheckResult, Status
from strataqc.sql_types import data_type

SCHEMA = "strataqc_history"
FAILING = {Status.FAIL, Status.ERROR}

# name -> DuckDB type; the Warehouse transpiles (TEXT -> STRING on Spark, DOUBLE -> DOUBLE PRECISION on PostgreSQL)
RESULT_COLUMNS = {
    "run_id": "TEXT", "generated_at": "TEXT", "check_key": "TEXT", "check_name": "TEXT", "check_type": "TEXT",
    "layer": "TEXT", "model": "TEXT", "column_name": "TEXT", "status": "TEXT", "observed": "DOUBLE",
    "threshold": "DOUBLE", "failures": "BIGINT", "message": "TEXT", "duration_s": "DOUBLE",
}
ACK_COLUMNS = {
    "check_name": "TEXT", "model": "TEXT", "column_name": "TEXT", "reason": "TEXT", "acked_by": "TEXT",
    "acked_at": "TEXT", "until_date": "TEXT", "status": "TEXT", "failures": "BIGINT", "observed": "DOUBLE",
}
# the records that read only the rows their run wrote (scope "new_rows"); a record absent here read its whole
# table. Its own table: older histories need no new column, and a trend compares like with like
SCOPE_COLUMNS = {"run_id": "TEXT", "check_key": "TEXT", "scope": "TEXT"}
ALERT_COLUMNS = {
    "check_key": "TEXT", "status": "TEXT", "failures": "BIGINT", "observed": "DOUBLE",
    "first_alerted_at": "TEXT", "last_alerted_at": "TEXT", "run_id": "TEXT",
}
# engines without DELETE on plain tables (Spark/Hive) get an insert that skips rows already there
NO_DELETE = {"spark"}
NO_TRANSACTIONS = {"spark"}

TREND_WINDOW = trends.WINDOW
TREND_MIN_RUNS = trends.MIN_RUNS
TREND_MAX_Z = trends.MAX_Z


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _literal(value: Any, sql_type: str) -> exp.Expression:
    to = data_type(sql_type)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return exp.Cast(this=exp.null(), to=to)
    if sql_type == "TEXT":
        return exp.Cast(this=exp.Literal.string(str(value)), to=to)
    return exp.Cast(this=exp.convert(value), to=to)


def _or_none(value: Any) -> Any:
    return value if _present(value) else None


class History:
    """Reads and writes the history tables of one warehouse."""

    def __init__(self, wh: Any, schema: str = SCHEMA):
        self.wh = wh
        self.schema = schema
        self._ready = False

    def _table(self, name: str) -> exp.Table:
        return exp.table_(name, db=self.schema, quoted=True)

    def ensure(self) -> None:
        if self._ready:
            return
        self.wh.execute(exp.Create(this=exp.Table(this=exp.to_identifier(self.schema, quoted=True)),
                                   kind="SCHEMA", exists=True))
        for name, columns in (("check_results", RESULT_COLUMNS), ("acks", ACK_COLUMNS),
                              ("alert_state", ALERT_COLUMNS), ("check_scopes", SCOPE_COLUMNS)):
            schema = exp.Schema(this=self._table(name), expressions=[
                exp.ColumnDef(this=exp.to_identifier(c, quoted=True), kind=exp.DataType.build(t))
                for c, t in columns.items()])
            self.wh.execute(exp.Create(this=schema, kind="TABLE", exists=True))
        self._ready = True

    # -- writing ----------------------------------------------------------------------------------

    def _insert(self, name: str, columns: dict[str, str], rows: list[dict[str, Any]],
                anti_join_on: tuple[str, ...] = ()) -> exp.Expression:
        cols = list(columns)
        values = exp.values([tuple(_literal(row.get(c), columns[c]) for c in cols) for row in rows],
                            alias="v", columns=cols)
        select = exp.select(*[exp.column(c, table="v", quoted=True) for c in cols]).from_(values, copy=False)
        if anti_join_on:
            existing = exp.select("1").from_(exp.alias_(self._table(name), "h", table=True)).where(
                exp.and_(*[exp.column(c, table="h", quoted=True).eq(exp.column(c, table="v", quoted=True))
                           for c in anti_join_on]))
            select = select.where(exp.not_(exp.Exists(this=existing)), copy=False)
        return exp.insert(select, self._table(name), columns=[exp.to_identifier(c, quoted=True) for c in cols],
                          copy=False)

    def _in_transaction(self, statements: Iterable[exp.Expression | str]) -> None:
        atomic = self.wh.dialect not in NO_TRANSACTIONS
        if atomic:
            self.wh.execute("BEGIN TRANSACTION" if self.wh.dialect == "duckdb" else "BEGIN")
        try:
            for statement in statements:
                self.wh.execute(statement)
        except Exception:
            if atomic:
                self.wh.execute("ROLLBACK")
            raise
        if atomic:
            self.wh.execute("COMMIT")

    def append(self, run: QCRun) -> int:
        """Store the run; the same run_id stored again replaces its rows (no duplicates)."""
        self.ensure()
        rows = [{
            "run_id": run.run_id, "generated_at": run.generated_at, "check_key": check_key(r),
            "check_name": r.check, "check_type": str(r.check_type), "layer": r.layer, "model": r.model,
            "column_name": r.column, "status": str(r.status), "observed": r.observed, "threshold": r.threshold,
            "failures": r.failures, "message": r.message, "duration_s": r.duration_s,
        } for r in run.results]
        if not rows:
            return 0
        scopes = {check_key(r): scope_of(r) for r in run.results if scope_of(r)}
        statements: list[exp.Expression] = []
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            scoped = [{"run_id": run.run_id, "check_key": row["check_key"], "scope": scopes[row["check_key"]]}
                      for row in chunk if row["check_key"] in scopes]
            if self.wh.dialect in NO_DELETE:
                statements.append(self._insert("check_results", RESULT_COLUMNS, chunk, ("run_id", "check_key")))
                if scoped:
                    statements.append(self._insert("check_scopes", SCOPE_COLUMNS, scoped, ("run_id", "check_key")))
                continue
            keys = [exp.Literal.string(row["check_key"]) for row in chunk]
            for name in ("check_results", "check_scopes"):
                statements.append(exp.delete(self._table(name), where=exp.and_(
                    exp.column("run_id", quoted=True).eq(exp.Literal.string(run.run_id)),
                    exp.column("check_key", quoted=True).isin(*keys))))
            statements.append(self._insert("check_results", RESULT_COLUMNS, chunk))
            if scoped:
                statements.append(self._insert("check_scopes", SCOPE_COLUMNS, scoped))
        self._in_transaction(statements)
        return len(rows)

    def add_ack(self, check: str, model: str, reason: str, *, column: str | None = None, by: str = "",
                until: dt.date | None = None) -> dict[str, Any]:
        """Acknowledge a check on a model; the last stored failure is kept to notice a change."""
        self.ensure()
        last = self._latest(check, model, column)
        row = {"check_name": check, "model": model, "column_name": column, "reason": reason, "acked_by": by,
               "acked_at": now_iso(), "until_date": until.isoformat() if until else None,
               "status": last.get("status"), "failures": last.get("failures"), "observed": last.get("observed")}
        self._in_transaction([self._insert("acks", ACK_COLUMNS, [row])])
        return row

    def save_alert_state(self, rows: list[dict[str, Any]], cleared: list[str]) -> None:
        """Replace the alert state of the given checks; `cleared` checks are fixed and forgotten."""
        self.ensure()
        keys = [r["check_key"] for r in rows] + list(cleared)
        if not keys:
            return
        statements: list[exp.Expression] = []
        if self.wh.dialect in NO_DELETE:
            # no DELETE: the newest row per check wins when read (see alert_state)
            if rows:
                statements.append(self._insert("alert_state", ALERT_COLUMNS, rows))
            for key in cleared:
                statements.append(self._insert("alert_state", ALERT_COLUMNS, [{"check_key": key, "status": "cleared",
                                                                              "last_alerted_at": now_iso()}]))
        else:
            statements.append(exp.delete(self._table("alert_state"), where=exp.column("check_key", quoted=True).isin(
                *[exp.Literal.string(k) for k in keys])))
            if rows:
                statements.append(self._insert("alert_state", ALERT_COLUMNS, rows))
        self._in_transaction(statements)

    # -- reading ----------------------------------------------------------------------------------

    def _select(self, name: str, where: exp.Expression | None = None) -> pd.DataFrame:
        query = exp.select("*").from_(self._table(name))
        if where is not None:
            query = query.where(where)
        return self.wh.query(query)

    def _latest(self, check: str, model: str, column: str | None) -> dict[str, Any]:
        cond = exp.and_(exp.column("check_name", quoted=True).eq(exp.Literal.string(check)),
                        exp.column("model", quoted=True).eq(exp.Literal.string(model)))
        if column:
            cond = cond.and_(exp.column("column_name", quoted=True).eq(exp.Literal.string(column)))
        frame = self._select("check_results", cond)
        if frame.empty:
            return {}
        frame = frame.sort_values("generated_at")
        bad = frame[frame["status"].isin(["fail", "error", "warn"])]
        row = (bad if not bad.empty else frame).iloc[-1]
        return {k: (None if not _present(v) else v) for k, v in row.to_dict().items()}

    def runs(self, limit: int | None = None) -> pd.DataFrame:
        """run_id, generated_at of stored runs, newest first."""
        self.ensure()
        query = (exp.select(exp.column("run_id", quoted=True),
                            exp.alias_(exp.Max(this=exp.column("generated_at", quoted=True)), "generated_at"))
                 .from_(self._table("check_results")).group_by(exp.column("run_id", quoted=True))
                 .order_by(exp.Ordered(this=exp.column("generated_at"), desc=True)))
        if limit:
            query = query.limit(limit)
        return self.wh.query(query)

    def records(self, run_ids: list[str]) -> pd.DataFrame:
        """The runs' records, with the `scope` each was read in (None: its whole table)."""
        self.ensure()
        if not run_ids:
            return pd.DataFrame(columns=[*RESULT_COLUMNS, "scope"])
        where = exp.column("run_id", quoted=True).isin(*[exp.Literal.string(r) for r in run_ids])
        frame = self._select("check_results", where)
        scopes = self._select("check_scopes", where).drop_duplicates(["run_id", "check_key"], keep="last")
        return frame.merge(scopes[["run_id", "check_key", "scope"]], on=["run_id", "check_key"], how="left")

    def last_runs(self, n: int, before: str | None = None) -> pd.DataFrame:
        """Rows of the newest `n` runs (optionally only runs older than `before`), oldest first."""
        runs = self.runs()
        if before is not None:
            runs = runs[runs["generated_at"] < before]
        runs = runs.head(n)
        frame = self.records(list(runs["run_id"]))
        return frame.sort_values(["generated_at", "check_key"]).reset_index(drop=True)

    def acks(self, on: dt.date | None = None) -> pd.DataFrame:
        """Acknowledgements not expired on `on` (today by default)."""
        self.ensure()
        frame = self._select("acks")
        if frame.empty:
            return frame
        day = (on or dt.date.today()).isoformat()
        until = frame["until_date"]
        return frame[until.isna() | (until.astype(str) >= day)].reset_index(drop=True)

    def alert_state(self) -> dict[str, dict[str, Any]]:
        self.ensure()
        frame = self._select("alert_state")
        state: dict[str, dict[str, Any]] = {}
        for row in frame.sort_values("last_alerted_at").to_dict(orient="records"):
            state[row["check_key"]] = {k: (v if _present(v) else None) for k, v in row.items()}
        return {k: v for k, v in state.items() if v.get("status") != "cleared"}


def active_ack(r: CheckResult, acks: pd.DataFrame) -> dict[str, Any] | None:
    """The acknowledgement covering this failing record, unless the failure changed since."""
    if acks is None or acks.empty or r.status not in (Status.FAIL, Status.ERROR, Status.WARN):
        return None
    for ack in acks.to_dict(orient="records"):
        if ack["check_name"] != r.check or ack["model"] != r.model:
            continue
        if _present(ack.get("column_name")) and ack["column_name"] != r.column:
            continue
        if _present(ack.get("status")) and changed(ack["status"], ack.get("failures"), ack.get("observed"), r):
            continue
        return {k: (v if _present(v) else None) for k, v in ack.items()}
    return None


def _acked_nights(frame: pd.DataFrame, acks: pd.DataFrame) -> pd.Series:
    """True for history rows an acknowledgement covered (acknowledged at or before, not expired)."""
    covered = pd.Series(False, index=frame.index)
    for ack in acks.to_dict(orient="records") if acks is not None and not acks.empty else []:
        hit = (frame["check_name"] == ack["check_name"]) & (frame["model"] == ack["model"])
        if _present(ack.get("column_name")):
            hit &= frame["column_name"] == ack["column_name"]
        hit &= frame["generated_at"].astype(str).str[:10] >= str(ack.get("acked_at") or "")[:10]
        if _present(ack.get("until_date")):
            hit &= frame["generated_at"].astype(str).str[:10] <= str(ack["until_date"])
        covered |= hit
    return covered


def run_context(history: History, run: QCRun, *, trend_runs: int = 90, host_values: bool = False) -> dict[str, Any]:
    """What the report shows beside tonight: trends, anomalies, changes, acknowledgements.

    The baseline of a trend leaves out nights the check failed or was acknowledged; values that
    measure the host (latency) are trended only with host_values."""
    earlier = history.last_runs(trend_runs, before=run.generated_at)
    earlier = earlier[earlier["run_id"] != run.run_id]
    series: dict[str, list[float]] = {}
    statuses: dict[str, list[tuple[str, str]]] = {}
    baselines: dict[str, list[tuple[float, int, float | None, str | None]]] = {}
    facet_history: dict[str, list[per_night.Entry]] = {}
    if not earlier.empty:
        earlier = earlier.assign(_kept=~earlier["status"].isin(["fail", "error"])
                                 & ~_acked_nights(earlier, history.acks(on=dt.date.min)))
    for key, group in earlier.groupby("check_key", sort=False):
        values = group["observed"].where(group["observed"].notna(), group["failures"])
        series[key] = [float(v) for v in values if _present(v)]
        statuses[key] = list(zip(group["generated_at"], group["status"]))
        weekdays = [trends.weekday_of(at) for at in group["generated_at"]]
        scopes = [stored_scope(scope) for scope in group["scope"]]
        baselines[key] = [(float(v), d if d is not None else -1, float(limit) if _present(limit) else None, scope)
                          for v, d, limit, scope, keep in zip(values, weekdays, group["threshold"], scopes,
                                                              group["_kept"]) if keep and _present(v)]
        rules = [facets(m) for m in group["message"]]
        if any(rules):
            # the nights a record tells its rules' failing rows: a failure or warning names them, a pass has
            # none failing; the kept ones are the baseline, all count in a whole-table night's difference
            facet_history[key] = [(found, d, scope, bool(keep)) for found, d, scope, status, keep in
                                  zip(rules, weekdays, scopes, group["status"], group["_kept"])
                                  if found or status == "pass"]

    found, anomalies = {}, []
    tonight = trends.weekday_of(run.generated_at)
    for r in run.results:
        key = check_key(r)
        values, weekdays = comparable(baselines.get(key, []), r.threshold, scope_of(r))
        kind = trends.kind_of(r.check, r.observed, r.threshold)
        if kind == "duration" and not host_values:
            found[key] = Trend("not_trended", len(values), key=key, why="measures the host, not the data "
                                                                   "(trend it with trend_host_values: true)")
            continue
        if facets(r.message):
            # one record folds several rules: its value is a ratio one night, a row count or the number
            # of rules failing the next, as the rules failing change; each rule is trended on its own rows
            found[key] = Trend("not_trended", len(values), key=key,
                               why="folds several rules: each is trended on its own failing rows")
            if r.status not in FAILING:
                past, rows = rules_per_night(facet_history.get(key, []), r)
                anomalies += trends.facet_anomalies(r, key, past, tonight, rows=rows)
            continue
        median = statistics.median(values) if values else None
        # more failing rows is worse; fewer is good news, not an anomaly
        direction = "up" if kind == "count" else trends.direction_of(
            r.check, median, r.threshold, r.observed, r.status in (Status.WARN, Status.FAIL, Status.ERROR))
        t = trend(key, trend_value(r), values, kind=kind, direction=direction, weekdays=weekdays, weekday=tonight,
                  threshold=r.threshold)
        found[key] = t
        # a failing check is already reported as a failure
        if t.verdict == "anomaly" and r.status not in FAILING:
            anomalies.append(trends.anomaly_entry(r, t, key))
    trends_ = found

    previous_id = None
    run_list = earlier.drop_duplicates("run_id")
    if not run_list.empty:
        previous_id = run_list.sort_values("generated_at").iloc[-1]["run_id"]
    previous = earlier[earlier["run_id"] == previous_id] if previous_id else earlier.iloc[0:0]
    current = [{"check_key": check_key(r), "check": r.check, "model": r.model, "column": r.column,
                "status": str(r.status)} for r in run.results]
    changes = _changes(previous_id, previous.to_dict(orient="records"), current)
    comparable_previous, rescoped = previous_in_scope(earlier, previous, run)

    acks = history.acks()
    applied = []
    for r in run.results:
        ack = active_ack(r, acks)
        if ack:
            applied.append({"check_key": check_key(r), "check": r.check, "model": r.model, "column": r.column,
                            "reason": ack["reason"], "by": ack.get("acked_by"), "until": ack.get("until_date"),
                            "acked_at": ack.get("acked_at")})
    insufficient = sum(1 for t in trends_.values() if t.verdict == "insufficient_history")
    note = None
    if insufficient:
        note = (f"{insufficient} of {len(trends_)} checks have too little history for a trend "
                f"(needs {TREND_MIN_RUNS} earlier runs)")
    return {"trends": {k: t.__dict__ for k, t in trends_.items()}, "series": series, "status_series": statuses,
            "previous": {row["check_key"]: {"status": row["status"], "observed": _or_none(row["observed"]),
                                            "failures": _or_none(row["failures"]), "message": row["message"],
                                            "threshold": _or_none(row["threshold"])}
                         for row in comparable_previous},
            "rescoped": rescoped,
            "anomalies": anomalies, "changes": changes, "acks": applied,
            "acked_keys": [a["check_key"] for a in applied], "history_note": note,
            "history_runs": int(run_list.shape[0])}


def _changes(previous_id: str | None, previous: list[dict[str, Any]], current: list[dict[str, Any]]) -> dict[str, Any]:
    """New, fixed, newly failing and gone checks between two runs (failing = fail or error)."""
    out: dict[str, Any] = {"previous_run_id": previous_id, "new": [], "fixed": [], "newly_failing": [], "gone": []}
    if previous_id is None:
        return out
    before = {row["check_key"]: row for row in previous}
    now_keys = set()
    for row in current:
        key = row["check_key"]
        now_keys.add(key)
        entry = {k: row.get(k) for k in ("check_key", "check", "model", "column", "status")}
        old = before.get(key)
        if old is None:
            out["new"].append(entry)
        elif old["status"] in ("fail", "error") and row["status"] not in ("fail", "error"):
            out["fixed"].append(entry)
        elif old["status"] not in ("fail", "error") and row["status"] in ("fail", "error"):
            out["newly_failing"].append(entry)
    out["gone"] = [{"check_key": k, "check": before[k].get("check_name", before[k].get("check")),
                    "model": before[k].get("model")} for k in before if k not in now_keys]
    return out


def _as_entry(row: dict[str, Any]) -> dict[str, Any]:
    return {"check_key": row["check_key"], "check": row["check_name"], "model": row["model"],
            "column": row["column_name"] if _present(row["column_name"]) else None, "status": row["status"]}


def changes_between(frame: pd.DataFrame) -> dict[str, Any]:
    """What changed from the second newest to the newest run in a history frame."""
    order = frame.drop_duplicates("run_id").sort_values("generated_at")["run_id"].tolist()
    if not order:
        return _changes(None, [], [])
    latest = [_as_entry(r) for r in frame[frame["run_id"] == order[-1]].to_dict(orient="records")]
    if len(order) < 2:
        return {**_changes(None, [], []), "run_id": order[-1]}
    previous = [_as_entry(r) for r in frame[frame["run_id"] == order[-2]].to_dict(orient="records")]
    return {**_changes(order[-2], previous, latest), "run_id": order[-1]}


def summarize(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Per check over the frame's runs: pass rate, statuses and observed values oldest first."""
    rows = []
    frame = frame.sort_values("generated_at")
    for key, group in frame.groupby("check_key", sort=False):
        last = group.iloc[-1]
        statuses = group["status"].tolist()
        values = group["observed"].where(group["observed"].notna(), group["failures"])
        observed = [float(v) if _present(v) else None for v in values]
        numbers = [v for v in observed if v is not None]
        verdict = trend(key, numbers[-1] if numbers and observed[-1] is not None else None,
                        numbers[:-1] if observed and observed[-1] is not None else numbers)
        rows.append({
            "check_key": key, "check": last["check_name"], "model": last["model"],
            "column": last["column_name"] if _present(last["column_name"]) else None,
            "layer": last["layer"] if _present(last["layer"]) else None, "runs": len(statuses),
            "pass_rate": statuses.count("pass") / len(statuses), "last_status": statuses[-1],
            "statuses": statuses, "observed": observed, "trend": verdict.verdict, "trend_note": verdict.describe(),
        })
    rows.sort(key=lambda r: (r["pass_rate"], r["layer"] or "~", r["model"] or "", r["check"]))
    return rows
