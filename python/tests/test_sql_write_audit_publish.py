"""Write-audit-publish (`incremental_strategy='strataqc_wap'`) over three nights of the fixture project.

Night 1 builds `wap_orders` (first build, published as is). Night 2's delivery repeats id 5 and
carries a negative amount: the audits stop it, the published table hashes as before, the slice sits
in `wap_orders__quarantine` with the run id and the failing checks, the node ends in error and its
downstream model is skipped; `wap_orders_warned` (`strataqc_wap_on_fail: warn`) holds the same
slice back but lets the run go on. Night 3 brings the corrected delivery and publishes normally.
The target comes from STRATAQC_IT_TARGET (`make test-postgres` sets it); the same nights also run
on a local Spark session under `make test-spark` (the `spark`-marked parameter).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine_support import SPARK_MARKS

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "integration_tests"
DBT = str(Path(sys.executable).parent / "dbt")
TARGET = os.environ.get("STRATAQC_IT_TARGET", "duckdb")
MODELS = ["wap_orders", "wap_orders_warned", "wap_orders_total", "wap_orders_warned_total"]
SIDE = ["wap_orders__quarantine", "wap_orders__staging", "wap_orders_warned__quarantine"]
AUDITS = "wap_orders_amount_not_negative, wap_orders_at_most_two_rows, wap_orders_id_not_null, wap_orders_unique_id"

pytestmark = pytest.mark.dbt


@dataclass
class Night:
    returncode: int
    output: str
    status: dict[str, str]          # node name -> run_results status
    message: dict[str, str]
    invocation_id: str
    artifacts: Path
    tables: dict[str, dict | None]  # relation -> {columns, rows} (rows as text), None when absent
    target: str = TARGET
    duckdb_path: str = ""


def table_hash(table: dict) -> str:
    """Order-independent: the sorted rows' text, hashed."""
    return hashlib.sha256("\n".join(sorted(table["rows"])).encode()).hexdigest()


class Nights:
    def __init__(self, tmp: Path, target: str = TARGET):
        self.tmp, self.target = tmp, target
        (tmp / "dbt_packages").mkdir()
        (tmp / "dbt_packages" / "strataqc").symlink_to(REPO, target_is_directory=True)
        self.env = {**os.environ, "DBT_PROFILES_DIR": str(PROJECT),
                    "STRATAQC_DUCKDB_PATH": str(tmp / "wap.duckdb"),
                    "STRATAQC_IT_PACKAGES": str(tmp / "dbt_packages"),
                    # a server's schema outlives the test: each run starts from its own
                    "STRATAQC_IT_SCHEMA": f"wap_{os.getpid()}" if target != "duckdb" else "main",
                    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}

    def dbt(self, *args: str, run_vars: dict) -> subprocess.CompletedProcess:
        return subprocess.run([DBT, *args, "--target", self.target, "--vars", json.dumps(run_vars),
                               "--target-path", str(self.tmp / "target"), "--log-path", str(self.tmp / "logs")],
                              cwd=PROJECT, env=self.env, capture_output=True, text=True,
                              timeout=300 if self.target in ("duckdb", "postgres") else 1800)

    def night(self, delivery: int) -> Night:
        run_vars = {"strataqc_it_wap": True, "strataqc_it_wap_delivery": delivery}
        done = self.dbt("build", "--select", "+wap_orders+", "+wap_orders_warned+", run_vars=run_vars)
        kept = self.tmp / f"artifacts_{delivery}"   # the next night's build overwrites target/
        shutil.copytree(self.tmp / "target", kept, ignore=shutil.ignore_patterns("compiled", "run"))
        results = json.loads((kept / "run_results.json").read_text())
        names = {r["unique_id"]: r["unique_id"].split(".")[2] for r in results["results"]}
        status = {names[r["unique_id"]]: r["status"] for r in results["results"]}
        message = {names[r["unique_id"]]: r["message"] or "" for r in results["results"]}
        return Night(done.returncode, done.stdout + done.stderr, status, message,
                     results["metadata"]["invocation_id"], kept, self.snapshot(run_vars),
                     self.target, self.env["STRATAQC_DUCKDB_PATH"])

    def snapshot(self, run_vars: dict) -> dict[str, dict | None]:
        if self.target == "duckdb":   # the file directly: a dbt start-up less per night
            return self.duckdb_snapshot()
        done = self.dbt("run-operation", "wap_snapshot", "--args", json.dumps({"names": MODELS + SIDE}),
                        run_vars=run_vars)
        line = next((l for l in done.stdout.splitlines() if l.startswith("WAP_SNAPSHOT ")), None)
        assert line, done.stdout[-3000:] + done.stderr[-3000:]
        return json.loads(line.removeprefix("WAP_SNAPSHOT "))

    def duckdb_snapshot(self) -> dict[str, dict | None]:
        import duckdb

        out: dict[str, dict | None] = {}
        with duckdb.connect(self.env["STRATAQC_DUCKDB_PATH"], read_only=True) as con:
            present = {n for (n,) in con.sql("select table_name from information_schema.tables "
                                             "where table_schema = 'main'").fetchall()}
            for name in MODELS + SIDE:
                if name not in present:
                    out[name] = None
                    continue
                rel = con.sql(f'select * from main."{name}"')
                out[name] = {"columns": [c.lower() for c in rel.columns],
                             "rows": ["\t".join(str(v) for v in row) for row in rel.fetchall()]}
        return out


ENGINES = [pytest.param(TARGET, id=TARGET)]
if TARGET != "spark":
    ENGINES.append(pytest.param("spark", id="spark-session", marks=SPARK_MARKS))


@pytest.fixture(scope="module", params=ENGINES)
def nights(request, tmp_path_factory) -> list[Night]:
    env = {"SPARK_LOCAL_IP": "127.0.0.1"} if request.param == "spark" else {}
    runner = Nights(tmp_path_factory.mktemp("wap"), request.param)
    runner.env.update(env)
    first = runner.night(1)
    assert first.returncode == 0, first.output[-3000:]
    return [first, runner.night(2), runner.night(3)]


def test_first_night_publishes_the_whole_build(nights):
    first = nights[0]
    assert len(first.tables["wap_orders"]["rows"]) == 3
    assert first.tables["wap_orders__quarantine"] is None


def test_a_failing_slice_leaves_the_published_table_untouched(nights):
    first, held, _ = nights
    assert table_hash(held.tables["wap_orders"]) == table_hash(first.tables["wap_orders"])
    assert table_hash(held.tables["wap_orders_warned"]) == table_hash(first.tables["wap_orders_warned"])


def test_a_failing_slice_is_quarantined_with_its_run_and_checks(nights):
    held = nights[1]
    quarantine = held.tables["wap_orders__quarantine"]
    assert quarantine["columns"] == ["night", "id", "amount", "strataqc_run_id", "strataqc_held_at",
                                     "strataqc_failed_checks", "strataqc_messages"]
    rows = [r.split("\t") for r in quarantine["rows"]]
    assert sorted((r[1], float(r[2])) for r in rows) == [("4", 40.0), ("5", -2.0), ("5", 50.0)]
    assert {r[3] for r in rows} == {held.invocation_id}
    assert {r[5] for r in rows} == {"wap_orders_amount_not_negative, wap_orders_unique_id"}
    assert "key (id) = (5) occurs 2 times" in rows[0][6] and "value -2" in rows[0][6]
    assert held.tables["wap_orders__staging"] is None   # the slice lives on in the quarantine only


def test_a_failing_slice_stops_the_node_and_its_downstream(nights):
    held = nights[1]
    assert held.returncode == 1
    assert held.status["wap_orders"] == "error"
    message = held.message["wap_orders"]
    for part in ("strataqc write-audit-publish on wap_orders: held back 3 row(s)", "is unchanged",
                 "wap_orders_amount_not_negative (1 failing)", "wap_orders_unique_id (1 failing)",
                 "wap_orders__quarantine", held.invocation_id):
        assert part in message, message
    assert held.status["wap_orders_total"] == "skipped"
    assert held.status["wap_orders_unique_id"] == "skipped"


def test_warn_mode_holds_the_slice_back_and_lets_the_run_go_on(nights):
    first, held, _ = nights
    assert held.status["wap_orders_warned"] == "success"
    assert "strataqc write-audit-publish on wap_orders_warned: held back 3 row(s)" in held.output
    assert held.status["wap_orders_warned_total"] == "success"
    # built from the published rows only
    assert held.tables["wap_orders_warned_total"]["rows"] == first.tables["wap_orders_warned_total"]["rows"]
    assert len(held.tables["wap_orders_warned__quarantine"]["rows"]) == 3


def test_the_next_good_night_publishes_normally(nights):
    first, held, good = nights
    assert good.returncode == 0, good.output[-3000:]
    assert good.status["wap_orders"] == "success"
    assert f"the slice passed {AUDITS}; publishing it" in good.output
    published = sorted((int(r.split("\t")[1]), float(r.split("\t")[2])) for r in good.tables["wap_orders"]["rows"])
    assert published == [(1, 10.0), (2, 20.0), (3, 30.0), (4, 40.0), (5, 50.0), (6, 60.0)]
    assert table_hash(good.tables["wap_orders"]) != table_hash(first.tables["wap_orders"])
    assert [tuple(float(v) for v in r.split("\t")) for r in good.tables["wap_orders_total"]["rows"]] == [(6, 210)]
    # the quarantine keeps last night's slice and gains nothing
    assert sorted(good.tables["wap_orders__quarantine"]["rows"]) == sorted(held.tables["wap_orders__quarantine"]["rows"])


def test_a_warn_severity_test_is_no_audit(nights):
    good = nights[2]
    assert "wap_orders_at_least_ten_rows" not in good.message["wap_orders"] + good.output.split("publishing it")[0][-600:]
    assert good.status["wap_orders_at_least_ten_rows"] == "warn"


@pytest.fixture(scope="module")
def bad_config(tmp_path_factory) -> str:
    """models/wap_bad/: built once, then their first incremental run; the run's output."""
    if TARGET != "duckdb":
        pytest.skip("the config checks are Jinja, the same on every engine")
    runner = Nights(tmp_path_factory.mktemp("wap_bad"))
    run_vars = {"strataqc_it_wap_bad": True}
    first = runner.dbt("build", "--select", "wap_deliveries", "path:models/wap_bad",
                       "--exclude", "test_type:generic", run_vars=run_vars)
    assert first.returncode == 0, first.stdout[-3000:]
    done = runner.dbt("run", "--select", "path:models/wap_bad", run_vars=run_vars)
    assert done.returncode == 1
    return " ".join((done.stdout + done.stderr).split())


@pytest.mark.parametrize(("model", "says"), [
    ("wap_bad_missing_test", "`strataqc_audits` names \"no_such_test\", which is not a generic test of this model. "
                             "Fix: use one of: wap_bad_missing_test_unique"),
    ("wap_bad_compares", "`strataqc_audits` names wap_bad_compares_reconciles, which compares with another model; "
                         "tonight's slice alone cannot pass it. Fix: leave it out of strataqc_audits"),
    ("wap_bad_not_a_list", "config `strataqc_audits` must be a list of the model's test names, "
                           "got \"wap_bad_not_a_list_unique\". Fix:"),
    ("wap_bad_no_audits", "no test to audit the slice with. Fix: give the model a generic test at error severity"),
    ("wap_bad_on_fail", "config `strataqc_wap_on_fail` must be error or warn, got \"sometimes\". Fix:"),
])
def test_bad_config_is_an_error_naming_the_model_and_the_fix(bad_config, model, says):
    assert f"strataqc write-audit-publish on {model}: {says}" in bad_config, bad_config[-3000:]
    assert "Traceback" not in bad_config


def test_qc_report_shows_the_held_back_slices(nights):
    from strataqc.artifacts import load_artifacts, sql_results
    from strataqc.held_back import held_back
    from strataqc.warehouse import Target, Warehouse

    held = nights[1]
    if held.target != "duckdb":
        pytest.skip("reads the nights' DuckDB file")
    artifacts = load_artifacts(held.artifacts)
    with Warehouse(Target("it", "duckdb", "duckdb", {"path": held.duckdb_path}), read_only=True) as wh:
        records = {(r.model, r.check): r for r in held_back(sql_results(artifacts, wh), artifacts, wh)}
        good = load_artifacts(nights[2].artifacts)
        assert [r.check for r in held_back(sql_results(good, wh), good, wh) if r.check == "write_audit_publish"] == []
    stopped, warned = records[("wap_orders", "write_audit_publish")], records[("wap_orders_warned", "write_audit_publish")]
    assert (str(stopped.status), stopped.failures, str(warned.status), warned.failures) == ("fail", 3, "warn", 3)
    assert stopped.message.startswith("held back 3 row(s) of tonight's slice in ")
    assert "wap_orders__quarantine" in stopped.message and ("wap_orders", "build") not in records
    assert stopped.details["failed_checks"] == ["wap_orders_amount_not_negative", "wap_orders_unique_id"]
