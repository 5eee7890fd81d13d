"""The `profiles:` and `chunks:` keys of a model's meta.strataqc block, checked.

```yaml
profiles: {column: date_day, rewrite_days: 28}
chunks: {column: date_day, size: week}      # week | month | "N days" | N
```

A wrong key never raises: each problem is one message naming the key and
what to write instead; the caller turns it into an `error` record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

PROFILE_KEYS = ("column", "rewrite_days", "verify", "edges_refresh", "max_levels")
CHUNK_KEYS = ("column", "size")
PROFILE_EXAMPLE = "profiles: {column: date_day, rewrite_days: 28}"
CHUNK_EXAMPLE = "chunks: {column: date_day, size: week}"
VERIFY = ("rows", "checksum")


@dataclass(frozen=True)
class ProfileSettings:
    column: str                 # the partition column: one profile per day of it
    rewrite_days: int = 0       # the last N days are profiled again every night (the model's rebuild window)
    verify: str = "rows"        # rows: a day whose row count changed is profiled again; checksum: also its content
    edges_refresh: float = 0.2  # reference rows changed by more than this share: bin edges are derived again
    max_levels: int = 1000      # levels kept per day and column; the rest pooled into one count


@dataclass(frozen=True)
class ChunkSettings:
    column: str
    size: str                   # "week", "month" or "N days"
    days: int = 0               # N for "N days"


def _date_column(where: str, raw: dict, columns: dict[str, str], problems: list[str], example: str) -> str | None:
    name = raw.get("column")
    if not isinstance(name, str) or not name:
        problems.append(f"{where}.column: name the date column, e.g. {example}; got {name!r}")
        return None
    if name not in columns:
        problems.append(f"{where}.column: column {name!r} is not in the model; write {example}")
        return None
    if columns[name] not in ("date", "timestamp", "datetime", "temporal"):
        problems.append(f"{where}.column: {name!r} is {columns[name]}, not a date: name a date column")
        return None
    return name


def _unknown(where: str, raw: dict, keys: tuple[str, ...], problems: list[str]) -> None:
    for key in raw:
        if key not in keys:
            problems.append(f"{where}: unknown key {key!r}; keys are {', '.join(keys)}")


def _checked(kind: type, where: str, raw: Any, keys: tuple[str, ...], example: str, columns: dict[str, str],
             values: Callable[[dict, str, list[str]], dict[str, Any]]) -> tuple[Any, list[str]]:
    """A block's settings of `kind` (None when absent or unusable) and what is wrong with it: the
    mapping, its keys and its date column checked here, the rest by `values` (raw, where, problems)."""
    if raw is None:
        return None, []
    if not isinstance(raw, dict):
        return None, [f"{where}: a mapping such as {example}; got {raw!r}"]
    problems: list[str] = []
    _unknown(where, raw, keys, problems)
    name = _date_column(where, raw, columns, problems, example)
    checked = values(raw, where, problems)
    if name is None or problems:
        return None, problems
    return kind(column=name, **checked), []


def profile_settings(raw: Any, columns: dict[str, str]) -> tuple[ProfileSettings | None, list[str]]:
    """The checked `profiles:` block (None when absent or unusable) and what is wrong with it."""
    return _checked(ProfileSettings, "meta.strataqc.profiles", raw, PROFILE_KEYS, PROFILE_EXAMPLE, columns,
                    _profile_values)


def _profile_values(raw: dict, where: str, problems: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, low in (("rewrite_days", 0), ("max_levels", 1)):
        if key in raw:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                problems.append(f"{where}.{key}: a whole number >= {low}, got {value!r}")
            else:
                values[key] = value
    if "edges_refresh" in raw:
        value = raw["edges_refresh"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problems.append(f"{where}.edges_refresh: a share >= 0 (0.2 = 20% more or fewer reference rows), "
                            f"got {value!r}")
        else:
            values["edges_refresh"] = float(value)
    if "verify" in raw:
        if raw["verify"] not in VERIFY:
            problems.append(f"{where}.verify: one of {', '.join(VERIFY)}, got {raw['verify']!r}")
        else:
            values["verify"] = raw["verify"]
    return values


_DAYS = re.compile(r"^\s*(\d+)\s*(days?)?\s*$")


def chunk_settings(raw: Any, columns: dict[str, str]) -> tuple[ChunkSettings | None, list[str]]:
    """The checked `chunks:` block (None when absent or unusable) and what is wrong with it."""
    return _checked(ChunkSettings, "meta.strataqc.chunks", raw, CHUNK_KEYS, CHUNK_EXAMPLE, columns, _chunk_values)


def _chunk_values(raw: dict, where: str, problems: list[str]) -> dict[str, Any]:
    size = raw.get("size")
    days = 0
    if size in ("week", "month"):
        pass
    elif not isinstance(size, bool) and isinstance(size, (int, str)) and _DAYS.match(str(size)) \
            and int(_DAYS.match(str(size)).group(1)) >= 1:
        days = int(_DAYS.match(str(size)).group(1))
        size = f"{days} days"
    else:
        problems.append(f"{where}.size: week, month or a number of days such as '14 days'; got {size!r}")
    return {"size": str(size), "days": days}
