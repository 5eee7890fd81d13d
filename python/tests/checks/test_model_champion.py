"""Nights of a model with a retrain policy, end to end in a tmp DuckDB: the champion is kept until a
trigger, a challenger is promoted only when better by the margin and gated, rollback restores the
previous champion's predictions exactly, and every decision reaches the card, registry and history."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from test_model_quality import by_check, demand_table, make_warehouse, meta

from strataqc.checks.model_quality import run_model_quality
from strataqc.clock import ENV
from strataqc.model import registry
from strataqc.results import CheckResult, CheckType, Status

POLICY = {"on": ["drift_fail", "realized_degradation", "schedule"], "every_days": 7, "margin": 0.02}
IDS = ["store_id", "sku_id", "date_day"]


def night(wh, relation, tmp_path, earlier=None, **retrain):
    results = run_model_quality("feat", relation, meta(tmp_path, retrain={**POLICY, **retrain}), wh, tmp_path,
                                earlier)
    return by_check(results)


def predictions(wh) -> pd.DataFrame:
    frame = wh.query('select store_id, sku_id, date_day, prediction, forecaster from ads.feat_predictions')
    return frame.sort_values(IDS).reset_index(drop=True)


def later(monkeypatch, days: float) -> None:
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)
    monkeypatch.setenv(ENV, when.isoformat())


def plant_temperature_shift(wh) -> None:
    """Warm days now sell up to 40 units more (train and valid targets): a pattern the champion never saw."""
    wh.execute("update ads.feat set units_next_7d = units_next_7d + 40 * temperature "
               "where dataset_split in ('train', 'valid')")


@pytest.fixture
def first(tmp_path):
    wh, relation = make_warehouse(tmp_path, demand_table())
    results = night(wh, relation, tmp_path)
    yield wh, relation, results
    wh.close()


def test_champion_first_version_becomes_champion(tmp_path, first):
    wh, _, results = first
    assert results["model_retrain"].status == Status.PASS
    assert results["model_retrain"].message == "v0001 is the first champion (nothing to compare with)"
    assert registry.champion(tmp_path / "artifacts") == "v0001"
    assert set(predictions(wh)["forecaster"]) == {"v0001"}
    card = json.loads((tmp_path / "artifacts" / "v0001" / "card.json").read_text())
    assert card["role"] == "champion" and card["decision"]["decision"] == "initial"


def test_champion_kept_without_trigger_even_when_train_data_changes(tmp_path, first):
    wh, relation, _ = first
    plant_temperature_shift(wh)
    results = night(wh, relation, tmp_path)
    assert results["model_artifact"].message == "champion v0001 forecasts (no retrain trigger fired)"
    assert results["model_retrain"].message.startswith("no retrain trigger fired (drift_fail, realized_degradation, "
                                                       "schedule); champion v0001 kept; scheduled retrain in 7.0 days")
    assert not (tmp_path / "artifacts" / "v0002").exists()
    assert set(predictions(wh)["forecaster"]) == {"v0001"}


def test_champion_challenger_not_better_by_margin_is_not_promoted(tmp_path, first, monkeypatch):
    wh, relation, _ = first
    wh.execute("update ads.feat set units_next_7d = units_next_7d + 0.5 where dataset_split = 'train' "
               "and sku_id = 'K001'")  # a new train split, no new pattern: the challenger is no better
    later(monkeypatch, 8)
    results = night(wh, relation, tmp_path)
    decided = results["model_retrain"]
    assert decided.status == Status.WARN
    assert "retrain triggered (8.0 days since the champion was promoted or last challenged (retrain every 7 days))" in decided.message
    assert "not better by the margin 2%; champion v0001 kept" in decided.message
    assert decided.threshold == pytest.approx(0.98) and decided.observed > 0.98
    assert [row[:2] for row in decided.details["table"]["rows"]] == [["champion", "v0001"], ["challenger", "v0002"]]
    assert registry.champion(tmp_path / "artifacts") == "v0001"
    assert set(predictions(wh)["forecaster"]) == {"v0001"}
    card = json.loads((tmp_path / "artifacts" / "v0002" / "card.json").read_text())
    assert card["role"] == "challenger" and card["decision"]["decision"] == "rejected"
    assert card["decision"]["triggers"] == ["schedule"] and card["decision"]["champion"] == "v0001"
    assert set(card["decision"]["metrics"]) >= {"challenger", "champion"}
    assert card["decision"]["champion_fingerprint"] != card["decision"]["fingerprint"]
    logged = registry.logged(wh, "feat")
    assert list(logged["decision"]) == ["initial", "rejected"]
    assert list(logged["version"]) == ["v0001", "v0002"]
    assert logged["champion_metric"].iloc[-1] > 0 and logged["valid_metric"].iloc[-1] > 0


def test_champion_schedule_counts_from_the_last_rejected_challenger(tmp_path, first, monkeypatch):
    """A rejected scheduled challenger was that week's retrain: the next night trains none, a week later one."""
    wh, relation, _ = first
    wh.execute("update ads.feat set units_next_7d = units_next_7d + 0.5 where dataset_split = 'train' "
               "and sku_id = 'K001'")
    later(monkeypatch, 8)
    assert "champion v0001 kept" in night(wh, relation, tmp_path)["model_retrain"].message
    wh.execute("update ads.feat set units_next_7d = units_next_7d + 0.5 where dataset_split = 'train' "
               "and sku_id = 'K002'")
    later(monkeypatch, 9)
    quiet = night(wh, relation, tmp_path)["model_retrain"]
    assert quiet.status == Status.PASS and quiet.message.startswith("no retrain trigger fired"), quiet.message
    assert "scheduled retrain in 6.0 days" in quiet.message and not (tmp_path / "artifacts" / "v0003").exists()
    later(monkeypatch, 15)
    again = night(wh, relation, tmp_path)["model_retrain"]
    assert "7.0 days since the champion was promoted or last challenged" in again.message, again.message
    assert list(registry.logged(wh, "feat")["decision"]) == ["initial", "rejected", "rejected"]


def test_champion_challenger_better_by_margin_and_gated_is_promoted(tmp_path, first):
    wh, relation, _ = first
    plant_temperature_shift(wh)
    drifted = CheckResult(check="feature_drift", status=Status.FAIL, check_type=CheckType.DRIFT, model="feat",
                          column="temperature", message="psi 0.4")
    results = night(wh, relation, tmp_path, earlier=[drifted])
    decided = results["model_retrain"]
    assert decided.status == Status.PASS, decided.message
    assert "drift failed on the model's features: feature_drift on temperature" in decided.message
    assert decided.message.endswith(": promoted") and decided.observed <= 0.98
    assert registry.champion(tmp_path / "artifacts") == "v0002"
    assert registry.roles(tmp_path / "artifacts") == {"v0001": "retired", "v0002": "champion"}
    assert set(predictions(wh)["forecaster"]) == {"v0002"}
    assert list(registry.logged(wh, "feat")["decision"]) == ["initial", "promoted"]


def test_champion_challenger_failing_a_gate_is_not_promoted(tmp_path, first):
    wh, relation, _ = first
    plant_temperature_shift(wh)
    realized = CheckResult(check="realized_accuracy", status=Status.FAIL, model="feat", message="wape 0.41 > 0.3")
    # a leak limit nobody can meet: the better challenger still fails importance_spike
    block = meta(tmp_path, retrain=POLICY, gates={"importance_spike": {"max_share": 0.01}})
    results = by_check(run_model_quality("feat", relation, block, wh, tmp_path, [realized]))
    decided = results["model_retrain"]
    assert decided.status == Status.WARN
    assert "realized_accuracy failed: wape 0.41 > 0.3" in decided.message
    assert "challenger v0002 failed error-severity gate(s) importance_spike; champion v0001 kept" in decided.message
    assert registry.champion(tmp_path / "artifacts") == "v0001"


def test_champion_rollback_restores_previous_champions_predictions_exactly(tmp_path, first, monkeypatch):
    wh, relation, _ = first
    before = predictions(wh)
    plant_temperature_shift(wh)
    later(monkeypatch, 8)
    assert night(wh, relation, tmp_path)["model_retrain"].message.endswith(": promoted")
    promoted = predictions(wh)
    assert set(promoted["forecaster"]) == {"v0002"}
    assert not promoted["prediction"].equals(before["prediction"])

    rolled, entry = registry.rollback(tmp_path / "artifacts", dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=8),
                                      "v0002 over-forecasts warm days")
    assert (rolled, entry["version"], entry["decision"]) == ("v0002", "v0001", "rollback")
    results = night(wh, relation, tmp_path)
    assert results["model_artifact"].message == "champion v0001 forecasts (no retrain trigger fired)"
    pd.testing.assert_frame_equal(predictions(wh), before)
    assert registry.roles(tmp_path / "artifacts") == {"v0001": "champion", "v0002": "retired"}


def test_champion_rollback_without_previous_champion_says_so(tmp_path, first):
    with pytest.raises(registry.RegistryError, match="no previous champion .* to roll back to "
                                                     r"\(champions so far: v0001\); promote a version instead"):
        registry.rollback(tmp_path / "artifacts", dt.datetime.now(dt.timezone.utc), "why")


def test_champion_params_changed_trains_challenger(tmp_path, first):
    wh, relation, _ = first
    block = meta(tmp_path, retrain=POLICY, params={"n_estimators": 60})
    results = by_check(run_model_quality("feat", relation, block, wh, tmp_path))
    assert "the champion v0001 was trained with other features or parameters" in results["model_retrain"].message
    assert (tmp_path / "artifacts" / "v0002").is_dir()


def test_champion_decision_shows_in_the_html_report(tmp_path, first):
    from qc_report_support import make_run

    from strataqc.report.html import render_html

    wh, relation, _ = first
    plant_temperature_shift(wh)
    drifted = CheckResult(check="feature_drift", status=Status.FAIL, check_type=CheckType.DRIFT, model="feat",
                          column="temperature", message="psi 0.4")
    decided = night(wh, relation, tmp_path, earlier=[drifted])["model_retrain"]
    run = make_run("r-retrain", 0, [("unique_key", "dwd_sales", None, "pass", None, 0)])
    run.results.append(decided.replace(run_id=run.run_id, generated_at=run.generated_at))
    page = render_html(run)
    assert "Champion vs challenger on tonight&#39;s valid split (wape decides)" in page
    assert "challenger v0002 valid wape" in page and ": promoted" in page


def test_champion_realized_degradation_read_from_the_last_stored_run(tmp_path, first):
    """When tonight judges no landed forecast (its realized_accuracy is a skip), the last stored run's
    verdict triggers."""
    from qc_report_support import make_run

    from strataqc.history import History

    wh, relation, _ = first
    stored = make_run("r-last", 0, [("realized_accuracy", "feat", None, "fail", 0.41)])
    History(wh).append(stored)
    plant_temperature_shift(wh)
    decided = night(wh, relation, tmp_path)["model_retrain"]
    assert "realized_accuracy failed: realized_accuracy on feat: fail (run of " in decided.message
    assert decided.message.endswith(": promoted")


def test_champion_realized_accuracy_passing_last_night_does_not_trigger(tmp_path, first):
    from qc_report_support import make_run

    from strataqc.history import History

    wh, relation, _ = first
    History(wh).append(make_run("r-last", 0, [("realized_accuracy", "feat", None, "pass", 0.1)]))
    plant_temperature_shift(wh)
    assert night(wh, relation, tmp_path)["model_retrain"].message.startswith("no retrain trigger fired")


def test_champion_schedule_follows_the_simulated_clock(tmp_path, monkeypatch):
    """Simulated nights stamp decisions with STRATAQC_NOW: the schedule counts in their days, not the wall's."""
    wh, relation = make_warehouse(tmp_path, demand_table())
    monkeypatch.setenv(ENV, "2026-01-01T03:00:00Z")
    night(wh, relation, tmp_path)
    wh.execute("update ads.feat set units_next_7d = units_next_7d + 0.5 where dataset_split = 'train'")
    monkeypatch.setenv(ENV, "2026-01-07T03:00:00Z")
    assert night(wh, relation, tmp_path)["model_retrain"].message.startswith("no retrain trigger fired")
    monkeypatch.setenv(ENV, "2026-01-08T03:00:00Z")
    decided = night(wh, relation, tmp_path)["model_retrain"]
    wh.close()
    assert "7.0 days since the champion was promoted or last challenged (retrain every 7 days)" in decided.message
    assert registry.read(tmp_path / "artifacts")["decisions"][-1]["decided_at"] == "2026-01-08T03:00:00+00:00"
