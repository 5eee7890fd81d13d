"""The schedule of a simulation: which incidents land on which night; every other night is quiet.

    # examples/simulate/nights-30.yml
    nights: 30
    incidents:
      3: [null_spike]
      7: ["store_silent:store=S0004"]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from strataqc.landing.incidents import IncidentError, parse_incident


class ScheduleError(ValueError):
    """The schedule file is wrong; the message names the file and the fix."""


@dataclass
class Schedule:
    nights: int | None = None
    incidents: dict[int, list[str]] = field(default_factory=dict)
    source: str = "(none: every night quiet)"

    def on(self, night: int) -> list[str]:
        return self.incidents.get(night, [])


def load_schedule(path: Path | None) -> Schedule:
    if path is None:
        return Schedule()
    if not path.exists():
        raise ScheduleError(f"--schedule {path}: no such file; give a YAML file like examples/simulate/nights-30.yml")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ScheduleError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("incidents", {}), dict):
        raise ScheduleError(f"{path}: expected `nights: N` and `incidents: {{night: [KIND[:k=v,...], ...]}}`")
    incidents: dict[int, list[str]] = {}
    for night, specs in (data.get("incidents") or {}).items():
        if not isinstance(night, int) or night < 1:
            raise ScheduleError(f"{path}: night {night!r} must be a number from 1 (night 0 is the first build)")
        specs = [specs] if isinstance(specs, str) else list(specs or [])
        for spec in specs:
            try:
                parse_incident(str(spec))
            except IncidentError as exc:
                raise ScheduleError(f"{path}, night {night}: {exc}") from exc
        incidents[night] = [str(s) for s in specs]
    nights = data.get("nights")
    if nights is not None and (not isinstance(nights, int) or nights < 1):
        raise ScheduleError(f"{path}: nights must be a positive number, not {nights!r}")
    return Schedule(nights, dict(sorted(incidents.items())), str(path))
