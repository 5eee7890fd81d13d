"""Read an alert message back into items (section, model, check, column, reason), as the on-call person would."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

FAILURE = re.compile(r"^\s+- \[(?P<status>\w+)\] (?P<check>[^\s.:]+)(?:\.(?P<column>[^:]+))?: (?P<text>.*?)"
                     r"(?: — (?P<reason>new|changed|reminder|crept))?$")
ON_MODEL = re.compile(r"^\s+- (?P<check>\S+) on (?P<model>[^\s.:()]+)(?:\.(?P<column>[^\s:()]+))?(?P<text>.*)$")
MODEL = re.compile(r"^(?P<model>[^\s#-][^\s:]*):$")
# "  - [warn] root: dwd_sales.unit_price value_range; 2 symptoms in dws, ads (INC-1a2b3c4d, since 2026-04-01) — new"
# and the symptoms that are news: "— new: feature_drift on ads_demand_features.unit_price, … and 2 more"
INCIDENT = re.compile(r"^\s+- \[(?P<status>\w+)\] root: (?P<model>[^\s.]+)(?:\.(?P<column>\S+))? (?P<check>[^\s;(]+)"
                      r".*\((?P<incident>INC-\w+), since [^)]*\)(?: — (?P<reason>\w+)(?:: (?P<said>.*))?)?$")
SAID = re.compile(r"(?P<check>[^\s,]+) on (?P<model>[^\s.,]+)(?:\.(?P<column>[^\s,]+))?")


@dataclass(frozen=True)
class Item:
    section: str  # failure | anomaly | fixed
    model: str | None
    check: str
    column: str | None
    reason: str | None = None
    incident: str | None = None  # an incident's line speaks for its root and every symptom (DESIGN §7)

    @property
    def key(self) -> tuple[str, str | None, str, str | None]:
        """What is said: an incident's line is its incident (its root's columns narrow to tonight's news)."""
        if self.incident and self.section != "fixed":
            return ("incident", None, self.incident, None)
        return ("fixed" if self.section == "fixed" else "alert", self.model, self.check, self.column)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(body: str) -> list[Item]:
    items: list[Item] = []
    section, model = None, None
    for line in body.splitlines():
        if line.startswith("## "):
            name = line[3:].strip().lower()
            section = "anomaly" if name.startswith("trend") else "fixed" if name.startswith("fixed") else \
                "failure" if name in ("ods", "dwd", "dws", "ads", "other", "could not run") else name
            model = None
            continue
        if section == "failure":
            m = MODEL.match(line)
            if m:
                model = m.group("model")
                continue
            m = FAILURE.match(line)
            if m:
                items.append(Item("failure", model, m.group("check"), m.group("column"), m.group("reason")))
        elif section == "incidents":
            m = INCIDENT.match(line)
            if m:
                items.append(Item("failure", m.group("model"), m.group("check"), m.group("column"),
                                  m.group("reason"), m.group("incident")))
                items += [Item("failure", s.group("model"), s.group("check"), s.group("column"), m.group("reason"),
                               m.group("incident")) for s in SAID.finditer(m.group("said") or "")]
        elif section in ("anomaly", "fixed"):
            m = ON_MODEL.match(line)
            if m:
                items.append(Item(section, m.group("model"), m.group("check"), m.group("column")))
    return items
