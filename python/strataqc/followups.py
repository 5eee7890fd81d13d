"""Follow-ups: tonight's news that an incident told before already explains.

An incident unfolds over more than one night, and a known drift reaches more
than one feature. Such news joins the earlier incident (its id, its first
seen) instead of starting one, and the alert leaves it out (told by that
incident's message); the report shows it under the incident.

- Aftermath: in the AFTERMATH_HOURS after an incident was first seen, news its
  root feeds (lineage, as incidents.Grouping.reaches) is that incident still
  unfolding: the silent store's missing day shows as a gap once the next day
  lands, a day of missing lines as a broken run the night after.
- Echo: for ECHO_HOURS after an incident with a feature clearly past its
  limit, news on a feature built from exactly the same columns is that
  incident again (units x3 on one day reaches units_lag_7 a week later), and so
  is news on the model's output (prediction drift, realized accuracy) once its
  input clearly drifted.
- Spread: tonight's incident rooted in a feature newly failing or off its history, built
  from exactly the same columns as a feature of a known incident on the same
  model, is that drift reaching another window of the same column. A value that jumped at the
  same status (changed in substance) is news still.

A follow-up never fails worse than its host: then it is news.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlglot import exp

from strataqc.news import PROBLEM_RANK
from strataqc.problems import Incident, Problem, problem_columns
from strataqc.results import CheckResult, CheckType, Status

# how long after an incident was first seen the news its root feeds is that incident unfolding
AFTERMATH_HOURS = 36.0
# how long an incident on a feature explains news on features of the same columns: a lag echoes it
ECHO_HOURS = 7 * 24.0
# news that a known drift spreading explains: a first failure or a departure, not a jump in substance
SPREADING = ("new", "anomaly")


def _rank(p: Any) -> int:
    return max(PROBLEM_RANK.get(str(p.record.status), 0), 1 if p.anomaly else 0)


def _present(value: Any) -> Any:
    return None if value is None or value != value or str(value) == "<NA>" else value


def recent_roots(store: Any, before: str, hours: float = ECHO_HOURS) -> list[tuple[str, str, Any, list[Any]]]:
    """(incident id, first seen, root, members) as first seen, of the incidents someone was told of that
    were first seen in the `hours` before `before`, newest first."""
    try:
        since = (dt.datetime.fromisoformat(before.replace("Z", "+00:00")) - dt.timedelta(hours=hours))
    except ValueError:
        return []
    roots = store.roots_first_seen(since.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), before)
    if roots.empty:
        return []
    # a first night has nothing to tell news from: its incidents are the warehouse as found, not news
    roots = roots[roots["generated_at"] != store.history.runs()["generated_at"].min()]
    members = store.members_of(list(roots["run_id"].unique()))[["run_id", "incident_id", "check_key", "role"]]
    members = members.merge(roots[["run_id", "incident_id", "first_seen"]], on=["run_id", "incident_id"])
    told = _told(store, members)
    col = lambda name: exp.column(name, quoted=True)  # noqa: E731
    records = store.history._select("check_results", col("run_id").isin(
        *[exp.Literal.string(str(r)) for r in roots["run_id"].unique()]))
    by_key = {(row["run_id"], row["check_key"]): row for row in records.to_dict(orient="records")}
    found: dict[str, tuple[str, str, Any, list[Any]]] = {}
    for m in members.sort_values("first_seen", ascending=False).to_dict(orient="records"):
        incident_id = str(m["incident_id"])
        stored = by_key.get((m["run_id"], str(m["check_key"]).partition("#")[0]))
        if incident_id not in told or stored is None:
            continue
        p = _stored_problem(str(m["check_key"]), stored)
        entry = found.setdefault(incident_id, (incident_id, str(m["first_seen"]), None, []))
        entry[3].append(p)
        if m["role"] == "root":
            found[incident_id] = (incident_id, entry[1], p, entry[3])
    return [entry for entry in found.values() if entry[2] is not None]


def _stored_problem(key: str, stored: dict[str, Any]) -> Any:
    """A problem as the history stored it (columns from its column, else its failing rules)."""
    record = CheckResult(check=stored["check_name"], status=Status(stored["status"]), model=_present(stored["model"]),
                         column=_present(stored["column_name"]), check_type=CheckType(stored["check_type"]),
                         layer=_present(stored["layer"]), observed=_present(stored["observed"]),
                         threshold=_present(stored["threshold"]), message=_present(stored["message"]) or "")
    anomaly = record.status not in (Status.FAIL, Status.ERROR, Status.WARN)
    return Problem(key, record, problem_columns(record) or _rule_columns(record), anomaly=anomaly)


def _told(store: Any, members: Any) -> set[str]:
    """The incidents someone was told of: a member alerted (not pending) on or after the night it was first
    seen. An incident nobody was told of explains nothing: its news would never be heard."""
    from strataqc.crossing import is_pending

    state = store.history.alert_state()
    told = set()
    for row in members.to_dict(orient="records"):
        for key in (row["check_key"], "anomaly|" + str(row["check_key"])):
            alerted = state.get(key)
            if alerted is not None and not is_pending(alerted) and \
                    str(alerted.get("last_alerted_at") or "") >= str(row["first_seen"]):
                told.add(str(row["incident_id"]))
    return told


def _rule_columns(record: CheckResult) -> frozenset[str] | None:
    """column_checks: the columns its failing rules name in the stored message."""
    from strataqc.substance import facets

    named = {facet.split(":", 1)[0] for facet in facets(record.message)}
    return frozenset(named) or None


def _spread_host(p: Any, known: list[Any], grouping: Any) -> Any:
    """The known incident with a feature built from exactly p's columns, failing at least as badly."""
    if p.why not in SPREADING:
        return None
    sources = grouping._sources(p)
    if not sources:
        return None
    for host in known:
        if any(q.model == p.model and _rank(q) >= _rank(p) and grouping._sources(q) == sources
               for q in host.members):
            return host
    return None


def _aftermath_host(p: Any, recent: list[tuple[str, str, Any, list[Any]]], grouping: Any, tonight: str,
                    aftermath_hours: float = AFTERMATH_HOURS) -> tuple[str, str] | None:
    """The recent incident whose root feeds p (or with a member built from the same columns), failing at
    least as badly."""
    sources = grouping._sources(p)
    for incident_id, first_seen, root, members in recent:
        if max(_rank(q) for q in members) < _rank(p):
            continue
        hours = _hours(first_seen, tonight)
        siblings = [q for q in members if sources and q.model == p.model and grouping._sources(q) == sources]
        if hours <= aftermath_hours and (grouping.reaches(root, p) or siblings
                                         or any(q.key == p.key for q in members)):
            return incident_id, first_seen
        if hours <= ECHO_HOURS and any(_clear(q.record) for q in siblings):
            return incident_id, first_seen  # the same columns' incident echoing in a lagged feature
        if hours <= ECHO_HOURS and p.record.check_type is CheckType.MODEL_QUALITY and any(
                q.model == p.model and q.record.check_type is CheckType.DRIFT and _clear(q.record) for q in members):
            return incident_id, first_seen  # the model's output moving after its input clearly drifted
    return None


def _hours(earlier: str, later: str) -> float:
    try:
        a, b = (dt.datetime.fromisoformat(x.replace("Z", "+00:00")) for x in (earlier, later))
    except ValueError:
        return float("inf")
    return (b - a).total_seconds() / 3600


def absorb(news: list[Any], known: list[Any], recent: list[tuple[str, str, Any]], grouping: Any, tonight: str,
           aftermath_hours: float = AFTERMATH_HOURS) -> tuple[list[Any], list[Any], dict[str, str]]:
    """(tonight's incidents still news, incidents continuing a recent one, check key -> host incident id)."""
    followups: dict[str, str] = {}
    by_id = {i.id: i for i in known}
    continuing: dict[tuple[str, str], list[Any]] = {}
    kept = []
    for incident in _without_spread(news, known, grouping, followups):
        moved = set()
        for p in incident.members:
            found = _aftermath_host(p, recent, grouping, tonight, aftermath_hours)
            if found is None:
                continue
            moved.add(p.key)
            followups[p.key] = found[0]
            if found[0] in by_id:
                by_id[found[0]].symptoms.append(p)
            else:
                continuing.setdefault(found, []).append(p)
        kept += _regroup(incident, moved, grouping)
    continued = []
    for (incident_id, first_seen), members in continuing.items():
        members = sorted(members, key=grouping.rank)
        continued.append(Incident(members[0], members[1:], incident_id, first_seen))
    return kept, continued, followups


def _without_spread(news: list[Any], known: list[Any], grouping: Any, followups: dict[str, str]) -> list[Any]:
    """Tonight's incidents once a root that is a known drift spreading joined that drift's incident; what
    it fed is grouped anew (a symptom tonight's root explains stays with it)."""
    todo, out = list(news), []
    while todo:
        incident = todo.pop(0)
        host = _spread_host(incident.root, known, grouping)
        if host is None:
            out.append(incident)
            continue
        host.symptoms.append(incident.root)
        followups[incident.root.key] = host.id
        todo += grouping.incidents(incident.symptoms)
    return out


def _regroup(incident: Any, moved: set[str], grouping: Any) -> list[Any]:
    """Tonight's incident without the problems that joined earlier ones."""
    if not moved:
        return [incident]
    if incident.root.key not in moved:
        incident.symptoms = [p for p in incident.symptoms if p.key not in moved]
        return [incident]
    return grouping.incidents([p for p in incident.symptoms if p.key not in moved])


def _clear(r: CheckResult) -> bool:
    """A failure well past its limit (not a creep): a real effect whose echoes are expected."""
    from strataqc.crossing import CROSSING_MARGIN

    if r.observed is None or not r.threshold:
        return False
    return abs(float(r.observed) - float(r.threshold)) > CROSSING_MARGIN * abs(float(r.threshold))
