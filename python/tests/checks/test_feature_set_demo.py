"""The demo ADS table: the feature-set checks find the planted defects and pass the clean columns."""

from __future__ import annotations

import pytest

from strataqc.checks.config import build_spec
from strataqc.checks.feature_set import run_feature_set_checks
from strataqc.checks.runner import model_nodes, strataqc_block
from strataqc.layers import layer_of
from strataqc.results import Status
from strataqc.warehouse import Target, Warehouse

MODEL = "ads_demand_features"


@pytest.fixture(scope="module")
def demo_records(demo_night):
    [node] = [n for n in model_nodes(demo_night.dbt_manifest) if n["name"] == MODEL]
    # read-only, like every other reader of the shared night
    with Warehouse(Target("strataqc", "duckdb", "duckdb", {"path": str(demo_night.duckdb_path)}),
                   read_only=True) as wh:
        spec, errors = build_spec(MODEL, node["relation_name"], layer_of(node), strataqc_block(node), wh)
        assert errors == [], [e.message for e in errors]
        records = run_feature_set_checks(wh, spec)
    return spec, {(r.check, r.column): r for r in records}


def test_demo_block_is_read_from_the_manifest(demo_records):
    spec, _ = demo_records
    assert (spec.layer, spec.target, spec.split_column, spec.reference, spec.current) == \
        ("ads", "units_next_7d", "dataset_split", "train", "predict")
    assert "units_mean_14d_centered" in spec.numeric and "category" in spec.categorical


def test_planted_leak_is_found_and_honest_features_pass(demo_night, demo_records):
    _, records = demo_records
    leak = demo_night.manifest["ads"]["leaking_feature"]
    assert leak == "units_mean_14d_centered"
    record = records[("target_correlation", leak)]
    assert record.status == Status.FAIL
    assert record.message.startswith(f"{leak} leaks the target units_next_7d")
    # the features completing the leak's identity are named with it; every other feature passes
    partners = [c for c in record.details.get("identity", []) if c != leak]
    for c in partners:
        named = records[("target_correlation", c)].message.split("completes the identity with ")[1]
        assert records[("target_correlation", c)].status == Status.FAIL and leak in named.split(":")[0]
    honest = [c for (check, c), r in records.items() if check == "target_correlation" and c not in [leak, *partners]]
    assert len(honest) >= 10
    assert {c: records[("target_correlation", c)].status for c in honest} == dict.fromkeys(honest, Status.PASS), \
        {c: records[("target_correlation", c)].message for c in honest}


def test_surviving_spelling_is_found_and_region_passes(demo_night, demo_records):
    _, records = demo_records
    spelling = demo_night.manifest["ads"]["surviving_spelling"]
    record = records[("similar_strings", "category")]
    assert record.status == Status.FAIL
    assert f"{spelling['canonical']!r} (" in record.message and f"{spelling['variant']!r} (" in record.message
    assert [row[1] for row in record.details["table"]["rows"]] == [spelling["canonical"], spelling["variant"]]
    assert record.observed == 1  # only that pair: the DWD standardisation fixed the other spellings
    assert records[("similar_strings", "region")].status == Status.PASS


def test_clean_table_level_checks_pass(demo_records):
    _, records = demo_records
    for key in [("duplicate_rows", None), ("duplicate_columns", None), ("categorical_levels", "category")]:
        assert records[key].status == Status.PASS, records[key].message
    assert not [r for r in records.values() if r.status == Status.ERROR]
