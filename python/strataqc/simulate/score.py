"""Score a simulation: which incidents were alerted the night they landed, and what else was said.

An incident is caught by a message item on one of its checks (a dbt test name,
matched through dbt's manifest to its model and generic test, or a Python
check's name). A message item belongs to the latest incident landed on or
before that night whose checks it matches. A message counts for an incident
when it carries news of it; a reminder or a creep riding along is a mention
(`mentioned`), not a message it caused. An item is "repeated" when it comes
again although no planted incident touched its check that night: within
`reminder_hours` of its last mention, or as a reminder other than the one due
`reminder_hours` after it was alerted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from strataqc.simulate.messages import Item


def test_names(dbt_manifest: Path) -> dict[str, tuple[str | None, str]]:
    """dbt test name -> (model or source table it is attached to, generic test name)."""
    if not dbt_manifest.exists():
        return {}
    doc = json.loads(dbt_manifest.read_text())
    nodes = doc.get("nodes", {})
    parents = {**nodes, **doc.get("sources", {})}
    out: dict[str, tuple[str | None, str]] = {}
    for node in nodes.values():
        if node.get("resource_type") != "test":
            continue
        # a singular test on one source (the load log) is attached to that source, as in the report
        attached = node.get("attached_node") or next(
            (d for d in (node.get("depends_on") or {}).get("nodes", []) if d.startswith(("model.", "source."))), None)
        model = parents.get(attached, {}).get("name") if attached else None
        generic = ((node.get("test_metadata") or {}).get("name")) or node.get("name")
        out[node["name"]] = (model, generic)
    return out


# what rides along with a message that has news, never sending one (alerts.RIDERS)
RIDERS = ("reminder", "crept")

# Python checks judged per column: they catch an incident on the column it was planted in, not on
# whatever else drifts that night (the demo's predict window drifts on purpose)
PER_COLUMN = ("feature_drift", "missing_values", "new_categories", "similar_strings")


def planted_columns(incident: dict[str, Any]) -> set[str]:
    """ADS columns a planted incident moves: its recorded column, and the features built on a sales column."""
    column = incident.get("column")
    planted = {column} if column else set()
    source = (incident.get("options") or {}).get("column")
    if source == "units" or column == "units":
        planted |= {"units_lag_1", "units_lag_7", "units_lag_14", "units_lag_28", "units_mean_7d", "units_mean_28d",
                    "units_mean_14d_centered", "units_next_7d"}
    elif source:
        planted.add(source)
    return planted


def matches(item: Item, incident: dict[str, Any], tests: dict[str, tuple[str | None, str]]) -> bool:
    if item.section == "fixed":
        return False
    for name in incident["checks"]:
        if name in tests:
            model, generic = tests[name]
            if item.model == model and item.check in (name, generic):
                return True
        elif item.check == name and (item.model in (incident["model"], "landing", "dbt build")
                                     or item.model and item.model.startswith("ads")):
            columns = planted_columns(incident)
            if name in PER_COLUMN and item.column and columns and item.column not in columns:
                continue
            return True
    return False


def score(nights: list[dict[str, Any]], incidents: list[dict[str, Any]], tests: dict[str, tuple[str | None, str]],
          reminder_hours: float) -> dict[str, Any]:
    """`nights`: [{night, exit_code, messages: [{title, items: [Item]}]}]; `incidents` from the manifest."""
    landed: dict[int, list[dict[str, Any]]] = {}
    for inc in incidents:
        landed.setdefault(inc["night"], []).append(inc)
    per_incident = [{**inc, "alerted_night": None, "messages": 0, "mentioned": 0, "caught_by": []}
                    for inc in incidents]
    last_said: dict[tuple, int] = {}
    reminded: set[tuple] = set()
    repeated: list[dict[str, Any]] = []
    quiet = []
    for night in nights:
        n = night["night"]
        for message in night["messages"]:
            owners: set[int] = set()
            caused: set[int] = set()  # incidents with news in this message: riders do not send one
            said: set[tuple] = set()  # an incident's line names more than one check: one mention
            def owner_of(item: Item) -> int | None:
                found = None
                for i, inc in enumerate(per_incident):
                    if inc["night"] <= n and matches(item, inc, tests):
                        found = i if found is None or per_incident[found]["night"] <= inc["night"] else found
                return found

            # an incident's line (its root and named symptoms) is about the latest incident any of it matches
            line_owner: dict[str, int] = {}
            for item in message["items"]:
                found = owner_of(item)
                if item.incident and found is not None and (
                        item.incident not in line_owner
                        or per_incident[line_owner[item.incident]]["night"] < per_incident[found]["night"]):
                    line_owner[item.incident] = found
            for item in message["items"]:
                owner = line_owner.get(item.incident) if item.incident else owner_of(item)
                if owner is not None:
                    owners.add(owner)
                    if item.reason not in RIDERS:
                        caused.add(owner)
                    inc = per_incident[owner]
                    if inc["alerted_night"] is None:
                        inc["alerted_night"] = n
                    if n == inc["night"] and len(inc["caught_by"]) < 10:
                        inc["caught_by"].append(f"{item.check} on {item.model}" + (f".{item.column}" if item.column
                                                                                    else ""))
                if item.section == "fixed":
                    continue
                key = item.key
                fresh_cause = owner is not None and per_incident[owner]["night"] == n
                if key in said:
                    continue
                said.add(key)
                if key in last_said and not fresh_cause:
                    # the one reminder of an alert, `reminder_hours` after it: anything else is a repeat
                    due = (n - last_said[key]) * 24 >= reminder_hours and key not in reminded
                    if due and item.reason in RIDERS:
                        reminded.add(key)
                    elif item.reason in RIDERS or (n - last_said[key]) * 24 < reminder_hours:
                        repeated.append({"night": n, **item.as_dict()})
                if item.reason not in RIDERS:
                    reminded.discard(key)  # news of it again: a new alert, which may be reminded once
                last_said[key] = n
            for i in owners:
                per_incident[i]["mentioned"] += 1
            for i in caused:
                per_incident[i]["messages"] += 1
        if n >= 1 and n not in landed:
            quiet.append({"night": n, "messages": len(night["messages"]),
                          "items": sum(len(m["items"]) for m in night["messages"]),
                          "what": sorted({f"{it.section}: {it.check} on {it.model}" for m in night["messages"]
                                          for it in m["items"]})[:20]})
    for inc in per_incident:
        inc["same_night"] = inc["alerted_night"] == inc["night"]
    total = len(per_incident)
    same = sum(inc["same_night"] for inc in per_incident)
    return {
        "incidents": per_incident,
        "quiet_nights": quiet,
        "repeated_items": repeated,
        "totals": {
            "incidents": total,
            "alerted_same_night": same,
            "share_alerted_same_night": round(same / total, 3) if total else None,
            "in_exactly_one_message": sum(inc["messages"] == 1 for inc in per_incident),
            "messages_per_incident": round(sum(inc["messages"] for inc in per_incident) / total, 2) if total else None,
            "mentions_per_incident": round(sum(inc["mentioned"] for inc in per_incident) / total, 2) if total else None,
            "quiet_nights": len(quiet),
            "quiet_nights_with_message": sum(q["messages"] > 0 for q in quiet),
            "items_repeated": len(repeated),
            "messages": sum(len(night["messages"]) for night in nights),
            "nights_with_more_than_one_message": sum(len(night["messages"]) > 1 for night in nights),
        },
    }


def table(doc: dict[str, Any]) -> str:
    """The detection table printed by `qc-report simulate` and written beside detection.json."""
    lines = ["incident                          landed  alerted  messages  caught by"]
    for inc in doc["incidents"]:
        alerted = "-" if inc["alerted_night"] is None else str(inc["alerted_night"])
        caught = ", ".join(dict.fromkeys(inc["caught_by"])) or (
            f"not caught: missing check: {inc['missing_check']}" if inc.get("missing_check") else
            "not alerted" + (f" (night exit {inc['exit_code']})" if inc.get("exit_code") not in (None, 0, 1) else ""))
        lines.append(f"{inc['kind']:<33} {inc['night']:>6}  {alerted:>7}  {inc['messages']:>8}  {caught[:110]}")
    lines += ["", "quiet night  messages  items  what"]
    for q in doc["quiet_nights"]:
        if q["messages"]:
            lines.append(f"{q['night']:>11}  {q['messages']:>8}  {q['items']:>5}  {'; '.join(q['what'])[:120]}")
    silent = sum(1 for q in doc["quiet_nights"] if not q["messages"])
    lines.append(f"({silent} of {len(doc['quiet_nights'])} quiet nights without a message)")
    t = doc["totals"]
    share = "-" if t["share_alerted_same_night"] is None else f"{t['share_alerted_same_night']:.0%}"
    lines += ["", f"incidents alerted the night they land: {t['alerted_same_night']} of {t['incidents']} ({share}); "
                  f"in exactly one message: {t['in_exactly_one_message']}",
              f"quiet nights with a message: {t['quiet_nights_with_message']} of {t['quiet_nights']}",
              f"items repeated within the reminder interval: {t['items_repeated']}",
              f"messages per incident: {t['messages_per_incident']} (mentioned in {t.get('mentions_per_incident')}, "
              f"with reminders); messages in all: {t['messages']}"]
    return "\n".join(lines)
