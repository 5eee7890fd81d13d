"""The demo night's SQL checks find every defect the generator planted, by name.

Each defect of the generator's manifest maps to the StrataQC test in the demo
models' YAML that must catch it, at the severity it deserves (defects a layer
keeps on purpose warn; a broken promise of a layer is an error). The failing
rows must account for the planted defect exactly (same count, same keys), and
every error-severity StrataQC test of the demo passes: the clean layers are clean.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

# defect kind -> (test name, status); feature drift and the leak are the Python checks' to find
CAUGHT_BY = {
    "duplicate_lines": ("ods_pos__sales__line_resent", "warn"),
    "units_nan_inf": ("ods_pos__sales__values_castable", "warn"),
    "units_not_a_number": ("ods_pos__sales__values_castable", "warn"),
    "units_empty": ("ods_pos__sales__values_castable", "warn"),
    "unparseable_sale_date": ("ods_pos__sales__values_castable", "warn"),
    "negative_units": ("dwd_sales__kept_defects", "warn"),
    "unit_price_nan_inf": ("dwd_sales__kept_defects", "warn"),
    "unit_price_empty": ("dwd_sales__kept_defects", "warn"),
    "missing_series_days": ("dwd_sales__series_days_missing", "warn"),
    "missing_store_day": ("dwd_sales__series_days_missing", "warn"),
    "load_rejects": ("landing__load_rejects_none", "warn"),
    "special_characters": ("ods_erp__skus__names_and_categories", "warn"),
    "empty_strings": ("ods_erp__stores__names_clean", "warn"),
    "messy_category_spellings": ("ods_erp__skus__names_and_categories", "warn"),
    "category_spelling_survives": ("ads_demand_features__surviving_defects", "warn"),
    "new_category": ("ads_demand_features__surviving_defects", "warn"),
}
PYTHON_CHECKS = {"drifted_window", "leaking_feature"}


@dataclass
class Night:
    duckdb_path: Path
    manifest: dict            # the generator's manifest (defects)
    results: dict[str, dict]  # test name -> run_results entry
    dbt_manifest: dict

    def rows(self, test: str, columns: str = "*") -> list[tuple]:
        sql = self.results[test]["compiled_code"]
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
            return con.sql(f"select {columns} from ({sql}) failing").fetchall()

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.duckdb_path), read_only=True) as con:
            return con.sql(sql).fetchall()

    def rule(self, test: str, column: str, rule: str) -> tuple:
        """(observed, message) of one failing (column, rule) row of a column_checks test."""
        found = [r for r in self.rows(test, "column_name, rule, observed, message") if r[:2] == (column, rule)]
        assert len(found) == 1, (test, column, rule, self.rows(test, "message"))
        return found[0][2], found[0][3]

    def defect(self, kind: str) -> dict:
        return next(d for d in self.manifest["defects"] if d["kind"] == kind)


@pytest.fixture(scope="module")
def night(demo_night) -> Night:
    target, landing = Path(demo_night.target_path), Path(demo_night.landing_dir)
    dbt_manifest = json.loads((target / "manifest.json").read_text())
    run_results = json.loads((target / "run_results.json").read_text())
    names = {uid: node["name"] for uid, node in dbt_manifest["nodes"].items()}
    results = {names.get(r["unique_id"], r["unique_id"]): r for r in run_results["results"]}
    manifest = json.loads((landing / "manifest.json").read_text())
    return Night(Path(demo_night.duckdb_path), manifest, results, dbt_manifest)


def _strataqc_tests(night: Night) -> dict[str, dict]:
    return {n["name"]: n for n in night.dbt_manifest["nodes"].values()
            if n["resource_type"] == "test" and n.get("test_metadata", {}).get("namespace") == "strataqc"}


def test_every_planted_defect_has_a_named_check(night):
    kinds = {d["kind"] for d in night.manifest["defects"]}
    assert kinds - PYTHON_CHECKS == set(CAUGHT_BY), kinds ^ set(CAUGHT_BY)
    tests = _strataqc_tests(night)
    for kind, (test, status) in CAUGHT_BY.items():
        assert test in tests, (kind, test)
        assert night.results[test]["status"] == status, (kind, night.results[test]["message"])


def test_every_layer_is_guarded(night):
    layers = {}
    for test in _strataqc_tests(night).values():
        model = test.get("attached_node") or ""
        for layer in ("ods", "dwd", "dws", "ads"):
            if model.split(".")[-1].startswith(layer + "_"):
                layers.setdefault(layer, set()).add(test["test_metadata"]["name"])
    assert set(layers) == {"ods", "dwd", "dws", "ads"}
    assert {"reconcile_row_count", "reconcile_sum", "reconcile_date_range"} <= set().union(*layers.values())
    for layer, tests in layers.items():
        assert {"unique_key", "column_checks"} <= tests, layer
    assert {"date_continuity", "value_continuity", "reconcile_sum"} <= layers["dws"]
    assert {"schema_unchanged", "volume_anomaly", "column_checks"} <= layers["ads"]


def test_clean_layers_keep_their_promises(night):
    """Every StrataQC test at error severity passes on the demo night."""
    errors = {name: night.results[name]["status"] for name, node in _strataqc_tests(night).items()
              if node["config"]["severity"].lower() == "error"}
    assert len(errors) >= 20
    assert {n: s for n, s in errors.items() if s != "pass"} == {}


def test_raw_layer_defects_are_counted_exactly(night):
    n = {kind: night.defect(kind)["rows"] for kind in CAUGHT_BY}
    resent = {r[0] for r in night.rows("ods_pos__sales__line_resent", "line_id")}
    assert resent == set(night.defect("duplicate_lines")["keys"])
    test = "ods_pos__sales__values_castable"
    assert night.rule(test, "units", "valid_type")[0] == n["units_nan_inf"] + n["units_not_a_number"] + n["units_empty"]
    assert f"{n['units_nan_inf'] + n['units_empty']} of " in night.rule(test, "units", "abnormal_value_ratio")[1]
    assert night.rule(test, "sale_date", "valid_type")[0] == n["unparseable_sale_date"]
    assert night.rows("landing__load_rejects_none", "observed") == [(n["load_rejects"],)]


def test_kept_defects_are_counted_exactly_in_dwd(night):
    n = {kind: night.defect(kind)["rows"] for kind in CAUGHT_BY}
    test = "dwd_sales__kept_defects"
    assert night.rule(test, "units", "value_range")[0] == n["negative_units"]
    assert night.rule(test, "unit_price", "value_range")[0] == n["unit_price_nan_inf"]
    assert f"{n['unit_price_empty']} of " in night.rule(test, "unit_price", "abnormal_value_ratio")[1]
    missing = {(s, k, str(d)) for s, k, d in night.rows("dwd_sales__series_days_missing", "store_id, sku_id, missing_period")}
    for key in night.defect("missing_series_days")["keys"]:       # 'S0001/K00003@2026-02-16'
        series, day = key.split("@")
        assert (*series.split("/"), day) in missing, key
    (store_day,) = night.defect("missing_store_day")["keys"]       # 'S0002@2026-02-02'
    store, day = store_day.split("@")
    assert sum(1 for s, _, d in missing if (s, d) == (store, day)) == night.defect("missing_store_day")["rows"]


def test_master_data_defects_are_counted_exactly(night):
    special = night.defect("special_characters")["keys"]          # 'S0003: NBSP', 'K00002: zero-width space', ...
    stores = sum(1 for k in special if k.startswith("S"))
    assert night.rule("ods_erp__stores__names_clean", "store_name", "special_characters")[0] == stores
    assert night.rule("ods_erp__skus__names_and_categories", "sku_name", "special_characters")[0] == len(special) - stores
    assert night.rule("ods_erp__stores__names_clean", "store_name", "abnormal_value_ratio")[1].endswith(
        f": {night.defect('empty_strings')['rows']} of 7 rows fail (ratio 0.1429, limit 0)")
    # off the canonical list in ODS: the messy spellings, the surviving 'Beverage' and the new category
    skus_off_list = len(night.defect("messy_category_spellings")["keys"]) + len(
        night.defect("category_spelling_survives")["keys"]) + len(night.defect("new_category")["keys"])
    assert f": {skus_off_list} of " in night.rule("ods_erp__skus__names_and_categories", "category", "accepted_values_ratio")[1]
    surviving = len(night.defect("category_spelling_survives")["keys"]) + len(night.defect("new_category")["keys"])
    assert f": {surviving} of " in night.rule("dwd_sku__names_and_categories", "category", "accepted_values_ratio")[1]


def test_surviving_categories_are_counted_exactly_in_ads(night):
    skus = night.defect("category_spelling_survives")["keys"] + night.defect("new_category")["keys"]
    listed = ", ".join(f"'{k}'" for k in skus)   # generator keys: plain SKU codes
    (expected,), = night.query(f"select count(*) from ads.ads_demand_features where sku_id in ({listed})")
    message = night.rule("ads_demand_features__surviving_defects", "category", "accepted_values_ratio")[1]
    assert f": {expected} of " in message
