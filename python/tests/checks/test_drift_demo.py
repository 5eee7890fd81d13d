"""The drift checks on the demo night's ADS table find what the generator planted:
unit_price and is_promo drift in the prediction window, 'Ready Meals' is a new category,
and the columns nobody touched pass."""

from __future__ import annotations

import pytest

from strataqc.checks.config import build_spec
from strataqc.checks.drift import run_drift_checks
from strataqc.results import Status
from strataqc.warehouse import Target, Warehouse

pytestmark = pytest.mark.dbt

MODEL = "ads_demand_features"


@pytest.fixture(scope="module")
def demo_drift(demo_night):
    node = next(n for n in demo_night.dbt_manifest["nodes"].values()
                if n["resource_type"] == "model" and n["name"] == MODEL)
    meta = (node.get("config", {}).get("meta") or node.get("meta") or {})["strataqc"]
    facts = demo_night.manifest["ads"]  # what the generator planted
    # read-only: the night's warehouse is shared by the whole test session
    with Warehouse(Target("strataqc", "duckdb", "duckdb", {"path": str(demo_night.duckdb_path)}),
                   read_only=True) as wh:
        spec, errors = build_spec(MODEL, node["relation_name"], "ads", meta, wh)
        assert [e.message for e in errors] == []
        results = run_drift_checks(wh, spec)
    return results, facts


def records(results, check: str) -> dict:
    return {r.column: r for r in results if r.check == check}


def test_demo_drifted_features_are_found(demo_drift):
    results, facts = demo_drift
    drift = records(results, "feature_drift")
    assert set(facts["drifted_features"]) == {"unit_price", "is_promo"}
    for name in facts["drifted_features"]:
        assert drift[name].status is Status.FAIL, drift[name].message
        assert drift[name].message.startswith(f"{name} drifted: ")
        assert "between train and predict" in drift[name].message


def test_demo_new_category_is_found(demo_drift):
    results, facts = demo_drift
    category = records(results, "new_categories")["category"]
    assert category.status is Status.FAIL
    assert facts["new_category"] == "Ready Meals"
    assert category.message.startswith("category: 1 new category in predict absent from train: 'Ready Meals' (")
    assert records(results, "new_categories")["region"].status is Status.PASS


def test_demo_untouched_features_do_not_drift(demo_drift):
    results, _ = demo_drift
    drift = records(results, "feature_drift")
    for name in ("store_size_m2", "region", "day_of_week"):
        assert drift[name].status is Status.PASS, drift[name].message


def test_demo_target_drift_says_why_it_compares_nothing(demo_drift):
    results, _ = demo_drift
    target = records(results, "target_drift")["units_next_7d"]
    assert target.status in (Status.SKIP, Status.PASS, Status.WARN, Status.FAIL)
    if target.status is Status.SKIP:  # the demo block does not name a split with targets
        assert "units_next_7d has no value in predict" in target.message and "'valid'" in target.message


def test_demo_multivariate_drift_fails(demo_drift):
    results, _ = demo_drift
    multivariate = records(results, "multivariate_drift")[None]
    assert multivariate.status is Status.FAIL, multivariate.message
    assert not [r.message for r in results if r.status is Status.ERROR]

