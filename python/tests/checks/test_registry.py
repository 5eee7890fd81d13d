"""The registry and the families agree on every YAML check name and its order."""

from __future__ import annotations

from strataqc.checks import drift, feature_set
from strataqc.checks.defaults import CHECK_FAMILIES
from strataqc.checks.registry import MODEL_QUALITY, SPEC_FAMILIES
from strataqc.results import CheckType


def test_every_yaml_check_name_is_a_check_of_its_family_in_the_reports_order():
    assert [n for n, family in CHECK_FAMILIES.items() if family == "feature_set"] == list(feature_set.CHECKS)
    assert [n for n, family in CHECK_FAMILIES.items() if family == "drift"] == list(drift.CHECKS)


def test_the_families_run_feature_set_then_drift_then_model_quality():
    assert [(f.name, f.check_type) for f in [*SPEC_FAMILIES.values(), MODEL_QUALITY]] == [
        ("feature_set", CheckType.FEATURE_SET), ("drift", CheckType.DRIFT),
        ("model_quality", CheckType.MODEL_QUALITY)]
