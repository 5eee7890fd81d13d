"""The model loop over simulated nights (examples/simulate/forecasts-short.yml): forecasts are kept each
night, their actuals land a horizon later, a planted units shift degrades realized accuracy the night the
first forecasts holding it land, that same night a challenger is trained and decided, and the decision
reaches the history, the model card and the HTML report's model loop section."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from strataqc.cli import app

pytestmark = pytest.mark.dbt

ROOT = Path(__file__).resolve().parents[2]
SCHEDULE = ROOT / "examples" / "simulate" / "forecasts-short.yml"
POLICY = '            retrain: {"on": [realized_degradation, schedule], every_days: 7, margin: 0.02}\n'
SHIFT_NIGHT = 10   # the schedule's feature_shift; the forecasts of night 3 are the first to hold it
MODEL = "ads_demand_features"


def project_judging_after(tmp_path: Path, min_history: int) -> Path:
    """The demo project, its realized accuracy judged after `min_history` landed forecast dates (7 by
    default, which takes 15 nights before the first verdict)."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "models", "macros", "seeds", "tests", "profiles"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    models = project / "models" / "ads" / "_ads__models.yml"
    text = models.read_text()
    assert POLICY in text, "the demo's retrain policy moved: update this test's copy of it"
    models.write_text(text.replace(POLICY, POLICY + "            forecasts: {realized_accuracy: "
                                                    f"{{min_history: {min_history}}}}}\n"))
    return project


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("model_loop")
    out = tmp / "sim"
    result = CliRunner().invoke(app, ["simulate", "--out", str(out), "--schedule", str(SCHEDULE), "--rows", "3000",
                                      "--project-dir", str(project_judging_after(tmp, 2))])
    assert result.exit_code == 0, result.output
    nights = {}
    for path in sorted((out / "nights").glob("night-*.json")):
        doc = json.loads(path.read_text())
        nights[int(path.stem[-3:])] = {r["check"]: r for r in doc["results"] if r["model"] == MODEL
                                       and r["check"] in ("realized_accuracy", "model_retrain", "prediction_source",
                                                          "forecasts_kept", "prediction_drift", "model_artifact")}
    return out, nights


def test_realized_accuracy_waits_for_actuals_then_passes_the_unshifted_nights(simulated):
    _, nights = simulated
    assert [nights[n]["realized_accuracy"]["status"] for n in range(7)] == ["skip"] * 7
    assert all(nights[n]["forecasts_kept"]["status"] == "pass" for n in nights)
    unshifted = [nights[n]["realized_accuracy"] for n in range(7, SHIFT_NIGHT)]
    assert [r["status"] for r in unshifted] == ["pass"] * len(unshifted), [r["message"] for r in unshifted]
    # night 9 is judged (2 earlier landed dates), not waved through for want of history
    assert "robust z" in unshifted[-1]["message"] and "too little history" not in unshifted[-1]["message"]


def test_shift_degrades_realized_accuracy_the_night_its_forecasts_land_and_starts_a_challenger(simulated):
    _, nights = simulated
    night = nights[SHIFT_NIGHT]
    realized = night["realized_accuracy"]
    made = dt.date.fromisoformat(nights[3]["forecasts_kept"]["message"].split("forecasts made ")[1][:10])
    assert realized["status"] == "fail", realized["message"]
    assert realized["message"].startswith(f"WAPE of forecasts made {made}: ")
    assert realized["observed"] >= 1.25 * realized["details"]["median"]  # the trend rule's relative floor
    retrain = night["model_retrain"]
    decision = retrain["details"]["decision"]
    assert decision["triggers"] == ["realized_degradation"], retrain["message"]
    assert retrain["message"].startswith("retrain triggered (realized_accuracy failed: WAPE of forecasts made")
    assert decision["decision"] in ("promoted", "rejected") and decision["reason"] in retrain["message"]
    assert {"challenger", "champion"} <= set(decision["metrics"]) and decision["metrics"]["champion"]["wape"] > 0
    assert decision["fingerprint"] and decision["champion_fingerprint"]
    assert decision["fingerprint"] != decision["champion_fingerprint"]
    # the nights before the shift challenged the champion on schedule only (night 7), never for accuracy
    triggered = {n: nights[n]["model_retrain"]["details"].get("decision", {}).get("triggers")
                 for n in range(1, SHIFT_NIGHT)}
    assert {n: t for n, t in triggered.items() if t} == {7: ["schedule"]}


def test_the_decision_is_in_the_card_the_registry_and_the_history(simulated):
    out, nights = simulated
    decision = nights[SHIFT_NIGHT]["model_retrain"]["details"]["decision"]
    versions = out / "warehouse" / "models" / MODEL
    card = json.loads((versions / decision["version"] / "card.json").read_text())
    assert card["decision"]["triggers"] == ["realized_degradation"]
    assert card["decision"]["decision"] == decision["decision"]
    assert card["role"] == ("champion" if decision["decision"] == "promoted" else "challenger")
    assert json.loads((versions / "registry.json").read_text())["decisions"][-1]["version"] == decision["version"]
    with duckdb.connect(str(out / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute("select version, decision, triggers, fingerprint, champion_fingerprint, valid_metric, "
                           "champion_metric from strataqc_history.model_versions where model = ? "
                           "order by decided_at", [MODEL]).fetchall()
    assert [(r[1], r[2]) for r in rows] == [("initial", ""), ("rejected", "schedule"),
                                           (decision["decision"], "realized_degradation")]
    last = rows[-1]
    assert last[0] == decision["version"] and last[3] == decision["fingerprint"]
    assert last[4] == decision["champion_fingerprint"] and last[5] > 0 and last[6] > 0


def test_the_html_report_tells_the_story_in_one_place(simulated):
    out, nights = simulated
    page = (out / "nights" / f"night-{SHIFT_NIGHT:03d}.html").read_text()
    section = page[page.index('<section id="model-loop">'):page.index('<section id="layers">')]
    made = nights[SHIFT_NIGHT]["realized_accuracy"]["details"]["forecast_date"]
    decision = nights[SHIFT_NIGHT]["model_retrain"]["details"]["decision"]
    assert f"degraded: {made}" in section
    assert re.search(rf"{made}: WAPE [0-9.]+, limit [0-9.]+ \(fail\)", section)
    assert "realized_accuracy failed" in section and f">{decision['decision']}<" in section
    assert "triggers: realized_degradation" in section
    assert f"challenger data fingerprint {decision['fingerprint'][:12]}" in section
    assert re.search(r"<td>champion</td><td>v\d{4}</td>", section) and re.search(r"<td>challenger</td>", section)
    assert "qc-report model " in section  # what to run to undo or override it
    quiet = (out / "nights" / "night-009.html").read_text()
    quiet = quiet[quiet.index('<section id="model-loop">'):quiet.index('<section id="layers">')]
    assert "degraded:" not in quiet and "(fail)" not in quiet
