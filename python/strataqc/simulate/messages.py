"""Read an alert message back into items (section, model, check, column, reason), as the on-call person would."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

FAILURE = re.compile(r"^\s+- \[(?P<status>\w+)\] (?P<check>[^\s.:]+)(?:\.(?P<column>[^:]+))?: (?P<text>.*?)"
                     r"(?: — (?P<reason>new|changed|reminder))?$")
ON_MODEL = re.compile(r"^\s+- (?P<check>\S+) on (?P<model>[^\s.:()]+)(?:\.(?P<column>[^\s:()]+))?(?P<text>.*)$")
MODEL = re.compile(r"^(?P<model>[^\s#-][^\s:]*):$")


@dataclass(frozen=True)
class Item:
    section: str  # failure | anomaly | fixed
    model: str | None
    check: str
    column: str | None
    reason: str | None = None

    @property
    def key(self) -> tuple[str, str | None, str, str | None]:
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
        elif section in ("anomaly", "fixed"):
            m = ON_MODEL.match(line)
            if m:
                items.append(Item(section, m.group("model"), m.group("check"), m.group("column")))
    return items
