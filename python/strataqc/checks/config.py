"""The `meta.strataqc` block of a model, checked against the warehouse (DESIGN §4).

`build_spec` turns the block (read once by `block.read_block`) into the `CheckSpec` all three families take: column types come from
the warehouse (information_schema, or DESCRIBE on Spark), every column that is
not an id, the target or the split column is a feature, and check parameters
are the defaults merged with the model's overrides. A wrong block never
raises: each problem becomes one `error` record naming the model, the key and
what to write instead, and whatever is still usable is kept so the other
checks run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from strataqc.checks.block import (BLOCK_KEYS, DEFAULT_SAMPLE_SIZE, DEFAULT_SEED, Block,  # noqa: F401 (read here too)
                                   did_you_mean, not_a_mapping, read_block)
from strataqc.checks.columns import describe_relation, type_family  # noqa: F401 (type_family: read with the spec)
from strataqc.checks.defaults import (CHECK_DEFAULTS, CHECK_FAMILIES, COMMON_PARAMS, DRIFT_DEFAULTS, DRIFT_PARAMS,
                                      FEATURE_SET_DEFAULTS)
from strataqc.checks.sql import column, relation_table  # noqa: F401 (relation_table: read with the spec)
from strataqc.results import CheckResult, CheckType, Status
from strataqc.sql_types import sql_cast

_did_you_mean = did_you_mean

@dataclass(frozen=True)
class CheckSpec:
    model: str                  # dbt model name, e.g. "ads_demand_features"
    relation: str               # quoted relation from the manifest
    layer: str                  # "ads" etc.
    columns: dict[str, str]     # column -> type family
    target: str | None
    ids: list[str]
    categorical: list[str]      # categorical FEATURES: declared, text and boolean columns
    numeric: list[str]          # numeric FEATURES (not ids/target/split)
    features: list[str]         # every column that is not id / target / split column
    split_column: str | None
    reference: str | None
    current: str | None
    windows: dict | None        # {"column": date_col, "reference": [from, to], "current": [from, to]}
    checks: dict[str, dict]     # enabled check name -> params (defaults merged)
    sample_size: int
    seed: int
    dialect: str = "duckdb"     # dialect the relation name is written in
    block: Block | None = None  # the block as read: model quality parses its `model` key from it
    profiles: Any = None        # profiles.settings.ProfileSettings: drift reads stored per-day profiles
    chunks: Any = None          # profiles.settings.ChunkSettings: drift per time chunk as well

    @property
    def table(self) -> exp.Table:
        return relation_table(self.relation, self.dialect)

    @property
    def has_sets(self) -> bool:
        """True when a reference and a current set are defined (split values or windows)."""
        return self.windows is not None or (self.split_column is not None and self.reference is not None
                                             and self.current is not None)

    def params(self, check: str) -> dict[str, Any]:
        """The merged parameters of `check` (defaults when the block does not mention it)."""
        return self.checks.get(check, {**COMMON_PARAMS, **CHECK_DEFAULTS.get(check, {})})


class ConfigError(ValueError):
    """One problem in a model's meta.strataqc block (message says what to write instead)."""


def reference_filter(spec: CheckSpec) -> exp.Expression:
    """WHERE condition of the reference set (split value, or the reference date window)."""
    return _set_filter(spec, "reference")


def current_filter(spec: CheckSpec) -> exp.Expression:
    """WHERE condition of the current set (split value, or the current date window)."""
    return _set_filter(spec, "current")


def _set_filter(spec: CheckSpec, which: str) -> exp.Expression:
    if spec.windows is not None:
        low, high = spec.windows[which]
        return window_filter(spec.windows["column"], low, high)
    value = spec.reference if which == "reference" else spec.current
    if spec.split_column is None or value is None:
        raise ConfigError(f"{spec.model}: no {which} set: add split: {{column: ..., reference: ..., current: ...}}"
                          " or windows: to meta.strataqc")
    return column(spec.split_column).eq(_literal(value))


def window_filter(date_column: str, low: Any, high: Any) -> exp.Expression:
    """`date_column` between the days `low` and `high`, bounds inclusive."""
    # cast both sides to DATE: a timestamp column falls in its day's window
    return exp.Between(this=sql_cast(column(date_column), "DATE"),
                       low=sql_cast(exp.Literal.string(str(low)), "DATE"),
                       high=sql_cast(exp.Literal.string(str(high)), "DATE"))


def _literal(value: Any) -> exp.Expression:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return exp.Literal.string(str(value))
    return exp.Literal.number(value)


# ------------------------------------------------------------------ building the spec

def build_spec(model: str, relation: str, layer: str, meta_block: dict | None,
               wh: Any) -> tuple[CheckSpec | None, list[CheckResult]]:
    """The checked spec of one model plus one `error` record per config problem.

    The spec is None only when nothing can run (the relation has no readable
    columns, or the block is not a mapping).
    """
    errors: list[CheckResult] = []

    def problem(key: str, message: str) -> None:
        errors.append(config_error(model, layer, key, message))

    block = read_block(model, meta_block)
    if block is None:
        problem("strataqc", not_a_mapping(meta_block))
        return None, errors
    for key, message in block.problems:
        problem(key, message)

    try:
        physical = describe_relation(wh, relation)
    except Exception as exc:  # the engine's own message says why (missing table, no access)
        problem("relation", f"cannot read the columns of {relation}: {_first_line(exc)}; run `dbt build` first")
        return None, errors
    if not physical:
        problem("relation", f"{relation} has no columns or does not exist: run `dbt build` for {model} first")
        return None, errors
    columns: dict[str, str] = {}
    for name, data_type in physical.items():
        family = type_family(data_type)
        if family is not None:  # nested types (lists, structs) are not checked
            columns[name] = family

    def known_column(key: str, name: Any) -> str | None:
        if not isinstance(name, str) or not name:
            problem(key, f"{key} must be a column name (a string), got {name!r}")
            return None
        if name in physical and name not in columns:
            problem(key, f"column '{name}' is of type {physical[name]}, which the checks cannot read: "
                         f"leave it out or cast it in the model")
            return None
        if name not in columns:
            hint = _did_you_mean(name, list(physical))
            problem(key, f"column '{name}' is not in {relation}{hint}; "
                         f"columns are {_listing(physical)}")
            return None
        return name

    def name_list(key: str) -> list[str]:
        raw = block.names(key)
        if not isinstance(raw, list):
            problem(key, f"{key} must be a list of column names, e.g. {key}: [a, b]; got {raw!r}")
            return []
        return [n for n in (known_column(key, name) for name in raw) if n is not None]

    target = known_column("target", block.target) if block.target is not None else None
    ids = name_list("ids")
    declared_categorical = name_list("categorical")

    split_column, reference, current = _split(block, wh, relation, model, physical, columns, problem,
                                              known_column)
    windows = _windows(block, columns, problem, known_column)
    if windows is not None and split_column is not None:
        problem("windows", "give either split: or windows:, not both; split is used")
        windows = None

    excluded = set(ids) | {target, split_column}
    if windows is not None:
        excluded.add(windows["column"])
    features = [c for c in columns if c not in excluded]
    categorical = [c for c in features if c in declared_categorical or columns[c] in ("categorical", "boolean")]
    numeric = [c for c in features if columns[c] == "numeric" and c not in categorical]

    allow_empty = block.allow_empty
    if not isinstance(allow_empty, bool):
        problem("allow_empty", f"allow_empty must be true or false, got {allow_empty!r}")
        allow_empty = False
    checks = _checks(block.checks, allow_empty, problem)
    for name, params in checks.items():
        for listed in ("exclude", "columns"):
            if CHECK_FAMILIES[name] == "drift" or not isinstance(params.get(listed), list):
                continue
            unknown = [c for c in params[listed] if c not in columns]
            if unknown:
                problem(f"checks.{name}.{listed}", f"{', '.join(map(repr, unknown))} not in {relation}"
                                                   f"{_did_you_mean(unknown[0], list(columns))}; "
                                                   f"columns are {_listing(columns)}")
                params[listed] = [c for c in params[listed] if c in columns] or (None if listed == "columns" else [])
    sample_size = _positive_int("sample_size", block.sample_size, DEFAULT_SAMPLE_SIZE, problem)
    seed = _positive_int("seed", block.seed, DEFAULT_SEED, problem, allow_zero=True)
    from strataqc.checks.profiles.settings import chunk_settings, profile_settings

    profiles, profile_problems = profile_settings(block.profiles, columns)
    chunks, chunk_problems = chunk_settings(block.chunks, columns)
    for message in profile_problems + chunk_problems:  # "meta.strataqc.<key>: <what to write>"
        key, _, text = message.removeprefix("meta.strataqc.").partition(": ")
        problem(key, text)

    spec = CheckSpec(model=model, relation=relation, layer=layer, columns=columns, target=target, ids=ids,
                     categorical=categorical, numeric=numeric, features=features, split_column=split_column,
                     reference=reference, current=current, windows=windows, checks=checks,
                     sample_size=sample_size, seed=seed, dialect=wh.dialect, block=block, profiles=profiles,
                     chunks=chunks)
    return spec, errors


def _split(block, wh, relation, model, physical, columns, problem, known_column):
    split = block.split
    if split is None:
        return None, None, None
    example = "split: {column: dataset_split, reference: train, current: predict}"
    if not isinstance(split, dict):
        problem("split", f"split must be a mapping, e.g. {example}; got {split!r}")
        return None, None, None
    for key in split:
        if key not in ("column", "reference", "current"):
            problem(f"split.{key}", f"unknown key '{key}' in split; write {example}")
    missing = [k for k in ("column", "reference", "current") if split.get(k) is None]
    if missing:
        problem("split", f"split needs {', '.join(missing)}: write {example}")
        return None, None, None
    name = known_column("split.column", split["column"])
    if name is None:
        return None, None, None
    present = _split_values(wh, relation, name)
    ok = True
    for key in ("reference", "current"):
        value = split[key]
        if str(value) not in present:
            shown = ", ".join(repr(v) for v in list(present)[:20]) or "none (the table is empty)"
            problem(f"split.{key}", f"no row has {name} = {value!r} in {relation}; "
                                    f"values present: {shown}")
            ok = False
    if not ok:
        # a wrong split value would make every drift check compare against nothing
        return name, None, None
    return name, str(split["reference"]), str(split["current"])


def _split_values(wh, relation: str, name: str) -> dict[str, int]:
    """Distinct values of the split column (as text) with their row counts, most rows first."""
    col = column(name)
    query = (exp.select(sql_cast(col, "VARCHAR").as_("value"), exp.Count(this=exp.Star()).as_("n"))
             .from_(relation_table(relation, wh.dialect))
             .group_by(sql_cast(col, "VARCHAR"))
             .order_by(exp.Ordered(this=exp.Count(this=exp.Star()), desc=True))
             .limit(100))
    frame = wh.query(query)
    return {str(v): int(n) for v, n in zip(frame["value"], frame["n"]) if v is not None}


def _windows(block, columns, problem, known_column):
    windows = block.windows
    if windows is None:
        return None
    example = "windows: {column: date_day, reference: ['2024-01-01', '2024-03-31'], current: ['2024-04-01', '2024-04-07']}"
    if not isinstance(windows, dict) or windows.get("column") is None:
        problem("windows", f"windows must be a mapping, e.g. {example}; got {windows!r}")
        return None
    name = known_column("windows.column", windows["column"])
    if name is None:
        return None
    if columns[name] != "date":
        problem("windows.column", f"windows.column '{name}' is {columns[name]}, not a date: name a date column")
        return None
    out: dict[str, Any] = {"column": name}
    for key in ("reference", "current"):
        bounds = windows.get(key)
        if not (isinstance(bounds, (list, tuple)) and len(bounds) == 2 and all(_is_date(b) for b in bounds)):
            problem(f"windows.{key}", f"must be [from, to] as ISO dates, e.g. {example}; got {bounds!r}")
            return None
        low, high = (str(b) for b in bounds)
        if low > high:
            problem(f"windows.{key}", f"starts after it ends: write [{high}, {low}]")
            return None
        out[key] = [low, high]
    return out


def _is_date(value: Any) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)))


def _checks(raw: Any, allow_empty: bool, problem) -> dict[str, dict]:
    """Defaults for every check, overridden by the block; disabled checks are left out."""
    overrides: dict[str, Any] = {}
    if raw is not None and not isinstance(raw, dict):
        problem("checks", f"checks must be a mapping of check name to parameters, e.g. "
                          f"checks: {{missing_values: {{max_ratio: 0.1}}}}; got {raw!r}")
    elif raw:
        overrides = raw
    for name in overrides:
        if name not in CHECK_FAMILIES:
            problem(f"checks.{name}", f"unknown check '{name}'{_did_you_mean(str(name), list(CHECK_FAMILIES))}; "
                                      f"checks are {', '.join(CHECK_FAMILIES)}")
    out: dict[str, dict] = {}
    for name, defaults in _all_defaults().items():
        params = {**COMMON_PARAMS, "allow_empty": allow_empty, **defaults}
        given = overrides.get(name)
        if given is False:
            continue
        if given is True or given is None:
            given = {}
        if not isinstance(given, dict):
            problem(f"checks.{name}", f"checks.{name} must be a mapping of parameters (or false to turn it off), "
                                      f"got {given!r}")
            given = {}
        for key, value in given.items():
            where = f"checks.{name}.{key}"
            if key in COMMON_PARAMS or key in defaults or (CHECK_FAMILIES[name] == "drift" and not defaults):
                # drift values are judged by the drift module, which reports them per check
                message = None if CHECK_FAMILIES[name] == "drift" and key not in COMMON_PARAMS else \
                    _bad_value(key, value, COMMON_PARAMS.get(key, defaults.get(key)))
                if message:
                    problem(where, message)
                    continue
                params[key] = [value] if key == "exclude" and isinstance(value, str) else value
            else:
                allowed = [*defaults, *COMMON_PARAMS]
                problem(where, f"unknown parameter '{key}' of {name}{_did_you_mean(str(key), allowed)}; "
                               f"parameters are {', '.join(allowed)}")
        if params.get("enabled") is False:
            continue
        out[name] = params
    return out


def _all_defaults() -> dict[str, dict[str, Any]]:
    """Parameters of every check: the drift checks judge their own values (`drift.parameter_problems`)."""
    return {**FEATURE_SET_DEFAULTS, **{name: dict(DRIFT_PARAMS.get(name, {})) for name in DRIFT_DEFAULTS}}


def _bad_value(key: str, value: Any, default: Any) -> str | None:
    """Why `value` cannot be used for parameter `key` (None when it can)."""
    if key == "severity":
        return None if value in ("error", "warn") else f"severity is error or warn, got {value!r}"
    if isinstance(default, bool):
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if isinstance(default, (int, float)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expected a number, got {value!r}"
        if value < 0:
            return f"expected a number >= 0, got {value!r}"
    if key == "bins" and value is not None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 2:
            return None
        if isinstance(value, list) and value and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return None
        return f"bins is a number of equal-width bins (>= 2) or a list of edges, got {value!r}"
    if key == "exclude" and not (isinstance(value, str) or
                                 (isinstance(value, list) and all(isinstance(v, str) for v in value))):
        return f"exclude is a list of column names, e.g. exclude: [units_lag_28]; got {value!r}"
    if key == "columns" and value is not None:
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            return f"columns is a list of column names, got {value!r}"
    return None


def _positive_int(key, value, default, problem, allow_zero=False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if allow_zero else 1):
        problem(key, f"{key} must be a whole number {'>= 0' if allow_zero else '> 0'}, got {value!r}; "
                     f"using {default}")
        return default
    return value


def config_error(model: str, layer: str | None, key: str, message: str) -> CheckResult:
    """The `error` record of one config problem: check `config`, column = the key."""
    return CheckResult(check="config", status=Status.ERROR, model=model, column=key,
                       check_type=CheckType.FEATURE_SET, layer=layer,
                       message=f"{model}: meta.strataqc.{key}: {message}"[:1000])


def _listing(names, limit: int = 30) -> str:
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f", … ({len(names)} in all)" if len(names) > limit else "")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
