"""The demo night end to end: every layer's row counts against the generator's manifest,
every planted defect found in the layer where it lands, landed = clean + rejected + duplicates."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.dbt

COUNTED = {
    "landing.pos_sales": "landing.pos_sales",
    "landing._rejects": "landing._rejects",
    "ods_pos__sales": "ods.ods_pos__sales",
    "ods_erp__stores": "ods.ods_erp__stores",
    "ods_erp__skus": "ods.ods_erp__skus",
    "dwd_sales": "dwd.dwd_sales",
    "dwd_sales__rejected": "dwd.dwd_sales__rejected",
    "dwd_store": "dwd.dwd_store",
    "dwd_sku": "dwd.dwd_sku",
    "dws_sales_daily": "dws.dws_sales_daily",
    "dws_sales_weekly": "dws.dws_sales_weekly",
    "ads_demand_features": "ads.ads_demand_features",
}


def test_every_model_builds(demo_night):
    results = demo_night.run_results["results"]
    models = {r["unique_id"].split(".")[-1]: r["status"] for r in results if r["unique_id"].startswith("model.")}
    assert set(COUNTED) - {"landing.pos_sales", "landing._rejects"} <= set(models)
    assert "dwd_sales__reconciliation" in models
    assert {name: s for name, s in models.items() if s != "success"} == {}


@pytest.mark.parametrize("name", list(COUNTED))
def test_layer_row_count_matches_manifest(demo_night, name):
    expected = demo_night.manifest["expected"][name]
    assert expected > 0
    assert demo_night.scalar(f"select count(*) from {COUNTED[name]}") == expected


def test_landed_equals_clean_plus_rejected_plus_duplicates(demo_night):
    landed, clean, rejected, dups, unexplained, loads = demo_night.query(
        "select sum(landed_rows), sum(clean_rows), sum(rejected_rows), sum(duplicates_removed), "
        "sum(abs(unexplained_rows)), count(*) from dwd.dwd_sales__reconciliation")[0]
    expected = demo_night.manifest["expected"]
    assert landed == expected["ods_pos__sales"] == clean + rejected + dups
    assert (clean, rejected, dups) == (expected["dwd_sales"], expected["dwd_sales__rejected"],
                                       expected["duplicates_removed"])
    assert unexplained == 0
    assert loads == demo_night.manifest["generator"]["days"]  # one load per daily file
    # the singular test over the same model passed
    statuses = {r["unique_id"].split(".")[2]: r["status"] for r in demo_night.run_results["results"]}
    assert statuses["assert_dwd_sales_reconciles"] == "pass"
