"""The cases of `make bench`, in the order they run, each with its anchor in the same run.

Per size: the full-refresh night (case 3) builds the warehouse the other cases read,
then the incremental night, case 1 (wide table SQL checks) and case 2 (ADS checks
against evidently and deepchecks). Case 4 (report rendering) needs no warehouse.
Case 5 (many nights, few messages) runs `qc-report simulate` on its own small warehouse.
Case 6 (what write–audit–publish costs) builds its own host project (bench/cases/wap_cost.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import duckdb
import yaml

if TYPE_CHECKING:
    from bench import Bench

BENCH = Path(__file__).resolve().parents[1]
ROOT = BENCH.parent
CASES = BENCH / "cases"
BIN = ROOT / ".venv" / "bin"
PY = str(BIN / "python")
WIDE = BENCH / "dbt_wide"
SEED = int(os.environ.get("BENCH_SEED", "42"))
# case 5: 30 nights must fit in reasonable time on 2 cores: a small demo (a night takes ~30 s)
SIM_ROWS = int(os.environ.get("BENCH_SIM_ROWS", "20000"))
SIM_SCHEDULE = ROOT / "examples" / "simulate" / "nights-30.yml"
# case 7: kept forecasts over a synthetic ADS table (built in DuckDB SQL); from 30 nights on the
# prediction drift's 28-day reference window is full, so the counts differ only in the dates kept
RA_ROWS = int(os.environ.get("BENCH_RA_ROWS", "10000000"))
RA_NIGHTS = [int(n) for n in os.environ.get("BENCH_RA_NIGHTS", "30,60,90").split(",")]


class CannotBench(Exception):
    """A part of the product the case needs is missing or broken; the case is recorded as failed."""


def workdir(rows: int) -> Path:
    return BENCH / ".work" / f"rows-{rows}"


def night_env(wd: Path) -> dict[str, str]:
    return {"DBT_PROFILES_DIR": str(ROOT / "profiles"), "STRATAQC_DUCKDB_PATH": str(wd / "warehouse.duckdb"),
            "DBT_LOG_PATH": str(wd / "logs"), "DBT_TARGET_PATH": str(wd / "target"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "PATH": f"{BIN}:{os.environ.get('PATH', '')}"}


def steps(bench: "Bench", sizes: list[int], cases: set[str]) -> list[tuple[str, Callable[[], None]]]:
    out: list[tuple[str, Callable[[], None]]] = []
    if "4" in cases:
        out.append(("case 4: qc-report rendering, 500 checks x 90 nights of history", lambda: case4(bench)))
    if "5" in cases:
        out.append((f"case 5: many nights, few messages ({SIM_SCHEDULE.name}, {SIM_ROWS:,} rows)",
                    lambda: case5(bench)))
    if "6" in cases:
        out.append(("case 6: write-audit-publish against delete+insert, one incremental night", lambda: case6(bench)))
    for rows in sizes:
        reuse = bench.args.reuse and "3" not in cases and (workdir(rows) / "warehouse.duckdb").exists()
        if cases & {"1", "2", "3"} and not reuse:
            out.append((f"case 3: the whole night at {rows:,} landing rows", lambda rows=rows: case3(bench, rows)))
        if "1" in cases:
            out.append((f"case 1: SQL checks of one wide table ({rows:,} rows)", lambda rows=rows: case1(bench, rows)))
        if "2" in cases:
            out.append((f"case 2: feature-set and drift checks ({rows:,} landing rows)",
                        lambda rows=rows: case2(bench, rows)))
    if cases & {"2", "2big"} and bench.args.big_check_rows and sizes:
        out.append((f"case 2: StrataQC alone at {bench.args.big_check_rows:,} ADS rows",
                    lambda: case2_big(bench, max(sizes), bench.args.big_check_rows)))
    if "7" in cases:
        out.append((f"case 7: realized accuracy over {', '.join(map(str, RA_NIGHTS))} nights of a "
                    f"{RA_ROWS:,}-row ADS table", lambda: case7(bench)))
    if "1" in cases and postgres_wanted(bench):
        out.append(("case 1 on PostgreSQL", lambda: case1_postgres(bench, sizes)))
    return out


# -- case 4 ---------------------------------------------------------------------------------------

def case4(bench: "Bench") -> None:
    wd = BENCH / ".work" / "report"
    wd.mkdir(parents=True, exist_ok=True)
    bench.run("4", "strataqc", "qc-report html, 500 checks, 90 nights", None,
              [PY, str(CASES / "report_render.py"), "--duckdb", str(wd / "history.duckdb"),
               "--html", str(wd / "report.html"), "--checks", "500", "--nights", "90"], timeout_s=1800)


# -- case 5 ---------------------------------------------------------------------------------------

def case5(bench: "Bench") -> None:
    """30 simulated nights with planted incidents: recall the same night, quiet nights, repeats (detection.json)."""
    wd = BENCH / ".work" / "simulate"
    if wd.exists():
        shutil.rmtree(wd)
    row = bench.run("5", "strataqc", "qc-report simulate: 30 nights, planted incidents", SIM_ROWS,
                    [str(BIN / "qc-report"), "simulate", "--out", str(wd), "--schedule", str(SIM_SCHEDULE),
                     "--rows", str(SIM_ROWS), "--seed", str(SEED), "--project-dir", str(ROOT)],
                    cwd=ROOT, timeout_s=4 * 3600)
    detection = wd / "detection.json"
    if row.status != "ok" or not detection.exists():
        raise CannotBench(f"qc-report simulate did not finish ({row.reason}); log: {bench.log_dir.relative_to(ROOT)}")
    doc = json.loads(detection.read_text())
    row.phases.update({"detection": doc["totals"], "schedule": str(SIM_SCHEDULE.relative_to(ROOT)),
                       "incidents": [{k: i.get(k) for k in ("night", "kind", "alerted_night", "messages", "caught_by",
                                                             "missing_check")} for i in doc["incidents"]]})


# -- case 6 ---------------------------------------------------------------------------------------

def case6(bench: "Bench") -> None:
    """The same slice published by delete+insert and by strataqc_wap (staged, audited), same run."""
    rows = int(os.environ.get("BENCH_WAP_ROWS", "1000000"))
    bench.run("6", "strataqc", "incremental night: strataqc_wap vs delete+insert (10% slice)", rows,
              [PY, str(CASES / "wap_cost.py"), "--workdir", str(BENCH / ".work" / "wap"), "--rows", str(rows),
               "--slice", str(rows // 10)], cwd=ROOT, timeout_s=3600)


# -- case 7 ---------------------------------------------------------------------------------------

def case7(bench: "Bench") -> None:
    """Kept forecasts: the backfill of every landed date and one night's work, per count of nights kept."""
    wd = BENCH / ".work" / "realized_accuracy"
    wd.mkdir(parents=True, exist_ok=True)
    script = str(CASES / "realized_accuracy.py")
    for nights in RA_NIGHTS:
        db = wd / f"nights-{nights}.duckdb"
        db.unlink(missing_ok=True)
        built = subprocess.run([PY, script, "--duckdb", str(db), "--rows", str(RA_ROWS), "--nights", str(nights),
                                "--build"], capture_output=True, text=True)
        if built.returncode != 0:
            raise CannotBench(f"case 7 could not build its table: {built.stderr.strip()[-400:]}")
        for mode, task in (("--backfill", f"realized accuracy backfill, {nights} nights kept"),
                           ("--night", f"one night (keep, measure, judge, drift), {nights} nights kept")):
            bench.run("7", "strataqc", task, RA_ROWS,
                      [PY, script, "--duckdb", str(db), "--rows", str(RA_ROWS), "--nights", str(nights), mode],
                      timeout_s=3600)
        db.unlink(missing_ok=True)


# -- case 3 ---------------------------------------------------------------------------------------

def case3(bench: "Bench", rows: int) -> None:
    """Full refresh, then the incremental night (tests scoped to what it wrote) and a full check of the same
    data, then an incremental night with planted incidents and its full check: verdicts compared per test."""
    from cases import night_verdicts as nv

    wd = workdir(rows)
    if wd.exists():
        shutil.rmtree(wd)
    wd.mkdir(parents=True)
    env = night_env(wd)
    night = ["bash", str(CASES / "night.sh")]
    full = bench.run("3", "strataqc", "night: full refresh", rows, [*night, "full", str(wd), str(rows), str(SEED)],
                     env=env, cwd=ROOT)
    if full.status != "ok":
        raise CannotBench(f"the full-refresh night at {rows:,} rows failed ({full.reason}); "
                          f"log: {bench.log_dir.relative_to(ROOT)}")
    _night_facts(full, wd, wd / "run_results-full.json")
    before = nv.test_verdicts(wd / "run_results-full.json")
    for label, task, incidents in (("", "night: incremental, one more day", []),
                                   ("incidents", "night: incremental, one more day with incidents", NIGHT_INCIDENTS)):
        suffix = f"-{label}" if label else ""
        env_night = {**env, "NIGHT_LABEL": label}
        inc = bench.run("3", "strataqc", task, rows, [*night, "incremental", str(wd), str(rows), str(SEED), *incidents],
                        env=env_night, cwd=ROOT)
        if inc.status != "ok":
            raise CannotBench(f"{task} at {rows:,} rows failed ({inc.reason}); log: {bench.log_dir.relative_to(ROOT)}")
        _night_facts(inc, wd, wd / f"run_results-incremental{suffix}.json")
        check = bench.run("3", "strataqc", f"full check of the same data (dbt test, whole tables){' with incidents' if label else ''}",
                          rows, [*night, "check", str(wd), str(rows), str(SEED)], env=env_night, cwd=ROOT)
        if check.status != "ok":
            raise CannotBench(f"the full check at {rows:,} rows failed ({check.reason})")
        _night_facts(check, wd, wd / f"run_results-check{suffix}.json")
        scoped = nv.test_verdicts(wd / f"run_results-incremental{suffix}.json")
        whole = nv.test_verdicts(wd / f"run_results-check{suffix}.json")
        inc.phases["incidents"] = incidents
        inc.phases["verdicts"] = nv.compare(scoped, whole, before)
        inc.phases["python_verdicts"] = _python_verdicts(env_night, wd, wd / f"report-incremental{suffix}.json")
        before = whole


# the incidents of the second incremental night: each is caught by a test the scoping narrows
NIGHT_INCIDENTS = ["negative_units_spike:share=0.05", "null_spike:column=unit_price,share=0.3",
                   "category_renamed:category=Frozen,to=Frozen Foods"]


def _python_verdicts(env: dict[str, str], wd: Path, report: Path) -> dict[str, Any]:
    """The night's feature-set and drift records (stored profiles) against the same checks reading the
    table (untimed, after the night)."""
    done = subprocess.run([PY, str(CASES / "python_verdicts.py"), str(ROOT), env["DBT_TARGET_PATH"], str(report)],
                          env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise CannotBench(f"comparing the Python checks with a table read failed: {done.stderr.strip()[-400:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _night_facts(row: Any, wd: Path, run_results: Path) -> None:
    """dbt's split between models and tests, and the rows the scoped tests read (untimed, after the night)."""
    from cases import night_verdicts as nv

    if not run_results.exists():
        return
    split = nv.dbt_split(run_results)
    row.phases.update({k: v for k, v in split.items() if k != "invocation_id"})
    row.phases["scope"] = nv.scope_rows(wd / "warehouse.duckdb", split["invocation_id"])
    if "dbt_build_s" in row.phases:  # a night, not a check
        row.phases["rows_read"] = nv.rows_read(wd / "warehouse.duckdb", row.phases["scope"],
                                               full="full" in run_results.name)


# -- case 1 ---------------------------------------------------------------------------------------

def build_wide_table(db: Path) -> int:
    """bench.wide_features from the generated sales rows (untimed setup)."""
    conn = duckdb.connect(str(db))
    try:
        conn.execute((CASES / "wide_base.sql").read_text())
        conn.execute((CASES / "wide_table.sql").read_text().replace("{base}", "bench.wide_base"))
        return conn.execute("select count(*) from bench.wide_features").fetchone()[0]
    finally:
        conn.close()


def wide_env(db: Path, wd: Path, target: str = "duckdb") -> dict[str, str]:
    return {"DBT_PROFILES_DIR": str(WIDE), "STRATAQC_DUCKDB_PATH": str(db), "STRATAQC_BENCH_TARGET": target,
            "STRATAQC_BENCH_PACKAGES": str(wd / "dbt_packages"), "DBT_LOG_PATH": str(wd / "logs"),
            "DBT_TARGET_PATH": str(wd / "target"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def dbt(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "dbt"), *args], cwd=WIDE, env={**os.environ, **env}, capture_output=True,
                          text=True)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        raise CannotBench(f"dbt {' '.join(args)} in bench/dbt_wide failed: {' | '.join(tail)[:600]}")
    return done


def run_results(target: Path) -> dict[str, Any]:
    """Query time per test from dbt's own artifact (no process start, no parse)."""
    data = json.loads((target / "run_results.json").read_text())
    times = [r.get("execution_time") or 0.0 for r in data.get("results", [])]
    statuses: dict[str, int] = {}
    for r in data.get("results", []):
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    return {"tests": len(times), "sum_test_s": round(sum(times), 3), "max_test_s": round(max(times or [0]), 3),
            "dbt_elapsed_s": round(data.get("elapsed_time") or 0.0, 3), "statuses": statuses}


def compiled_column_checks(target: Path) -> Path:
    found = sorted(target.glob("compiled/strataqc_bench/**/wide_features__column_checks.sql"))
    if not found:
        raise CannotBench("dbt compile did not write wide_features__column_checks.sql")
    return found[0]


def case1(bench: "Bench", rows: int, target: str = "duckdb") -> None:
    wd = workdir(rows)
    db = wd / "warehouse.duckdb"
    if not db.exists():
        raise CannotBench(f"no warehouse at {db}: the night at {rows:,} rows did not run")
    if target == "duckdb":
        wide_rows = build_wide_table(db)
    else:
        wide_rows = copy_wide_to_postgres(db)
    cwd = wd / f"dbt_wide_{target}"
    env = wide_env(db, cwd, target)
    dbt(env, "deps")
    dbt(env, "compile", "--select", "tag:single_scan")  # warms partial parsing for both runs alike
    sql = compiled_column_checks(cwd / "target")
    if target == "duckdb":
        bench.run("1", "duckdb", "hand-written aggregate (physical limit)", wide_rows,
                  [PY, str(CASES / "duckdb_query.py"), "--duckdb", str(db), "--sql", str(CASES / "wide_limit.sql")])
        bench.run("1", "strataqc", "column_checks compiled SQL, direct", wide_rows,
                  [PY, str(CASES / "duckdb_query.py"), "--duckdb", str(db), "--sql", str(sql)])
    else:
        bench.run("1", "postgres", "hand-written aggregate (physical limit)", wide_rows,
                  [PY, str(CASES / "postgres_query.py"), "--sql", str(CASES / "wide_limit_postgres.sql")],
                  engine="postgres")
        bench.run("1", "strataqc", "column_checks compiled SQL, direct", wide_rows,
                  [PY, str(CASES / "postgres_query.py"), "--sql", str(sql)], engine="postgres")
    for tag, tool, task in (("single_scan", "strataqc", "dbt test: column_checks (1 query)"),
                            ("per_test", "dbt + strataqc", "dbt test: one test per rule")):
        row = bench.run("1", tool, task, wide_rows, [str(BIN / "dbt"), "test", "--select", f"tag:{tag}"],
                        env=env, cwd=WIDE, engine=target)
        if row.status == "ok":
            row.phases.update(run_results(cwd / "target"))


# -- case 1 on PostgreSQL -------------------------------------------------------------------------

def postgres_wanted(bench: "Bench") -> bool:
    choice = bench.args.postgres
    if choice == "no":
        return False
    return choice == "yes" or (ROOT / "scripts" / "postgres.sh").exists()


def case1_postgres(bench: "Bench", sizes: list[int]) -> None:
    from cases import pg

    try:
        pg.ensure_server()
    except pg.PostgresUnavailable as exc:
        for rows in sizes:
            bench.skip("1", "strataqc", "column_checks on PostgreSQL", rows, str(exc), engine="postgres")
        return
    try:
        for rows in sizes:
            try:
                case1(bench, rows, target="postgres")
            except CannotBench as exc:  # e.g. a macro without a PostgreSQL version: the next size still runs
                bench.skip("1", "strataqc", "column_checks on PostgreSQL", rows, str(exc), engine="postgres")
    finally:
        pg.stop_server()  # the bench started it: leave nothing running


def copy_wide_to_postgres(db: Path) -> int:
    from cases import pg

    return pg.copy_table(db, "bench", "wide_features")


# -- case 2 ---------------------------------------------------------------------------------------

def ads_config() -> dict[str, Any]:
    """The demo ADS model's meta.strataqc block, as a user wrote it."""
    path = ROOT / "models" / "ads" / "_ads__models.yml"
    if not path.exists():
        raise CannotBench(f"{path.relative_to(ROOT)} is missing: the ADS model is not there yet")
    for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
        if model.get("name") == "ads_demand_features":
            meta = (model.get("config") or {}).get("meta") or model.get("meta") or {}
            if "strataqc" in meta:
                # feature-set and drift checks only: the model (training, gates) is not what the peers do
                return {k: v for k, v in meta["strataqc"].items() if k != "model"}
    raise CannotBench(f"{path.relative_to(ROOT)} has no meta.strataqc block for ads_demand_features")


def ads_relation(db: Path) -> str:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        found = conn.execute("select database_name, schema_name, table_name from duckdb_tables() "
                             "where table_name = 'ads_demand_features'").fetchall()
    finally:
        conn.close()
    if not found:
        raise CannotBench(f"{db} has no ads_demand_features table: the night did not build it")
    return ".".join(f'"{part}"' for part in found[0])


def peer_spec(db: Path, relation: str, config: dict[str, Any], out: Path) -> Path:
    """Export the ADS table once to Parquet (untimed) and describe its roles for the peers."""
    parquet = out / "ads.parquet"
    conn = duckdb.connect(str(db), read_only=True)
    try:
        conn.execute(f"copy (select * from {relation}) to '{parquet}' (format parquet)")
        described = conn.execute(f"describe select * from {relation}").fetchall()
    finally:
        conn.close()
    split = config["split"]
    reserved = {config["target"], split["column"], *config.get("ids", []), *config.get("categorical", [])}
    numeric = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL", "UTINYINT",
               "USMALLINT", "UINTEGER", "UBIGINT")
    numerical = [name for name, kind, *_ in described if name not in reserved and str(kind).startswith(numeric)]
    spec = {"parquet": str(parquet), "target": config["target"], "split_column": split["column"],
            "reference": split.get("reference", "train"), "current": split.get("current", "predict"),
            "ids": config.get("ids", []), "categorical": config.get("categorical", []), "numerical": numerical}
    path = out / "spec.json"
    path.write_text(json.dumps(spec, indent=2))
    return path


def table_rows(db: Path, relation: str) -> int:
    conn = duckdb.connect(str(db), read_only=True)
    try:
        return conn.execute(f"select count(*) from {relation}").fetchone()[0]
    finally:
        conn.close()


def run_strataqc_checks(bench: "Bench", db: Path, relation: str, config: dict[str, Any], rows: int, wd: Path,
                        task: str) -> None:
    config_path = wd / "ads_config.json"
    config_path.write_text(json.dumps(config))
    row = bench.run("2", "strataqc", task, rows,
                    [PY, str(CASES / "strataqc_checks.py"), "--duckdb", str(db), "--relation", relation,
                     "--config", str(config_path)], timeout_s=bench.peer_timeout)
    if row.status == "ok" and row.phases.get("errors"):
        row.reason = f"{row.phases['statuses'].get('error', 0)} check(s) errored: {row.phases['errors'][0]}"


def case2(bench: "Bench", rows: int) -> None:
    from bench import peer_python

    wd = workdir(rows)
    db = wd / "warehouse.duckdb"
    config = ads_config()
    relation = ads_relation(db)
    n = table_rows(db, relation)
    run_strataqc_checks(bench, db, relation, config, n, wd, "check_relation: feature set + drift")
    spec = peer_spec(db, relation, config, wd)
    peers = (("evidently", "peer_evidently.py", "DataDriftPreset + DataSummaryPreset", bench.args.evidently_max_rows),
             ("deepchecks", "peer_deepchecks.py", "data_integrity + train_test_validation",
              bench.args.deepchecks_max_rows))
    for name, script, task, max_rows in peers:
        py, why = peer_python(name)
        if py is None:
            bench.skip("2", name, task, n, why)
        elif n > max_rows:
            bench.skip("2", name, task, n, f"above its {max_rows:,}-row cap (peak memory and hours of CPU on "
                                           f"this 2-core machine; set BENCH_{name.upper()}_MAX to try)")
        else:
            bench.run("2", name, task, n, [str(py), str(CASES / script), str(spec)], timeout_s=bench.peer_timeout)


def case2_big(bench: "Bench", from_rows: int, target_rows: int) -> None:
    """The ADS table of the largest night, repeated with shifted store ids up to `target_rows` rows."""
    src = workdir(from_rows) / "warehouse.duckdb"
    relation = ads_relation(src)
    wd = BENCH / ".work" / f"ads-{target_rows}"
    wd.mkdir(parents=True, exist_ok=True)
    db = wd / "big.duckdb"  # not named like a schema: DuckDB calls the file's catalog after it
    db.unlink(missing_ok=True)
    conn = duckdb.connect(str(db))
    try:
        conn.execute(f"attach '{src}' as src (read_only)")
        src_relation = relation.replace(relation.split(".")[0], '"src"', 1)
        n = conn.execute(f"select count(*) from {src_relation}").fetchone()[0]
        copies = -(-target_rows // max(n, 1))
        conn.execute("create schema ads")
        # a copy is another block of stores: same distributions, new keys (store_id is text or a number)
        kind = conn.execute(f"select typeof(store_id) from {src_relation} limit 1").fetchone()[0]
        shifted = "store_id || '~' || k" if kind == "VARCHAR" else "store_id + k * 1000000"
        conn.execute(f"create table ads.ads_demand_features as select * replace ({shifted} as store_id) "
                     f"from {src_relation}, range({copies}) r(k) limit {target_rows}")
    finally:
        conn.close()
    run_strataqc_checks(bench, db, '"big"."ads"."ads_demand_features"', ads_config(), target_rows, wd,
                        "check_relation: feature set + drift (ADS table repeated)")
