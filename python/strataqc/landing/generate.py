"""Deterministic landing zone of the demo warehouse, with known defects (DESIGN §2).

A point-of-sale system drops one CSV per business day under `pos_sales/`
(one line per store × SKU × day), and the ERP replaces two master files
(`erp_stores.csv`, `erp_skus.csv`) every night. Every defect the checks must find is
planted here on purpose and listed in `manifest.json` beside the data: its kind,
where it is (file, keys, dates), how many rows, and the model where it shows up.

Same arguments, same bytes: every day is drawn from its own random stream
(seed, day), so extending by two nights one at a time writes what extending by
two at once writes, and memory stays flat however many days are written
(streamed one day at a time: 30 million lines peak at about 200 MiB RSS).

>>> import tempfile, pathlib
>>> m = generate(pathlib.Path(tempfile.mkdtemp()), rows=2000, seed=1)
>>> m["rows"]["pos_sales"] == sum(m["files"].values())
True
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from strataqc.landing.expected import expected_rows

from strataqc.landing.defects import (BAD_DATES, BAD_UNITS, CATEGORIES, DEFECT_DOCS, LINE_DEFECTS, MESSY_SPELLINGS,
                                       NEW_CATEGORY, NON_FINITE, REGIONS, SURVIVING_SPELLING)

SALES_DIR = "pos_sales"
SALES_COLUMNS = ["line_id", "sale_date", "store_id", "sku_id", "units", "unit_price", "promo_flag"]
STORE_COLUMNS = ["store_id", "store_name", "region", "store_size_m2", "opened_on"]
SKU_COLUMNS = ["sku_id", "sku_name", "category", "base_price"]
START_DATE = dt.date(2026, 1, 5)  # a Monday: weeks line up with the weekly model
PREDICT_DAYS = 7  # the ADS predicts the last 7 days (their 7-day target is not known yet)
DRIFT_DAYS = PREDICT_DAYS  # the drifted window is the prediction window
LAUNCH_OFFSET = 5  # the new category starts selling this many days before the last base day
MAX_LISTED_KEYS = 1000  # manifest lists at most this many keys per defect (counts stay exact)



@dataclass(frozen=True)
class Shape:
    """The sizes and dates that fix the data; stored in the manifest so `extend` repeats them."""

    seed: int
    rows_requested: int
    stores: int
    skus: int
    new_skus: int
    base_days: int
    start_date: str

    @classmethod
    def for_rows(cls, rows: int, seed: int, days: int | None = None) -> "Shape":
        if rows < 500:
            raise ValueError(f"rows={rows}: ask for at least 500 lines (a few stores × SKUs × weeks)")
        # 12 weeks is enough history for 28-day lags, a valid and a predict window; big runs get a year
        base_days = days or (84 if rows <= 2_000_000 else 364)
        if base_days < 42:
            raise ValueError(f"days={base_days}: give at least 42 days (lags, train, valid and predict windows)")
        series = max(50, round(rows / base_days))
        stores = max(5, round(math.sqrt(series / 5)))
        skus = max(10, series // stores)
        return cls(seed, rows, stores, skus, max(2, skus // 40), base_days, START_DATE.isoformat())

    @property
    def start(self) -> dt.date:
        return dt.date.fromisoformat(self.start_date)

    @property
    def drift_start(self) -> int:
        return self.base_days - DRIFT_DAYS

    @property
    def launch_day(self) -> int:
        return self.base_days - LAUNCH_OFFSET

    @property
    def missing_store_day(self) -> tuple[int, int]:
        return 1, self.base_days // 3  # (store index, day)

    @property
    def gap(self) -> tuple[int, int, range]:
        return 0, 2, range(self.base_days // 2, self.base_days // 2 + 4)  # (store, sku, days)

    @property
    def load_reject_day(self) -> int:
        return self.base_days // 4

    @property
    def anchor_day(self) -> int:
        return 10  # every per-line defect occurs at least once on this day


def store_id(i: int | np.ndarray):
    return f"S{i + 1:04d}"


def sku_id(i: int) -> str:
    return f"K{i + 1:05d}"


def sales_file(day: dt.date) -> str:
    return f"{SALES_DIR}/pos_sales_{day.isoformat()}.csv"


def _series_params(shape: Shape) -> dict[str, np.ndarray]:
    """Per-store, per-SKU demand levels and prices, drawn once from the seed."""
    rng = np.random.default_rng([shape.seed, 0xA11])
    n_skus = shape.skus + shape.new_skus
    return {
        "store_level": rng.lognormal(0.0, 0.35, shape.stores),
        "sku_level": rng.lognormal(1.2, 0.6, n_skus),
        "base_price": np.round(rng.uniform(0.8, 12.0, n_skus), 2),
    }


def _category(k: int, shape: Shape) -> tuple[str, str]:
    """(canonical, as written in the ERP file) for SKU index k."""
    if k >= shape.skus:
        return NEW_CATEGORY, NEW_CATEGORY
    canonical = CATEGORIES[k % len(CATEGORIES)]
    nth = k // len(CATEGORIES)
    if canonical in MESSY_SPELLINGS:
        spellings = MESSY_SPELLINGS[canonical]
        return canonical, spellings[nth % len(spellings)]
    if canonical == SURVIVING_SPELLING["canonical"] and nth % 3 == 1:
        return canonical, SURVIVING_SPELLING["variant"]
    return canonical, canonical


# Names with planted special characters: index -> (name, what it carries)
STORE_NAME_DEFECTS = {2: ("Store\u00a0003 Hamburg", "NBSP"), 3: ("  Store 004 Munich ", "leading/trailing blanks")}
EMPTY_STORE = 4
SKU_NAME_DEFECTS = {
    1: ("Milk\u200b 1L", "zero-width space"),
    3: ("Bread\x07 loaf", "control character"),
    5: ("Caf\ufffd beans", "U+FFFD"),
    6: (" Apple juice ", "leading/trailing blanks"),
}
CITIES = ["Berlin", "Paris", "Hamburg", "Munich", "Lyon", "Vienna", "Milan", "Madrid", "Lisbon", "Prague"]
PRODUCTS = ["Milk", "Bread", "Juice", "Apples", "Peas", "Crisps", "Soap", "Yoghurt", "Rolls", "Water"]


def _write_masters(out: Path, shape: Shape, params: dict[str, np.ndarray]) -> dict[str, int]:
    stores = []
    for s in range(shape.stores):
        name = f"Store {s + 1:03d} {CITIES[s % len(CITIES)]}"
        name = STORE_NAME_DEFECTS.get(s, (name,))[0]
        if s == EMPTY_STORE:
            name = ""
        stores.append([store_id(s), name, REGIONS[s % len(REGIONS)], str(800 + (s * 137) % 2400),
                       (dt.date(2015, 3, 1) + dt.timedelta(days=97 * s)).isoformat()])
    skus = []
    for k in range(shape.skus + shape.new_skus):
        name = "Ready meal no. {}".format(k + 1) if k >= shape.skus else f"{PRODUCTS[k % len(PRODUCTS)]} {k + 1}"
        name = SKU_NAME_DEFECTS.get(k, (name,))[0]
        skus.append([sku_id(k), name, _category(k, shape)[1], f"{params['base_price'][k]:.2f}"])
    _write_table(out / "erp_stores.csv", STORE_COLUMNS, stores)
    _write_table(out / "erp_skus.csv", SKU_COLUMNS, skus)
    return {"erp_stores": len(stores), "erp_skus": len(skus)}


def _write_table(path: Path, columns: list[str], rows: list[list[str]]) -> None:
    table = pa.table({c: pa.array([r[i] for r in rows], pa.string()) for i, c in enumerate(columns)})
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed"))


class _Ledger:
    """Counts and keys of every defect, per file, as they are written."""

    def __init__(self, existing: dict | None = None):
        self.defects: dict[str, dict] = {}
        for d in (existing or {}).get("defects", []):
            self.defects[d["kind"]] = d

    def add(self, kind: str, file: str | None, keys: list[str], dates: list[str], rows: int | None = None) -> None:
        layer, model, column, description, handling = DEFECT_DOCS[kind]
        entry = self.defects.setdefault(kind, {
            "kind": kind, "layer": layer, "model": model, "column": column, "description": description,
            "handling": handling, "rows": 0, "files": {}, "keys": [], "dates": [], "keys_truncated": False})
        count = len(keys) if rows is None else rows
        entry["rows"] += count
        if file is not None and count:
            entry["files"][file] = entry["files"].get(file, 0) + count
        room = MAX_LISTED_KEYS - len(entry["keys"])
        entry["keys"].extend(keys[:max(room, 0)])
        entry["keys_truncated"] = entry["keys_truncated"] or len(keys) > room
        entry["dates"] = sorted(set(entry["dates"]) | set(dates))

    def as_list(self) -> list[dict]:
        return [self.defects[k] for k in DEFECT_DOCS if k in self.defects]


def _day_lines(shape: Shape, params: dict[str, np.ndarray], t: int, ledger: _Ledger) -> tuple[pa.Table, bytes, dict]:
    """All lines of day t as text columns, the defects planted, plus trailing raw lines."""
    rng = np.random.default_rng([shape.seed, t])
    day = shape.start + dt.timedelta(days=t)
    file = sales_file(day)
    n_skus = shape.skus + (shape.new_skus if t >= shape.launch_day else 0)
    s_idx, k_idx = (a.ravel() for a in np.meshgrid(np.arange(shape.stores), np.arange(n_skus), indexing="ij"))

    keep = np.ones(s_idx.size, dtype=bool)
    missing_store, missing_t = shape.missing_store_day
    if t == missing_t:
        keep &= s_idx != missing_store
    gap_store, gap_sku, gap_days = shape.gap
    if t in gap_days:
        keep &= ~((s_idx == gap_store) & (k_idx == gap_sku))
    removed = (~keep).sum()
    s_idx, k_idx = s_idx[keep], k_idx[keep]
    n = s_idx.size

    drifted = t >= shape.drift_start
    promo = rng.random(n) < (0.5 if drifted else 0.1)
    weekday = (shape.start.weekday() + t) % 7
    season = (1.0, 0.9, 0.95, 1.0, 1.2, 1.5, 0.7)[weekday]
    lam = params["store_level"][s_idx] * params["sku_level"][k_idx] * season * np.where(promo, 1.6, 1.0)
    units = rng.poisson(lam)
    price = params["base_price"][k_idx] * np.where(promo, 0.8, 1.0) * (1 + 0.03 * rng.standard_normal(n))
    if drifted:
        price = price * 1.35
    price = np.round(price, 2)

    # Defective lines: disjoint positions among the regular SKUs, never on the first day
    # (a series must start where the spine starts) and never on a new-category line.
    eligible = np.flatnonzero(k_idx < shape.skus) if t >= 1 else np.array([], dtype=np.int64)
    order = rng.permutation(eligible)
    picks: dict[str, np.ndarray] = {}
    at = 0
    for kind, rate in LINE_DEFECTS:
        count = int(rng.binomial(eligible.size, rate)) if eligible.size else 0
        count += int(t == shape.anchor_day and count == 0)
        picks[kind] = np.sort(order[at:at + count])
        at += count

    units_txt = pa.array(units).cast(pa.string())
    price_txt = pc.cast(pa.array(price), pa.string())

    def plant(column: pa.Array, idx: np.ndarray, values: list[str]) -> pa.Array:
        if idx.size == 0:
            return column
        mask = np.zeros(n, dtype=bool)
        mask[idx] = True
        chosen = [values[i % len(values)] for i in range(idx.size)]
        return pc.replace_with_mask(column, pa.array(mask), pa.array(chosen, pa.string()))

    negatives = [str(-int(v)) for v in rng.integers(1, 6, picks["negative_units"].size)]
    units_txt = plant(units_txt, picks["units_nan_inf"], NON_FINITE)
    units_txt = plant(units_txt, picks["units_not_a_number"], BAD_UNITS)
    units_txt = plant(units_txt, picks["units_empty"], [""])
    units_txt = plant(units_txt, picks["negative_units"], negatives or ["-1"])
    price_txt = plant(price_txt, picks["unit_price_nan_inf"], NON_FINITE)
    price_txt = plant(price_txt, picks["unit_price_empty"], [""])
    date_txt = pa.array([day.isoformat()] * n, pa.string())
    date_txt = plant(date_txt, picks["unparseable_sale_date"], BAD_DATES)

    store_txt = pc.binary_join_element_wise("S", pc.utf8_lpad(pa.array(s_idx + 1).cast(pa.string()), 4, "0"), "")
    sku_txt = pc.binary_join_element_wise("K", pc.utf8_lpad(pa.array(k_idx + 1).cast(pa.string()), 5, "0"), "")
    line_id = pc.binary_join_element_wise(day.strftime("%Y%m%d"), store_txt, sku_txt, "-")
    table = pa.table({"line_id": line_id, "sale_date": date_txt, "store_id": store_txt, "sku_id": sku_txt,
                      "units": units_txt, "unit_price": price_txt,
                      "promo_flag": pa.array(np.where(promo, "1", "0"), pa.string())})
    # a re-sent line follows its original
    dup = picks["duplicate_lines"]
    table = table.take(pa.array(np.sort(np.concatenate([np.arange(n), dup]), kind="stable")))

    ids = line_id.to_pylist() if any(p.size for p in picks.values()) else []
    for kind, idx in picks.items():
        ledger.add(kind, file, [ids[i] for i in idx], [day.isoformat()] if idx.size else [])
    if t == missing_t:
        ledger.add("missing_store_day", file, [f"{store_id(missing_store)}@{day.isoformat()}"], [day.isoformat()],
                   rows=int(removed))
    if t in gap_days:
        ledger.add("missing_series_days", file, [f"{store_id(gap_store)}/{sku_id(gap_sku)}@{day.isoformat()}"],
                   [day.isoformat()], rows=1)
    if t >= shape.drift_start:
        ledger.add("drifted_window", file, [], [day.isoformat()], rows=n)
    if t >= shape.launch_day:
        ledger.add("new_category", file, [sku_id(k) for k in range(shape.skus, shape.skus + shape.new_skus)]
                   if t == shape.launch_day else [], [day.isoformat()], rows=int((k_idx >= shape.skus).sum()))

    trailer = b""
    if t == shape.load_reject_day:
        # a trailer record with two fields, and a line from a Latin-1 till (0xE9 is not UTF-8)
        trailer = (f"TRAILER,{n + dup.size}\n".encode()
                   + f"{day:%Y%m%d}-S9999-K00001,{day.isoformat()},S9999,K00001,1,".encode() + b"2.5\xe9,0\n")
        ledger.add("load_rejects", file, ["TRAILER", f"{day:%Y%m%d}-S9999-K00001"], [day.isoformat()])
    stats = {"lines": table.num_rows + (2 if trailer else 0), "loaded": table.num_rows,
             "clean_keys": n - sum(picks[k].size for k in ("units_nan_inf", "units_not_a_number", "units_empty",
                                                            "unparseable_sale_date"))}
    return table, trailer, stats


def _write_day(out: Path, shape: Shape, params: dict[str, np.ndarray], t: int, ledger: _Ledger,
               incidents: list | None = None) -> tuple[str, dict]:
    from strataqc.landing.incidents import LATE_DIR, Night, deliver_tonight

    table, trailer, stats = _day_lines(shape, params, t, ledger)
    day = shape.start + dt.timedelta(days=t)
    night = Night(out, day, t, shape.seed, shape.stores)
    # night 0 wrote the base days: delivery n is night n
    table, stats = deliver_tonight(table, stats, night, incidents or [], t - shape.base_days + 1, sales_file(day),
                                   ledger.add)
    path = out / (f"{LATE_DIR}/{sales_file(day)}" if night.late else sales_file(day))
    path.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed", batch_size=65536))
    if trailer:
        with open(path, "ab") as fh:
            fh.write(trailer)
    return sales_file(day), stats


def _count(files: dict[str, int], totals: dict[str, int], name: str, stats: dict) -> None:
    files[name] = stats["lines"]
    totals["lines"] += stats["lines"]
    totals["loaded"] += stats["loaded"]


def _ads_facts(shape: Shape, days: int) -> dict:
    end = shape.start + dt.timedelta(days=days - 1)
    return {
        "model": "ads_demand_features", "target": "units_next_7d", "split_column": "dataset_split",
        "leaking_feature": "units_mean_14d_centered", "drifted_features": ["unit_price", "is_promo"],
        "new_category": NEW_CATEGORY, "new_category_skus": [sku_id(k) for k in range(shape.skus, shape.skus + shape.new_skus)],
        "surviving_spelling": SURVIVING_SPELLING,
        "predict_dates": [(end - dt.timedelta(days=PREDICT_DAYS - 1)).isoformat(), end.isoformat()],
        "drift_start_date": (shape.start + dt.timedelta(days=shape.drift_start)).isoformat(),
    }


def _master_defects(shape: Shape, ledger: _Ledger) -> None:
    for s, (_, what) in STORE_NAME_DEFECTS.items():
        ledger.add("special_characters", "erp_stores.csv", [f"{store_id(s)}: {what}"], [])
    for k, (_, what) in SKU_NAME_DEFECTS.items():
        ledger.add("special_characters", "erp_skus.csv", [f"{sku_id(k)}: {what}"], [])
    ledger.defects["special_characters"]["column"] = "store_name, sku_name"
    ledger.add("empty_strings", "erp_stores.csv", [store_id(EMPTY_STORE)], [])
    messy = [sku_id(k) for k in range(shape.skus) if _category(k, shape)[1] != _category(k, shape)[0]
             and _category(k, shape)[1] != SURVIVING_SPELLING["variant"]]
    ledger.add("messy_category_spellings", "erp_skus.csv", messy, [])
    surviving = [sku_id(k) for k in range(shape.skus) if _category(k, shape)[1] == SURVIVING_SPELLING["variant"]]
    ledger.add("category_spelling_survives", "erp_skus.csv", surviving, [])
    ledger.add("leaking_feature", None, [], [], rows=0)


def _write_manifest(out: Path, shape: Shape, days: int, files: dict[str, int], totals: dict[str, int],
                    ledger: _Ledger, masters: dict[str, int], incidents: list[dict] | None = None,
                    late: dict[str, dict] | None = None) -> dict:
    manifest = {
        "generator": {**asdict(shape), "days": days,
                      "end_date": (shape.start + dt.timedelta(days=days - 1)).isoformat(),
                      "drift_start_date": (shape.start + dt.timedelta(days=shape.drift_start)).isoformat(),
                      "new_category_launch_date": (shape.start + dt.timedelta(days=shape.launch_day)).isoformat()},
        "rows": {"pos_sales": sum(files.values()), **masters},
        "files": dict(sorted(files.items())),
        "totals": totals,
        "expected": expected_rows(shape, days, totals, {k: d["rows"] for k, d in ledger.defects.items()}, masters,
                                  PREDICT_DAYS),
        "defects": ledger.as_list(),
        "ads": _ads_facts(shape, days),
        "incidents": incidents or [],
        "late_files": late or {},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False, ensure_ascii=True) + "\n")
    return manifest


def generate(out: Path, rows: int = 200_000, seed: int = 42, *, days: int | None = None,
             extend_days: int = 0, incidents: list[str] | None = None) -> dict:
    """Write the landing zone under `out` and return its manifest.

    `extend_days` > 0 appends that many new days to the landing zone already in
    `out` (a nightly delivery) instead of writing a new one; `incidents`
    (`KIND[:key=value,...]`, see landing/incidents.py) are planted in that delivery.
    """
    out = Path(out)
    if incidents and extend_days != 1:
        raise ValueError("--incident plants in one nightly delivery: use it with --extend-days 1")
    if extend_days:
        return extend(out, extend_days, incidents=incidents)
    shape = Shape.for_rows(rows, seed, days)
    (out / SALES_DIR).mkdir(parents=True, exist_ok=True)
    for stale in (out / SALES_DIR).glob("pos_sales_*.csv"):
        stale.unlink()  # a fresh landing zone: no day of an earlier run may survive
    params = _series_params(shape)
    masters = _write_masters(out, shape, params)
    ledger = _Ledger()
    _master_defects(shape, ledger)
    files: dict[str, int] = {}
    totals = {"lines": 0, "loaded": 0}
    for t in range(shape.base_days):
        _count(files, totals, *_write_day(out, shape, params, t, ledger))
    return _write_manifest(out, shape, shape.base_days, files, totals, ledger, masters)


def extend(out: Path, days: int = 1, incidents: list[str] | None = None) -> dict:
    """Append the next `days` days to the landing zone in `out` and update its manifest.

    A file held back by a `late_file` incident is delivered now, beside tonight's."""
    from strataqc.landing.incidents import deliver_late, parse_incident

    out = Path(out)
    path = out / "manifest.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `qc-report generate --out {out}` before extending it")
    if days < 1:
        raise ValueError(f"extend by at least one day, not {days}")
    specs = [parse_incident(text) for text in incidents or []]  # every --incident checked before a byte is written
    manifest = json.loads(path.read_text())
    g = manifest["generator"]
    shape = Shape(**{k: g[k] for k in Shape.__dataclass_fields__})
    params = _series_params(shape)
    ledger = _Ledger(manifest)
    files = dict(manifest["files"])
    totals = dict(manifest["totals"])
    planted = list(manifest.get("incidents", []))
    for name, stats in deliver_late(out, manifest.get("late_files", {})).items():
        _count(files, totals, name, stats)
    late = {}
    for t in range(g["days"], g["days"] + days):
        name, stats = _write_day(out, shape, params, t, ledger, specs if t == g["days"] + days - 1 else None)
        planted += stats["incidents"]
        if stats["late"]:
            late[name] = {"lines": stats["lines"], "loaded": stats["loaded"]}
        else:
            _count(files, totals, name, stats)
    masters = {k: manifest["rows"][k] for k in ("erp_stores", "erp_skus")}
    return _write_manifest(out, shape, g["days"] + days, files, totals, ledger, masters, planted, late)
