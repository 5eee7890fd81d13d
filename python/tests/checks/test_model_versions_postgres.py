"""`qc-report model list | promote | rollback` and the history table `model_versions` on PostgreSQL:
the nights log their decisions there, the commands log theirs through the profile's postgres target, and
a rollback makes the next night's predictions the previous champion's exactly. Needs
`scripts/postgres.sh start` and its exported STRATAQC_PG_* variables (`make test-postgres`)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from engine_support import postgres_settings
from test_model_champion import POLICY
from test_model_quality import demand_table, meta
from typer.testing import CliRunner

from strataqc.checks.model_quality import run_model_quality
from strataqc.cli import app
from strataqc.model import registry
from strataqc.results import CheckResult, CheckType, Status
from strataqc.warehouse import Target, Warehouse

pytestmark = pytest.mark.postgres

SCHEMA = "strataqc_versions_test"
MODEL = "feat_versions_pg"   # its own name: model_versions rows of other tests never mix in
COLUMNS = ("store_id text, sku_id text, date_day date, category text, promo_planned int, "
           "price_index double precision, temperature double precision, noise double precision, "
           "units_lag_7 double precision, units_mean_7d double precision, units_mean_28d double precision, "
           "units_next_7d double precision, dataset_split text")


@pytest.fixture
def pg():
    settings = postgres_settings()
    with Warehouse(Target("strataqc", "pg", "postgres", settings)) as wh:
        clean(wh)
        wh.execute(f"create schema {SCHEMA}")
        wh.execute(f"create table {SCHEMA}.feat ({COLUMNS})")
        buffer = io.StringIO()
        demand_table().to_csv(buffer, index=False, header=False)
        buffer.seek(0)
        with wh._conn.conn.cursor() as cur:
            cur.copy_expert(f"copy {SCHEMA}.feat from stdin with csv", buffer)
        try:
            yield wh, settings
        finally:
            clean(wh)


def clean(wh: Warehouse) -> None:
    wh.execute(f"drop schema if exists {SCHEMA} cascade")
    try:
        wh.execute(f"delete from strataqc_history.model_versions where model = '{MODEL}'")
    except Exception:  # no history table yet on a fresh server
        pass


def project(tmp_path: Path, settings: dict, relation: str, block: dict) -> Path:
    root = tmp_path / "project"
    (root / "target").mkdir(parents=True)
    (root / "dbt_project.yml").write_text("name: p\nversion: '1.0'\nprofile: p\n")
    (root / "profiles.yml").write_text(
        f"p:\n  target: pg\n  outputs:\n    pg:\n      type: postgres\n      host: {settings['host']}\n"
        f"      port: {settings['port']}\n      user: {settings['user']}\n      password: ''\n"
        f"      dbname: {settings['dbname']}\n      schema: {SCHEMA}\n      threads: 1\n")
    node = {"resource_type": "model", "name": MODEL, "unique_id": f"model.p.{MODEL}", "relation_name": relation,
            "config": {"meta": {"strataqc": block}}}
    (root / "target" / "manifest.json").write_text(json.dumps({"nodes": {f"model.p.{MODEL}": node}}))
    return root


def qc(root: Path, *args: str):
    # list reads the saved versions; promote and rollback also log to the profile's warehouse
    where = ["--project-dir", str(root)] + ([] if args[0] == "list" else ["--profiles-dir", str(root)])
    return CliRunner().invoke(app, ["model", *args, *where])


def served(wh: Warehouse) -> pd.DataFrame:
    frame = wh.query(f"select store_id, sku_id, date_day, prediction, forecaster from {SCHEMA}.{MODEL}_predictions")
    return frame.sort_values(["store_id", "sku_id", "date_day"]).reset_index(drop=True)


def test_model_versions_and_commands_on_postgres(pg, tmp_path):
    wh, settings = pg
    relation = f'"{settings["dbname"]}"."{SCHEMA}"."feat"'
    block = meta(tmp_path, retrain=POLICY)
    run_model_quality(MODEL, relation, block, wh, tmp_path)
    first = served(wh)
    # warm days now sell up to 40 units more (train and valid targets): a pattern v0001 never saw
    wh.execute(f"update {SCHEMA}.feat set units_next_7d = units_next_7d + 40 * temperature "
               "where dataset_split in ('train', 'valid')")
    drifted = CheckResult(check="feature_drift", status=Status.FAIL, check_type=CheckType.DRIFT, model=MODEL,
                          column="temperature")
    decided = {r.check: r for r in run_model_quality(MODEL, relation, block, wh, tmp_path, [drifted])}
    assert decided["model_retrain"].message.endswith(": promoted"), decided["model_retrain"].message
    assert set(served(wh)["forecaster"]) == {"v0002"}

    root = project(tmp_path, settings, relation, block)
    listed = json.loads(qc(root, "list", "--format", "json").output)
    assert [(v["version"], v["role"]) for v in listed["versions"]] == [("v0001", "retired"), ("v0002", "champion")]

    out = qc(root, "rollback", "--reason", "v0002 over-forecasts warm days")
    assert out.exit_code == 0, out.output
    assert out.output.strip() == f"{MODEL}: rolled back v0002; v0001 is the champion"
    assert qc(root, "rollback").exit_code == 2  # nothing before v0001
    # the next night forecasts with v0001 again: its very predictions (the shift moved no predict row)
    night = {r.check: r for r in run_model_quality(MODEL, relation, block, wh, tmp_path)}
    assert night["model_artifact"].message == "champion v0001 forecasts (no retrain trigger fired)"
    pd.testing.assert_frame_equal(served(wh), first)

    out = qc(root, "promote", "v0002", "--reason", "fixed upstream")
    assert out.exit_code == 0, out.output
    logged = registry.logged(wh, MODEL)
    assert list(zip(logged["version"], logged["decision"], logged["role"])) == [
        ("v0001", "initial", "champion"), ("v0002", "promoted", "champion"), ("v0002", "rollback", "retired"),
        ("v0001", "rollback", "champion"), ("v0002", "promote", "champion")]
    assert logged["reason"].iloc[2] == "v0002 over-forecasts warm days" and logged["reason"].iloc[4] == "fixed upstream"
    assert logged["fingerprint"].iloc[1] != logged["fingerprint"].iloc[0]
    assert logged["champion"].iloc[1] == "v0001" and logged["valid_metric"].iloc[1] < logged["champion_metric"].iloc[1]
    assert json.loads(logged["metrics"].iloc[1])["blocking_gates"] == []
