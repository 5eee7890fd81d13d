"""The kept-forecast loop judges the landed forecasts once a night, before training when a retrain
policy needs the verdict, after keeping tonight's predictions when none does."""

from __future__ import annotations

import pytest
from test_model_champion import POLICY, later
from test_model_quality import demand_table, make_warehouse, meta

from strataqc.checks import kept_forecasts
from strataqc.checks.model_quality import run_model_quality


@pytest.mark.parametrize("retrain", [
    pytest.param(POLICY, id="retrain-policy-judges-before-training"),
    pytest.param(None, id="no-policy-judges-after-keeping"),
])
def test_kept_forecasts_are_judged_once_a_night(tmp_path, monkeypatch, retrain):
    measured = []
    judge = kept_forecasts.realized_accuracy

    def counted(*args):
        measured.append(args[1])
        return judge(*args)

    monkeypatch.setattr(kept_forecasts, "realized_accuracy", counted)
    wh, relation = make_warehouse(tmp_path, demand_table())
    block = meta(tmp_path, **({"retrain": retrain} if retrain else {}))
    try:
        for nights_later in (0, 8):  # the second night finds the first night's forecasts and accuracy table
            later(monkeypatch, nights_later)
            measured.clear()
            results = run_model_quality("feat", relation, block, wh, tmp_path)
            assert measured == ["feat"], nights_later
            assert [r.check for r in results].count("realized_accuracy") == 1, nights_later
    finally:
        wh.close()
