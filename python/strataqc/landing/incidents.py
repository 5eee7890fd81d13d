"""Planted incidents: one defect beyond the everyday ones, in one night's delivery (DESIGN §7).

`qc-report generate --extend-days 1 --incident KIND[:key=value,...]` plants it;
the manifest records it under `incidents` with the night, where it shows up and
the checks that must catch it, so `qc-report simulate` can score the alerts.
A night without an incident carries the same defect rates as every night.

Each kind changes tonight's sales lines (`lines`), the ERP master files
(`masters`) or how the file is delivered (`delivery`). Options have defaults,
so a bare kind works:

>>> parse_incident("null_spike:share=0.5")
('null_spike', {'share': 0.5})
>>> sorted(KINDS["store_silent"].defaults)
['store']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

LATE_DIR = "_late"  # files held back by late_file wait here for the next delivery


class IncidentError(ValueError):
    """An --incident that cannot be planted; the message names the option and the fix."""


@dataclass
class Night:
    """What an incident may touch tonight."""

    out: Path
    day: dt.date
    t: int
    seed: int
    stores: int
    rng: np.random.Generator | None = None  # each incident draws from its own stream (plant_night)
    header: dict[str, str] = field(default_factory=dict)  # renamed columns of tonight's file
    late: bool = False  # tonight's file is held back until the next delivery


@dataclass(frozen=True)
class Kind:
    name: str
    summary: str
    layer: str
    model: str
    column: str | None
    defaults: dict[str, Any]
    # check names (dbt test names or Python checks) on `model` that must raise it, and when
    catches: tuple[str, ...]
    plant: Callable[..., tuple[pa.Table | None, int]]
    target: str = "lines"  # lines | masters | delivery
    missing_check: str | None = None  # no existing check can see it: what would


def _clean_rows(table: pa.Table, night: Night) -> np.ndarray:
    """Lines without an everyday defect: an incident on them adds to the ledger's counts, never overlaps them."""
    units = _numbers(table, "units", np.arange(table.num_rows))
    price = _numbers(table, "unit_price", np.arange(table.num_rows))
    dated = pc.equal(table["sale_date"], night.day.isoformat()).to_numpy(zero_copy_only=False)
    line_ids = table["line_id"].to_numpy(zero_copy_only=False)
    once = ~pd_duplicated(line_ids)
    return np.flatnonzero(np.isfinite(units) & (units >= 0) & np.isfinite(price) & dated & once)


def pd_duplicated(values: np.ndarray) -> np.ndarray:
    """True for every occurrence of a value seen more than once."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    return counts[inverse] > 1


def _pick(night: Night, table: pa.Table, share: float) -> np.ndarray:
    if not 0 < share <= 1:
        raise IncidentError(f"share={share}: give a share of tonight's lines between 0 and 1 (e.g. share=0.3)")
    pool = _clean_rows(table, night)
    count = min(max(1, int(round(table.num_rows * share))), pool.size)
    return np.sort(night.rng.choice(pool, size=count, replace=False))


def _replace(table: pa.Table, column: str, idx: np.ndarray, values: pa.Array) -> pa.Table:
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[idx] = True
    new = pc.replace_with_mask(table[column].combine_chunks(), pa.array(mask), values)
    return table.set_column(table.schema.get_field_index(column), column, new)


def _store_rows(table: pa.Table, store: str) -> np.ndarray:
    return np.flatnonzero(pc.equal(table["store_id"], store).to_numpy(zero_copy_only=False))


def _numbers(table: pa.Table, column: str, idx: np.ndarray) -> np.ndarray:
    text = table[column].take(pa.array(idx, pa.int64())).to_pylist() if idx.size else []
    out = np.full(len(text), np.nan)
    for i, value in enumerate(text):
        try:
            out[i] = float(value)
        except (TypeError, ValueError):
            pass  # '', 'three', '12a': not a number
    return out


def null_spike(table: pa.Table, night: Night, column: str, share: float) -> tuple[pa.Table, int]:
    if column not in ("units", "unit_price"):
        raise IncidentError(f"null_spike: column={column}: give units or unit_price")
    idx = _pick(night, table, share)
    return _replace(table, column, idx, pa.array([""] * idx.size, pa.string())), int(idx.size)


def duplicate_burst(table: pa.Table, night: Night, share: float) -> tuple[pa.Table, int]:
    idx = _pick(night, table, share)
    order = np.sort(np.concatenate([np.arange(table.num_rows), idx]), kind="stable")
    return table.take(pa.array(order)), int(idx.size)


def store_silent(table: pa.Table, night: Night, store: str) -> tuple[pa.Table, int]:
    gone = _store_rows(table, store)
    if gone.size == 0:
        raise IncidentError(f"store_silent: store={store} sends no lines anyway; give one of S0001..S{night.stores:04d}")
    keep = np.setdiff1d(np.arange(table.num_rows), gone)
    return table.take(pa.array(keep)), int(gone.size)


def volume_drop(table: pa.Table, night: Night, share: float) -> tuple[pa.Table, int]:
    gone = _pick(night, table, share)
    keep = np.setdiff1d(np.arange(table.num_rows), gone)
    return table.take(pa.array(keep)), int(gone.size)


def price_unit_change(table: pa.Table, night: Night, store: str, factor: float) -> tuple[pa.Table, int]:
    idx = _store_rows(table, store)
    prices = _numbers(table, "unit_price", idx)
    ok = np.isfinite(prices)  # planted NaN / empty prices stay as they are
    idx, prices = idx[ok], prices[ok]
    text = pa.array([f"{p * factor:.2f}" for p in prices], pa.string())
    return _replace(table, "unit_price", idx, text), int(idx.size)


def negative_units_spike(table: pa.Table, night: Night, share: float) -> tuple[pa.Table, int]:
    idx = _pick(night, table, share)
    units = _numbers(table, "units", idx)
    idx = idx[np.isfinite(units) & (units > 0)]
    negatives = pa.array([str(-int(v)) for v in night.rng.integers(1, 6, idx.size)], pa.string())
    return _replace(table, "units", idx, negatives), int(idx.size)


def feature_shift(table: pa.Table, night: Night, column: str, factor: float) -> tuple[pa.Table, int]:
    if column not in ("units", "unit_price"):
        raise IncidentError(f"feature_shift: column={column}: give units or unit_price")
    values = _numbers(table, column, np.arange(table.num_rows))
    idx = np.flatnonzero(np.isfinite(values) & (values > 0))
    shifted = values[idx] * factor
    text = [str(int(round(v))) for v in shifted] if column == "units" else [f"{v:.2f}" for v in shifted]
    return _replace(table, column, idx, pa.array(text, pa.string())), int(idx.size)


def category_renamed(table: None, night: Night, category: str, to: str) -> tuple[None, int]:
    """The ERP spells one category anew from tonight on (the master file is replaced every night)."""
    path = night.out / "erp_skus.csv"
    skus = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in ("sku_id", "sku_name", "category", "base_price")},
        strings_can_be_null=False))
    spelled = pc.utf8_lower(pc.utf8_trim(skus["category"], " -"))
    hit = np.flatnonzero(pc.equal(spelled, category.lower()).to_numpy(zero_copy_only=False))
    if hit.size == 0:
        raise IncidentError(f"category_renamed: category={category} is not in erp_skus.csv; give an existing one "
                            "(e.g. Frozen)")
    skus = _replace(skus, "category", hit, pa.array([to] * hit.size, pa.string()))
    pacsv.write_csv(skus, path, pacsv.WriteOptions(quoting_style="needed"))
    return None, int(hit.size)


def schema_drift(table: pa.Table, night: Night, column: str, to: str) -> tuple[pa.Table, int]:
    if column not in table.column_names:
        raise IncidentError(f"schema_drift: column={column} is not a sales column; give one of "
                            f"{', '.join(table.column_names)}")
    night.header[column] = to
    return table, table.num_rows


def late_file(table: pa.Table, night: Night) -> tuple[pa.Table, int]:
    night.late = True
    return table, table.num_rows


KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("null_spike", "a column's NULL share jumps: tonight `share` of the lines have it empty",
         "dwd", "dwd_sales", "unit_price", {"column": "unit_price", "share": 0.3},
         ("ods_pos__sales__values_castable", "dwd_sales__kept_defects", "missing_values"), null_spike),
    Kind("duplicate_burst", "the till re-sends `share` of tonight's lines", "ods", "ods_pos__sales", "line_id",
         {"share": 0.05}, ("ods_pos__sales__line_resent",), duplicate_burst),
    # the store missing from the newest day shows tonight; the gap inside its series once its lines come back
    Kind("store_silent", "one store sends no lines tonight", "dwd", "dwd_sales", "store_id", {"store": "S0002"},
         ("assert_dwd_sales_every_store_reports", "dwd_sales__daily_volume", "ads_demand_features__daily_volume",
          "dwd_sales__series_days_missing"), store_silent),
    Kind("volume_drop", "`share` of tonight's lines are missing", "dwd", "dwd_sales", None, {"share": 0.3},
         ("dwd_sales__daily_volume", "ads_demand_features__daily_volume", "dwd_sales__series_days_missing"),
         volume_drop),
    Kind("price_unit_change", "one store sends prices in cents: unit_price × `factor` tonight", "dwd", "dwd_sales",
         "unit_price", {"store": "S0003", "factor": 100.0},
         ("assert_dwd_sales_store_prices_in_line", "feature_drift", "multivariate_drift"), price_unit_change),
    Kind("category_renamed", "the ERP spells a category anew from tonight on", "dwd", "dwd_sku", "category",
         {"category": "Frozen", "to": "Frozen Foods"},
         ("ods_erp__skus__names_and_categories", "dwd_sku__names_and_categories",
          "ads_demand_features__surviving_defects", "similar_strings",
          "new_categories", "feature_drift"), category_renamed,
         target="masters"),
    Kind("schema_drift", "a column of tonight's sales file is renamed", "ods", "ods_pos__sales", "unit_price",
         {"column": "unit_price", "to": "price"}, ("load",), schema_drift, target="delivery"),
    Kind("late_file", "tonight's sales file arrives with the next delivery", "dwd", "dwd_sales", "sale_date", {},
         ("assert_landing_sales_file_on_time",), late_file, target="delivery"),
    Kind("negative_units_spike", "`share` of tonight's lines have negative units", "dwd", "dwd_sales", "units",
         {"share": 0.05}, ("dwd_sales__kept_defects",), negative_units_spike),
    Kind("feature_shift", "a feature's distribution moves: tonight's `column` × `factor`", "ads",
         "ads_demand_features", "units_mean_7d", {"column": "units", "factor": 3.0},
         ("feature_drift", "target_drift", "multivariate_drift"), feature_shift),
]}


def parse_incident(text: str) -> tuple[str, dict[str, Any]]:
    """`KIND[:key=value,...]` -> (kind, options over the defaults' types)."""
    name, _, rest = text.strip().partition(":")
    if name not in KINDS:
        raise IncidentError(f"--incident {text}: unknown kind {name!r}; one of {', '.join(KINDS)} "
                            "(see --list-incidents)")
    kind = KINDS[name]
    options: dict[str, Any] = {}
    for pair in [p for p in rest.split(",") if p.strip()]:
        key, sep, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in kind.defaults:
            known = ", ".join(f"{k}={v}" for k, v in kind.defaults.items()) or "none"
            raise IncidentError(f"--incident {text}: {pair!r} is not an option of {name}; options: {known}")
        default = kind.defaults[key]
        try:
            options[key] = type(default)(value)
        except ValueError as exc:
            raise IncidentError(f"--incident {text}: {key}={value} is not a {type(default).__name__}") from exc
    return name, options


def plant(table: pa.Table, night: Night, spec: tuple[str, dict[str, Any]]) -> tuple[pa.Table, dict[str, Any]]:
    """Apply one incident to tonight's lines (or masters, or delivery); return the table and its record."""
    name, options = spec
    kind = KINDS[name]
    opts = {**kind.defaults, **options}
    table_out, rows = kind.plant(None if kind.target == "masters" else table, night, **opts)
    column = kind.column
    if "column" in opts and name in ("null_spike", "schema_drift"):
        column = opts["column"]
    record = {"night": night.t, "date": night.day.isoformat(), "kind": name, "layer": kind.layer,
              "model": kind.model, "column": column, "rows": rows, "options": opts, "checks": list(kind.catches),
              "summary": kind.summary, "missing_check": kind.missing_check}
    return (table if table_out is None else table_out), record


def catalogue() -> list[dict[str, Any]]:
    """Every kind with its defaults and catching checks (`--list-incidents`)."""
    return [{"kind": k.name, "summary": k.summary, "layer": k.layer, "model": k.model, "column": k.column,
             "defaults": k.defaults, "checks": list(k.catches), "missing_check": k.missing_check}
            for k in KINDS.values()]


# incidents whose lines the everyday defect ledger counts too, so the manifest's `expected` stays exact
LEDGER_KINDS = {("null_spike", "units"): "units_empty", ("null_spike", "unit_price"): "unit_price_empty",
                ("duplicate_burst", None): "duplicate_lines", ("negative_units_spike", None): "negative_units"}


def ledger_kind(record: dict[str, Any]) -> str | None:
    return LEDGER_KINDS.get((record["kind"], record["column"] if record["kind"] == "null_spike" else None))


def plant_night(table: pa.Table, night: Night, specs: list, number: int, file: str) -> tuple[pa.Table, list[dict]]:
    """Every incident of tonight's delivery, each from its own random stream (the everyday lines stay put)."""
    records = []
    for i, spec in enumerate(specs):
        night.rng = np.random.default_rng([night.seed, night.t, 0x1AC, i])
        table, record = plant(table, night, spec)
        record.update(night=number, file=file)
        records.append(record)
    return table, records


def deliver_tonight(table: pa.Table, stats: dict, night: Night, specs: list, number: int, file: str,
                    count: Callable[..., None]) -> tuple[pa.Table, dict]:
    """Plant tonight's incidents: the table as written (a renamed header too) and its line counts.

    `count(kind, file, keys, dates, rows=)` adds the lines of a counted kind to the everyday ledger."""
    before = table.num_rows
    table, records = plant_night(table, night, specs, number, file)
    for record in records:
        if ledger_kind(record):
            count(ledger_kind(record), file, [], [night.day.isoformat()], rows=record["rows"])
    grown = table.num_rows - before
    if night.header:
        table = table.rename_columns([night.header.get(c, c) for c in table.column_names])
    return table, {**stats, "lines": stats["lines"] + grown, "loaded": stats["loaded"] + grown,
                   "incidents": records, "late": night.late}


def deliver_late(out: Path, late: dict[str, dict]) -> dict[str, dict]:
    """Files held back by late_file arrive with this delivery; returns their line counts."""
    for name in late:
        (Path(out) / LATE_DIR / name).replace(Path(out) / name)
    return dict(sorted(late.items()))


def redeliver(out: Path, record: dict[str, Any]) -> bool:
    """The supplier re-sends a schema_drift file with the documented header; True when one was fixed."""
    if record.get("kind") != "schema_drift":
        return False
    path = Path(out) / record["file"]
    head, _, rest = path.read_bytes().partition(b"\n")
    renamed = f'"{record["options"]["to"]}"'.encode()
    path.write_bytes(head.replace(renamed, f'"{record["options"]["column"]}"'.encode()) + b"\n" + rest)
    return True


def describe_catalogue() -> str:
    """`--list-incidents`: each kind with its defaults, where it shows and what catches it."""
    lines = []
    for k in catalogue():
        options = ",".join(f"{key}={value}" for key, value in k["defaults"].items())
        where = k["model"] + (f".{k['column']}" if k["column"] else "")
        caught = ", ".join(k["checks"]) or f"no check yet: {k['missing_check']}"
        lines += [f"{k['kind']}{':' + options if options else ''}", f"    {k['summary']} ({where})",
                  f"    caught by: {caught}"]
    return "\n".join(lines)
