"""Lineage: columns through the demo models' compiled SQL, model level where it cannot be derived, the cache."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from strataqc import lineage
from strataqc.cli import app


def manifest(compiled_child: str | None) -> dict:
    """Two models: `parent` (documented columns) and `child`, whose SQL may be missing or unreadable."""
    def model(name, code, parents=()):
        return {"resource_type": "model", "name": name, "original_file_path": f"models/dwd/{name}.sql",
                "relation_name": f'"db"."main"."{name}"', "compiled_code": code,
                "depends_on": {"nodes": [f"model.p.{p}" for p in parents]}, "columns": {}}

    return {"metadata": {"adapter_type": "duckdb"}, "sources": {}, "nodes": {
        "model.p.parent": model("parent", 'select cast(a as int) as a, b from "db"."main"."raw"'),
        "model.p.child": model("child", compiled_child, ["parent"]),
    }}


def test_columns_follow_the_compiled_sql():
    found = lineage.build(manifest('select a * 2 as doubled, b as b_copy from "db"."main"."parent"'))
    assert found.column_parents["child.doubled"] == ["parent.a"]
    assert found.feeds(("parent", "a"), ("child", "doubled"))
    assert not found.feeds(("parent", "b"), ("child", "doubled"))


def test_a_model_whose_sql_cannot_be_read_stays_at_model_level():
    found = lineage.build(manifest("select from where ((("))
    assert found.model_level == ["child"]
    # every column of the parent may reach every column of the child
    assert found.feeds(("parent", "b"), ("child", "anything"))
    assert found.downstream_columns("parent", "a") == {"child."}


def test_the_cache_is_keyed_by_the_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps(manifest('select a as x from "db"."main"."parent"')))
    first = lineage.load(tmp_path)
    caches = list(tmp_path.glob("strataqc_lineage-*.json"))
    assert len(caches) == 1 and first.column_parents["child.x"] == ["parent.a"]
    # a cache that says otherwise is believed while the manifest is unchanged: it is read, not rebuilt
    data = json.loads(caches[0].read_text())
    data["column_parents"]["child.x"] = ["parent.b"]
    caches[0].write_text(json.dumps(data))
    assert lineage.load(tmp_path).column_parents["child.x"] == ["parent.b"]
    # a new manifest gets a new cache, and the old one goes
    (tmp_path / "manifest.json").write_text(json.dumps(manifest('select b as x from "db"."main"."parent"')))
    assert lineage.load(tmp_path).column_parents["child.x"] == ["parent.b"]
    assert [p.name for p in tmp_path.glob("strataqc_lineage-*.json")] != [caches[0].name]


def test_columns_through_the_demo_models(demo_night):
    found = lineage.load(demo_night.target_path)
    assert found.model_level == []
    up = found.upstream_columns("ads_demand_features", "unit_price")
    assert {"dws_sales_daily.unit_price", "dwd_sales.unit_price", "ods_pos__sales.unit_price"} <= up
    assert not any(node.endswith(".units") for node in up)
    # the category standardised in DWD comes from the ERP's category, not from the sales
    assert found.upstream_columns("ads_demand_features", "category") >= {"dwd_sku.category",
                                                                          "ods_erp__skus.category"}
    assert "ods_pos__sales.units" in found.upstream_columns("ads_demand_features", "units_lag_7")
    assert "ods_pos__sales.units" not in found.upstream_columns("ads_demand_features", "category")
    assert found.downstream_models("dwd_sku") == {"ads_demand_features"}


def test_latest_statuses_are_the_worst_of_the_newest_run():
    frame = pd.DataFrame([
        {"generated_at": "2026-03-01", "model": "dwd_sales", "column_name": "units", "status": "fail"},
        {"generated_at": "2026-03-02", "model": "dwd_sales", "column_name": "units", "status": "pass"},
        {"generated_at": "2026-03-02", "model": "dwd_sales", "column_name": None, "status": "warn"},
    ])
    assert lineage.latest_statuses(frame) == {"dwd_sales": "warn", "dwd_sales.units": "pass"}


def test_cli_lineage_lists_both_sides(demo_night):
    args = ["lineage", "dwd_sales.unit_price", "--target-path", str(demo_night.target_path), "--no-history"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    upstream, downstream = result.stdout.split("downstream")
    assert "ods_pos__sales.unit_price" in upstream and "ads_demand_features.unit_price" in downstream
    assert "dwd_sales.units" not in result.stdout
    view = json.loads(CliRunner().invoke(app, args + ["-f", "json"]).stdout)
    assert [e["node"] for e in view["downstream"]][-1] == "ads_demand_features.unit_price"
    missing = CliRunner().invoke(app, ["lineage", "dwd_sales.nope", "--target-path", str(demo_night.target_path),
                                       "--no-history"])
    assert missing.exit_code == 2 and "no column 'nope' in dwd_sales" in missing.stderr
