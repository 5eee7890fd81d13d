"""Every incident kind on the real nights it was planted in: `qc-report generate --incident` and
`qc-report simulate` (examples/simulate/nights-30.yml), not records written by hand.

qc_report_data/harness_nights.json holds, per kind, that night's problems and anomalies, the night
before (what was already known), the could-not-run message of a refused night, and the lineage of
the run's manifest; `python python/tests/incident_kinds.py OUT` records it again from a simulation
(`qc-report simulate --nights 30 --seed 42 --schedule examples/simulate/nights-30.yml --rows 20000
--out OUT`). The grouping and the alert run here, on today's code, with last night's records as the
history gives them. What a kind reached is what got worse than the night before (the demo's
everyday defects fail every night and are not the planted incident's); its downstream is what of
that the root can reach through lineage. schema_drift never reaches dbt: the loader refuses the
renamed header, and the night's one could-not-run message is its alert.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from incident_kinds import KINDS, from_report, measure_planted, measure_refused, previous_records, reached_tonight

from strataqc import incidents
from strataqc.alerts import AlertConfig, compose, plan
from strataqc.lineage import Lineage

RECORDED = json.loads((Path(__file__).parent / "qc_report_data" / "harness_nights.json").read_text())
ARTIFACTS = Path(__file__).parent / "artifacts"


def planted_night(kind: str) -> tuple[dict, str]:
    night = RECORDED["nights"][kind]
    if night.get("refused"):
        return measure_refused(kind, night["refused"]), night["refused"]
    run, before = from_report(night["tonight"]), from_report(night["before"])
    reached = reached_tonight(run, before)
    run.context["previous"] = previous_records(before)  # as the history gives it (history.run_context)
    lineage = Lineage.from_json(RECORDED["lineage"])
    incidents.attach(run, lineage)
    body = compose(run, plan(run, AlertConfig(), {}, None), AlertConfig())[1]
    return measure_planted(run, kind, reached, body, lineage), body


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_on_its_planted_night(kind):
    got, body = planted_night(kind)
    assert got["root_right"], got
    assert got["attached"] >= 0.9 * got["downstream"], got
    assert got["alert_items"] == 1, body


def test_shares_over_the_planted_nights_meet_the_goal():
    rows = [planted_night(kind)[0] for kind in sorted(RECORDED["nights"])]
    assert sorted(r["kind"] for r in rows) == sorted(KINDS)  # every kind was planted and recorded
    downstream = sum(r["downstream"] for r in rows)
    worse = sum(r["worse_elsewhere"] for r in rows)
    shares = {"root_named_right": sum(r["root_right"] for r in rows) / len(rows),
              "downstream_attached_to_root": sum(r["attached"] for r in rows) / downstream,
              # everything worse than the night before, lineage-connected to the root or not: reported beside
              "worse_that_night_attached_to_root": sum(r["worse_elsewhere_attached"] for r in rows) / worse,
              "alert_items_per_incident": sum(r["alert_items"] for r in rows) / len(rows), "kinds": rows}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "incident_shares_harness.json").write_text(json.dumps(shares, indent=2))
    assert shares["root_named_right"] == 1.0
    assert shares["downstream_attached_to_root"] >= 0.9
    assert shares["alert_items_per_incident"] == 1.0
