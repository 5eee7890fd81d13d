"""Incidents: tonight's failures and anomalies grouped through lineage, one root each (DESIGN §7).

A problem is a record that fails, warns or errors, or whose value left its own
history (an anomaly). One problem feeds another when the lineage lets its defect
reach the other's model and column:

- across models, a check feeds the checks whose columns derive from its columns
  (a column test's column, column_checks' failing rules, a model test's key, date or
  value column); a check that names no column stands for its whole model;
- a check on a whole model's values (multivariate drift, model quality) is fed by
  any problem of its model or upstream;
- on one model, checks of rows (keys, continuity, volume, counts) feed each other,
  and checks of values feed those of the same column: a missing day does not make
  a price negative.

An incident's root is a problem nothing else feeds (the most upstream, where the
defect can first be seen); every problem it feeds, directly or through others, is
a symptom. A symptom fed by two roots stays with the more upstream one.

Tonight's news is told apart from what failed last night too: a problem that is new,
worse or changed in substance since the previous run (substance.py), or an anomaly,
is grouped only with tonight's other news, under the most upstream of them; the
problems unchanged since last night keep their own long-running incidents. A planted
defect is then rooted where it lands, even on a model whose everyday defects warn
every night. Drift in ADS that is news goes to tonight's incident whose root feeds
it, else it roots one of its own in ADS (a shifted feature is first seen there); it
never joins a long-running incident. Without a previous run every problem is news.

Incidents persist: tonight's incident of unchanged problems keeps the id of last
night's when its root (or most of its members) were in it, with the `first_seen` of
then; an incident of tonight's news is new, first seen tonight.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from strataqc import followups
from strataqc.problems import (  # noqa: F401  (the names incidents are read by)
    COLUMN_ARGUMENTS, PROBLEM, ROW_CHECKS, Incident, Problem, _columns_text, problem_columns)
from strataqc.layers import layer_rank
from strataqc.lineage import Lineage
from strataqc.results import CheckResult, CheckType, Status, worst
from strataqc.run import QCRun, check_key, status_rank
from strataqc.news import PROBLEM_RANK, news

log = logging.getLogger(__name__)

ROOT, SYMPTOM = "root", "symptom"
TABLE = "incident_members"
MEMBER_COLUMNS = {"run_id": "TEXT", "generated_at": "TEXT", "incident_id": "TEXT", "check_key": "TEXT",
                  "role": "TEXT", "first_seen": "TEXT"}


def problems(run: QCRun) -> list[Problem]:
    """Tonight's failures, warnings, errors and anomalies, one per check."""
    found: dict[str, Problem] = {}
    for r in run.results:
        if r.status in PROBLEM and r.model:
            found[check_key(r)] = Problem(check_key(r), r, problem_columns(r))
    by_key = {check_key(r): r for r in run.results}
    for a in run.context.get("anomalies") or []:
        key = str(a.get("check_key") or "")
        # one rule of a column_checks record is trended on its own ("KEY#units: value_range"): its column
        record_key, facet, _ = key.partition("#")
        r = by_key.get(record_key)
        if key in found:
            found[key].anomaly = True  # a warning whose value left its history (more re-sent lines): news
            continue
        if r is None or not r.model:
            continue
        columns = frozenset({str(a["column"])}) if facet and a.get("column") else problem_columns(r)
        found[key] = Problem(key, r, columns, anomaly=True)
    return list(found.values())


class Grouping:
    """Which problem feeds which, through one lineage."""

    def __init__(self, lineage: Lineage, load_records: bool = False):
        self.lineage = lineage
        self.load_records = load_records  # tonight's news: a load record reaches all it loads

    def rank(self, p: Problem) -> tuple:
        # upstream first: layer, then depth in the DAG; row checks before column checks; worst first
        return (layer_rank(p.record.layer), len(self.lineage.upstream_models(p.model)), not p.rows,
                p.columns is None, p.anomaly, status_rank(p.record.status), p.key)

    def reaches(self, a: Problem, b: Problem) -> bool:
        if self.load_records and a.model != b.model and self._load_record(a.model):
            return True  # the load's own record (its log): a late file tonight reaches all it loads
        if a.model == b.model:
            if b.columns is None and not b.rows:
                return True  # a check on all of a model's values sees any defect of the model
            if a.rows or b.rows:
                # one model's row defects are one set of rows (a re-sent line is also more volume);
                # a missing day does not make a price negative, nor the reverse
                return a.rows and b.rows
            return a.columns is None or b.columns is None or bool(a.columns & b.columns)
        ups = [None] if a.columns is None else sorted(a.columns)
        downs = [None] if b.columns is None else sorted(b.columns)
        return any(self.lineage.feeds((a.model, u), (b.model, d)) for u in ups for d in downs)

    def _load_record(self, model: str) -> bool:
        """A source nothing is built from: a record of the load itself (the load log), not loaded data."""
        return self.lineage.layers.get(model) == "source" and not self.lineage.downstream_models(model)

    def feeds(self, a: Problem, b: Problem) -> bool:
        if a is b or not self.reaches(a, b):
            return False
        return not self.reaches(b, a) or self.rank(a) < self.rank(b)

    def incidents(self, found: list[Problem]) -> list[Incident]:
        found = sorted(found, key=self.rank)
        fed_by = {p.key: [q for q in found if self.feeds(q, p)] for p in found}
        roots = [p for p in found if not fed_by[p.key]]
        by_root = {p.key: Incident(p) for p in roots}
        for p in found:
            if p.key in by_root:
                continue
            # walk up the feeding problems to the roots above; the most upstream root takes the symptom
            seen, todo, reached = {p.key}, list(fed_by[p.key]), []
            while todo:
                q = todo.pop()
                if q.key in seen:
                    continue
                seen.add(q.key)
                if q.key in by_root:
                    reached.append(q)
                todo += fed_by[q.key]
            if reached:
                # a root whose column feeds the symptom's column explains it better than one about rows
                best = min(reached, key=lambda q: (q.columns is None or p.columns is None, self.rank(q)))
                by_root[best.key].symptoms.append(p)
            else:  # a cycle the ranks could not break: its own incident
                by_root[p.key] = Incident(p)
        return sorted(by_root.values(), key=lambda i: self.rank(i.root))


    def _sources(self, p: Problem) -> frozenset[str] | None:
        if p.rows or not p.columns:
            return None
        found = {c for col in p.columns for c in self.lineage.upstream_columns(p.model, col) if not c.endswith(".")}
        return frozenset(found) or None

    def siblings(self, found: list[Incident]) -> list[Incident]:
        """Tonight's incidents rooted on one model in columns built from exactly the same columns (units x3
        drifts every units feature of ADS at once) are one incident: none feeds the other, one cause feeds both."""
        out: list[Incident] = []
        for incident in found:
            sources = self._sources(incident.root)
            host = next((o for o in out if sources and o.root.model == incident.root.model
                         and self._sources(o.root) == sources), None)
            if host is None:
                out.append(incident)
            else:
                host.symptoms += incident.members
        return out


# -- persistence across nights ----------------------------------------------------------------------

def _new_id(root_key: str, first_seen: str) -> str:
    return "INC-" + hashlib.sha1(f"{root_key}|{first_seen}".encode()).hexdigest()[:8]


def _streak_start(run: QCRun, key: str) -> str:
    """When the root's current run of bad nights began (from the stored statuses), tonight if it is new."""
    start = run.generated_at
    for when, status in reversed((run.context.get("status_series") or {}).get(key, [])):
        if status not in ("fail", "error", "warn"):
            break
        start = str(when)
    return start


def assign_ids(incidents: list[Incident], previous: dict[str, tuple[str, str]], run: QCRun) -> None:
    """Last night's id for an incident whose root, or most members, were in it; a new id otherwise."""
    taken: set[str] = set()
    for incident in incidents:
        if incident.root.key in previous and previous[incident.root.key][0] not in taken:
            incident.id, incident.first_seen = previous[incident.root.key]
        else:
            votes = Counter(previous[p.key] for p in incident.members if p.key in previous
                            and previous[p.key][0] not in taken)
            if votes:
                incident.id, incident.first_seen = votes.most_common(1)[0][0]
            else:
                incident.first_seen = _streak_start(run, incident.root.key)
                incident.id = _new_id(incident.root.key, incident.first_seen)
        taken.add(incident.id)


def start_tonight(incidents: list[Incident], taken: set[str], run: QCRun) -> None:
    """Tonight's news starts incidents of their own, first seen tonight (never last night's id, which the
    unchanged failures keep); unchanged tomorrow, each continues under its id."""
    for incident in incidents:
        incident.first_seen = run.generated_at
        incident.id = _new_id(incident.root.key, incident.first_seen)
        n = 1
        while incident.id in taken:
            n += 1
            incident.id = _new_id(f"{incident.root.key}#{n}", incident.first_seen)
        taken.add(incident.id)


class IncidentStore:
    """Incident membership per run, beside the check history (same schema, same warehouse)."""

    def __init__(self, history: Any):
        self.history = history

    def ensure(self) -> None:
        self.history.ensure()
        schema = exp.Schema(this=self.history._table(TABLE), expressions=[
            exp.ColumnDef(this=exp.to_identifier(c, quoted=True), kind=exp.DataType.build(t))
            for c, t in MEMBER_COLUMNS.items()])
        self.history.wh.execute(exp.Create(this=schema, kind="TABLE", exists=True))

    def previous(self, before: str) -> dict[str, tuple[str, str]]:
        """check_key -> (incident_id, first_seen) of the newest stored run before `before`.

        Only that run counts: a night without the failure in between ends its incident."""
        self.ensure()
        runs = self.history.runs()
        runs = runs[runs["generated_at"] < before]
        if runs.empty:
            return {}
        frame = self.history.wh.query(exp.select("*").from_(self.history._table(TABLE)).where(
            exp.column("run_id", quoted=True).eq(exp.Literal.string(str(runs.iloc[0]["run_id"])))))
        return {row["check_key"]: (row["incident_id"], row["first_seen"]) for row in frame.to_dict(orient="records")}

    def roots_first_seen(self, since: str, before: str) -> Any:
        """The roots stored the night their incident was first seen, in [since, before)."""
        self.ensure()
        col = lambda name: exp.column(name, quoted=True)  # noqa: E731
        return self.history.wh.query(exp.select("*").from_(self.history._table(TABLE)).where(exp.and_(
            col("role").eq(exp.Literal.string(ROOT)), col("first_seen").eq(col("generated_at")),
            exp.LT(this=col("generated_at"), expression=exp.Literal.string(before)),
            exp.GTE(this=col("generated_at"), expression=exp.Literal.string(since)))))

    def members_of(self, run_ids: list[str]) -> Any:
        """Every member stored for these runs."""
        self.ensure()
        return self.history.wh.query(exp.select("*").from_(self.history._table(TABLE)).where(
            exp.column("run_id", quoted=True).isin(*[exp.Literal.string(str(r)) for r in run_ids])))

    def save(self, run: QCRun, incidents: list[Incident]) -> None:
        self.ensure()
        rows = [{"run_id": run.run_id, "generated_at": run.generated_at, "incident_id": i.id, "check_key": p.key,
                 "role": ROOT if p is i.root else SYMPTOM, "first_seen": i.first_seen}
                for i in incidents for p in i.members]
        statements: list[Any] = []
        if self.history.wh.dialect not in ("spark",):  # no DELETE there: a re-run appends, the newest wins
            statements.append(exp.delete(self.history._table(TABLE), where=exp.column("run_id", quoted=True).eq(
                exp.Literal.string(run.run_id))))
        if rows:
            statements.append(self.history._insert(TABLE, MEMBER_COLUMNS, rows))
        self.history._in_transaction(statements)


# -- the run's view ---------------------------------------------------------------------------------

def _path(lineage: Lineage, incident: Incident, run: QCRun) -> dict[str, Any]:
    """The models from the root to every symptom, with their worst status tonight, and the edges between."""
    root = incident.root.model
    below = lineage.downstream_models(root)
    models = {root}
    for p in incident.symptoms:
        models.add(p.model)
        if p.model in below:
            models |= lineage.upstream_models(p.model) & below
    # a model is coloured by this incident's checks on it; a model it only passes through by its own checks
    statuses: dict[str, list[Status]] = {}
    for p in incident.members:
        statuses.setdefault(p.model, []).append(p.record.status if p.record.status in PROBLEM else Status.WARN)
    for r in run.results:
        if r.model in models - set(statuses):
            statuses.setdefault(r.model, []).append(r.status)
    bad = {p.model for p in incident.symptoms}
    nodes = [{"model": m, "layer": lineage.layers.get(m) or _layer_of(run, m),
              "status": str(worst(statuses[m])) if m in statuses else "skip",
              "checks": [f"{p.record.check}" + (f" {_columns_text(p)}" if p.columns else "")
                         for p in incident.members if p.model == m],
              "role": ROOT if m == root else (SYMPTOM if m in bad else "path")}
             for m in sorted(models, key=lambda m: (layer_rank(lineage.layers.get(m) or _layer_of(run, m)), m))]
    edges = sorted([parent, m] for m in models for parent in lineage.parents.get(m, []) if parent in models)
    return {"nodes": nodes, "edges": edges}


def _layer_of(run: QCRun, model: str) -> str | None:
    return next((r.layer for r in run.results if r.model == model), None)


def describe(incident: Incident, lineage: Lineage, run: QCRun, acked: set[str]) -> dict[str, Any]:
    return {"id": incident.id, "root": incident.root.describe(),
            "symptoms": [p.describe() for p in incident.symptoms], "layers": incident.layers(),
            "first_seen": incident.first_seen, "headline": incident.headline(),
            "acknowledged": incident.root.key in acked, "path": _path(lineage, incident, run)}


def attach(run: QCRun, lineage: Lineage, history: Any = None,
           aftermath_hours: float = followups.AFTERMATH_HOURS) -> list[Incident]:
    """Group tonight's problems into incidents; stamp `incident_id` and `role` on their records.

    News that an incident told before explains joins it (followups.py): `run.context["followups"]`."""
    grouping = Grouping(lineage)
    fresh, known = news(problems(run), run)
    # tonight's news against last night: a load record that is news reaches all it loads (not the
    # everyday rejects grouping the everyday defects)
    tonight = Grouping(lineage, load_records=bool(run.context.get("previous")))
    old, new = grouping.incidents(known), tonight.siblings(tonight.incidents(fresh))
    store = IncidentStore(history) if history is not None else None
    previous = store.previous(run.generated_at) if store is not None else {}
    if run.context.get("previous"):
        assign_ids(old, previous, run)
        recent = followups.recent_roots(store, run.generated_at) if store is not None else []
        new, continued, run.context["followups"] = followups.absorb(new, old, recent, grouping, run.generated_at,
                                                                    aftermath_hours)
        start_tonight(new, {i.id for i in old + continued}, run)
        new += continued
    else:  # no previous run to tell news from: every incident continues by its members, as ever
        assign_ids(new, previous, run)
    found = sorted(old + new, key=lambda i: grouping.rank(i.root))
    roles = {p.key: (i.id, ROOT if p is i.root else SYMPTOM) for i in found for p in i.members}
    run.results = [r.replace(incident_id=roles[k][0], role=roles[k][1]) if (k := check_key(r)) in roles else r
                   for r in run.results]
    acked = set(run.context.get("acked_keys") or [])
    run.context["incidents"] = [describe(i, lineage, run, acked) for i in found]
    if store is not None:
        store.save(run, found)
    return found


def quieted(r: CheckResult, run: QCRun, acks: Any = None) -> bool:
    """A symptom whose incident's root is acknowledged: the root speaks for it, and it is known."""
    if r.role != SYMPTOM:
        return False
    incident = next((i for i in run.context.get("incidents") or [] if i["id"] == r.incident_id), None)
    if incident is None:
        return False
    if incident.get("acknowledged") or incident["root"]["check_key"] in (run.context.get("acked_keys") or []):
        return True
    if acks is None:
        return False
    from strataqc.history import active_ack

    root = next((x for x in run.results if check_key(x) == incident["root"]["check_key"]), None)
    return root is not None and active_ack(root, acks) is not None


REASONS = ("new", "changed", "anomaly", "reminder", "crept")


def alert_lines(run: QCRun, reasons: dict[str, str]) -> tuple[list[str], set[str]]:
    """One line per incident with something to say tonight (check key -> why it is said); the keys covered."""
    lines, covered = [], set()
    for incident in run.context.get("incidents") or []:
        member_keys = {m["check_key"] for m in [incident["root"], *incident["symptoms"]]}
        said = [reasons[k] for k in member_keys if k in reasons]
        if not said:
            continue
        covered |= member_keys
        why = min(said, key=lambda r: REASONS.index(r) if r in REASONS else len(REASONS))
        lines.append(f"  - [{incident['root']['status']}] {incident['headline']} ({incident['id']}, since "
                     f"{str(incident['first_seen'])[:10]}) — {why}{_news_of(incident, reasons, why)}")
    return lines, covered


SAID_SYMPTOMS = 3  # symptoms named on an incident's line, beyond its root


def _news_of(incident: dict[str, Any], reasons: dict[str, str], why: str) -> str:
    """": feature_drift on ads_demand_features.units_mean_7d, …": the symptoms that are tonight's news
    (the root's line alone would hide what failed where)."""
    if why not in ("new", "changed", "anomaly"):
        return ""
    named = [f"{m['check']} on {m['model']}" + (f".{m['column']}" if m.get("column") else "")
             for m in incident["symptoms"] if reasons.get(m["check_key"]) in ("new", "changed", "anomaly")]
    if not named:
        return ""
    more = f" and {len(named) - SAID_SYMPTOMS} more" if len(named) > SAID_SYMPTOMS else ""
    return ": " + ", ".join(named[:SAID_SYMPTOMS]) + more


def for_night(run: QCRun, artifacts: Any, history: Any = None) -> None:
    """The night's hook: lineage from the artifacts (cached), then incidents; a failure here costs only them."""
    from strataqc import lineage

    try:
        attach(run, lineage.load(artifacts.target_path, artifacts.manifest), history)
    except Exception as exc:  # the report and the alert still go out, ungrouped
        log.error("incidents not grouped: %s: %s", type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
