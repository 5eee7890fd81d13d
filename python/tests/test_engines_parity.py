"""The same checks give the same answers on DuckDB, PostgreSQL and Spark.

DuckDB is the reference; every other engine runs the same three things and is
compared with it, case by case:

* the SQL check fixture project (integration_tests/): each test's status and
  failure count, and the `observed` values of its failing rows;
* the warehouse-side statistics of the Python checks (strataqc.checks.stats),
  built once in Python and transpiled by sqlglot, on one small table holding
  NULL, NaN and ±inf beside ordinary values;
* the demo night: generate → load → dbt build → qc-report run, every dbt
  result and every qc-report record (status, observed within tolerance).

A second engine runs only when its server is up: `make test-postgres` starts
PostgreSQL and exports STRATAQC_PG_*; `make test-spark` exports
STRATAQC_SPARK_DIR. Spark work happens in subprocesses, one after another:
its Derby metastore admits one process at a time. `make test-spark-cluster`
starts a standalone cluster behind its Thrift server and exports
STRATAQC_SPARK_THRIFT_PORT: the `thrift` target is Spark as teams run it, and
its demo night also keeps its history, in the cluster's warehouse.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nan_parquet import ENGINE_ONLY_MODELS, write_nan_parquet

from strataqc.landing.generate import generate

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "integration_tests"
BIN = Path(sys.executable).parent
ROWS, SEED = 20_000, 42  # the demo_night fixture's sample: the DuckDB side is reused from it
REL, ABS = 1e-6, 1e-9

ENGINES = [
    pytest.param("postgres", id="postgres", marks=[
        pytest.mark.postgres,
        pytest.mark.skipif(not os.environ.get("STRATAQC_PG_PORT"),
                           reason="no PostgreSQL server: `make test-postgres` starts one")]),
    pytest.param("spark", id="spark", marks=[
        pytest.mark.spark,
        pytest.mark.skipif(not os.environ.get("STRATAQC_SPARK_DIR"),
                           reason="no local Spark set up: `make test-spark` runs it")]),
    pytest.param("thrift", id="thrift", marks=[
        pytest.mark.thrift,
        pytest.mark.skipif(not os.environ.get("STRATAQC_SPARK_THRIFT_PORT"),
                           reason="no Spark cluster: `make test-spark-cluster` starts one")]),
]
# engines that speak Spark SQL (the session in this process, or the cluster through Thrift)
SPARK_SQL = {"spark", "thrift"}


def _same(a, b) -> bool:
    """Equal values; floats within tolerance; NaN equals NaN (a NaN observed is a result too)."""
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        a, b = float(a), float(b)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=REL, abs_tol=ABS)
    return a == b


# --- running things on an engine -------------------------------------------------------

def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
           "STRATAQC_DUCKDB_PATH": str(tmp / "warehouse.duckdb"), "DBT_TARGET_PATH": str(tmp / "scratch_target")}
    env.update(extra)
    return env


def _run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


QUERY_SCRIPT = r"""
import json, math, sys
from pathlib import Path
from strataqc.warehouse import Warehouse
job = json.loads(sys.stdin.read())
wh = Warehouse.from_project(Path(job["project"]), Path(job["profiles"]), target=job["target"])
def clean(v):
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return "NaN"
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v is None or isinstance(v, (int, float, str, bool)):
        return v
    if isinstance(v, (bytes, bytearray)):
        return v.decode()
    try:
        return float(v)   # Decimal
    except (TypeError, ValueError):
        return str(v)
out = {}
for name, sql in job["raw"].items():       # engine SQL as dbt compiled it
    # plain Python values: a DataFrame would turn NULL into NaN and hide the difference
    columns, rows = wh.rows(sql)
    out[name] = {"columns": [c.lower() for c in columns], "rows": [[clean(v) for v in row] for row in rows]}
if job.get("stats"):
    from sqlglot import exp
    from strataqc.checks import stats
    table = exp.to_table(job["stats"], dialect="duckdb")
    prof = stats.column_profile(wh, table, {"amount": "numeric", "label": "categorical", "flag": "boolean"},
                                "engine_probe", distinct=["label"])
    counts = stats.value_counts(wh, table, "label", normalise=True)
    out["__stats__"] = {
        "profile": [[p.name, p.rows, p.nulls, p.nans, p.empties, p.distinct, clean(p.minimum), clean(p.maximum)]
                    for p in prof],
        "quantiles": [clean(v) for v in stats.quantiles(wh, table, "amount", [0.1, 0.5, 0.9])],
        "value_counts": [[clean(v) for v in row] for row in counts.itertuples(index=False)],
        "binned": stats.binned_counts(wh, table, "amount", [0.0, 2.0, 4.0]),
        "correlations": [clean(v) for v in stats.correlations(wh, table, [("amount", "weight")]).values()],
        "integral": [clean(v) for v in stats.integral_range(wh, table, "weight")],
        "rows": stats.row_count(wh, table),
        "duplicates": list(stats.duplicate_rows(wh, table, ["label", "flag"])[:2]),
    }
print("\n@@JSON@@" + json.dumps(out))
"""


def query(project: Path, profiles: Path, target: str, env: dict[str, str], raw: dict[str, str],
          stats_table: str | None = None) -> dict:
    """Run SQL on a target in a fresh process (Spark's metastore is free again afterwards)."""
    job = json.dumps({"project": str(project), "profiles": str(profiles), "target": target, "raw": raw,
                      "stats": stats_table})
    proc = subprocess.run([sys.executable, "-c", QUERY_SCRIPT], input=job, env=env, cwd=project,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0 and "@@JSON@@" in proc.stdout, proc.stderr[-3000:]
    return json.loads(proc.stdout.split("@@JSON@@", 1)[1])


def _engine_env(engine: str, tmp: Path, **extra: str) -> dict[str, str]:
    """Env for one engine in its own place: a fresh PostgreSQL database, a fresh Spark warehouse dir."""
    env = _env(tmp, **extra)
    if engine == "postgres":
        import psycopg2

        database = "strataqc_" + tmp.name.lower().replace("-", "_")[:40]
        conn = psycopg2.connect(host=env.get("STRATAQC_PG_HOST", "127.0.0.1"), port=int(env["STRATAQC_PG_PORT"]),
                                user=env.get("STRATAQC_PG_USER", "postgres"),
                                dbname=env.get("STRATAQC_PG_DATABASE", "strataqc"))
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'drop database if exists "{database}"')
            cur.execute(f'create database "{database}"')
        conn.close()
        env["STRATAQC_PG_DATABASE"] = database
    if engine == "spark":
        env["STRATAQC_SPARK_DIR"] = str(tmp / "spark")
        env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    if engine == "thrift":
        # one cluster serves every test: the fixture project gets a schema of its own
        env["STRATAQC_IT_SCHEMA"] = "it_" + "".join(c if c.isalnum() else "_" for c in tmp.name.lower())
    return env


# --- the SQL check fixture project ------------------------------------------------------

def _build_fixtures(engine: str, tmp: Path) -> dict:
    packages = tmp / "dbt_packages"
    packages.mkdir(exist_ok=True)
    if not (packages / "strataqc").exists():
        (packages / "strataqc").symlink_to(REPO, target_is_directory=True)
    env = _engine_env(engine, tmp, DBT_PROFILES_DIR=str(FIXTURES), STRATAQC_IT_PACKAGES=str(packages),
                      STRATAQC_IT_TARGET=engine,
                      STRATAQC_IT_NAN_PARQUET=str(write_nan_parquet(tmp / "nan_amounts.parquet")))
    target = tmp / "target"
    # the fixture project holds ~400 nodes: ~1 s each in a Spark session, 2-10 s through Thrift
    proc = _run([str(BIN / "dbt"), "build", "--target", engine, "--target-path", str(target),
                 "--log-path", str(tmp / "logs")], env, FIXTURES,
                timeout=3600 if engine in ("spark", "thrift") else 900)
    assert (target / "run_results.json").exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    manifest = json.loads((target / "manifest.json").read_text())
    names = {uid: node["name"] for uid, node in manifest["nodes"].items()}
    results = {names.get(r["unique_id"], r["unique_id"]): r
               for r in json.loads((target / "run_results.json").read_text())["results"]}
    parents = {node["name"]: {names.get(p, p) for p in node.get("depends_on", {}).get("nodes", [])}
               for node in manifest["nodes"].values()}
    # failing rows of every failing test, read back on the same engine
    failing = {n: r["compiled_code"] for n, r in results.items()
               if r["unique_id"].startswith("test.") and (r.get("failures") or 0) > 0 and r.get("compiled_code")}
    rows = query(FIXTURES, FIXTURES, engine, env, failing) if failing else {}
    return {"results": results, "rows": rows, "parents": parents}


def _built_on(engine: str, reference: dict) -> set[str]:
    """The reference's nodes that `engine` builds too: not the engine-only models or their tests."""
    elsewhere = {m for m, engines in ENGINE_ONLY_MODELS.items() if engine not in engines}
    return {n for n in reference["results"]
            if n not in elsewhere and not reference["parents"].get(n, set()) & elsewhere}


@pytest.fixture(scope="module")
def duckdb_fixtures(tmp_path_factory) -> dict:
    return _build_fixtures("duckdb", tmp_path_factory.mktemp("parity_fixtures_duckdb"))


@pytest.fixture(scope="module", params=ENGINES)
def engine_fixtures(request, tmp_path_factory) -> tuple[str, dict]:
    engine = request.param
    return engine, _build_fixtures(engine, tmp_path_factory.mktemp(f"parity_fixtures_{engine}"))


def _outcome(result: dict) -> tuple:
    return result["status"], result.get("failures")


def test_fixture_outcomes_match_duckdb(duckdb_fixtures, engine_fixtures):
    engine, other = engine_fixtures
    shared = _built_on(engine, duckdb_fixtures)
    reference = {n: r for n, r in duckdb_fixtures["results"].items() if n in shared}
    assert set(other["results"]) == shared
    differ = {n: {"duckdb": _outcome(r), engine: _outcome(other["results"][n]),
                  "message": (other["results"][n].get("message") or "")[:300]}
              for n, r in reference.items() if _outcome(r) != _outcome(other["results"][n])}
    assert not differ, differ
    # the must-fail fixtures did fail: the comparison is not between two empty runs
    assert sum(r["status"] == "fail" for r in reference.values()) >= 17


def _observed(rows: dict | None) -> list:
    if not rows or "observed" not in rows["columns"]:
        return []
    i = rows["columns"].index("observed")
    values = [row[i] for row in rows["rows"]]
    return sorted(values, key=lambda v: (isinstance(v, str), v if not isinstance(v, str) else 0, str(v)))


def test_fixture_failing_rows_observe_the_same_values(duckdb_fixtures, engine_fixtures):
    engine, other = engine_fixtures
    checked, differ = 0, {}
    shared = _built_on(engine, duckdb_fixtures)
    for name, rows in duckdb_fixtures["rows"].items():
        if name not in shared:
            continue
        mine, theirs = _observed(rows), _observed(other["rows"].get(name))
        assert len(other["rows"].get(name, {}).get("rows", [])) == len(rows["rows"]), name
        if not mine:
            continue
        checked += 1
        if len(mine) != len(theirs) or not all(_same(a, b) for a, b in zip(mine, theirs)):
            differ[name] = {"duckdb": mine[:10], engine: theirs[:10]}
    assert not differ, differ
    assert checked >= 10, "too few failing fixtures report an observed value to compare"


# --- warehouse-side statistics of the Python checks -------------------------------------

# NULL, NaN and ±inf beside ordinary values; labels differing in case and blanks
PROBE_ROWS = [
    (1, "1.5", "Dairy", True, 2), (2, "2.5", "dairy ", False, 3), (3, "NaN", "Bakery", True, 4),
    (4, "Infinity", "Bakery", False, 5), (5, "-Infinity", "", True, 6), (6, None, None, None, 7),
    (7, "3.25", "Bakery", True, 8), (8, "4", "Frozen", False, 10), (9, "0.5", "Dairy", True, 3),
    (10, "7", "Frozen", False, 12), (11, "-1", "Dairy", True, 1), (12, "2", "Bakery", True, 5),
]


def _probe_sql(engine: str, schema: str) -> list[str]:
    double = {"postgres": "double precision"}.get(engine, "double")
    text = "string" if engine in SPARK_SQL else "varchar"
    quote = (lambda n: f"`{n}`") if engine in SPARK_SQL else (lambda n: f'"{n}"')

    def lit(v):
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v) if isinstance(v, int) else "'" + v + "'"

    values = ", ".join("(" + ", ".join(lit(v) for v in row) + ")" for row in PROBE_ROWS)
    table = f"{quote(schema)}.{quote('engine_probe')}"
    return [f"create schema if not exists {quote(schema)}",
            f"drop table if exists {table}",
            f"create table {table} as select cast(id as integer) as id, cast(amount as {double}) as amount, "
            f"cast(label as {text}) as label, cast(flag as boolean) as flag, cast(weight as integer) as weight "
            f"from (values {values}) as v(id, amount, label, flag, weight)"]


def _stats(engine: str, tmp: Path) -> dict:
    env = _engine_env(engine, tmp, DBT_PROFILES_DIR=str(REPO / "profiles"))
    setup = _probe_sql(engine, "probe")
    # one process: setup statements first (raw engine SQL), then the stats builders
    script = ("import json, sys\nfrom pathlib import Path\nfrom strataqc.warehouse import Warehouse\n"
              f"wh = Warehouse.from_project(Path({str(REPO)!r}), Path({str(REPO / 'profiles')!r}), target={engine!r})\n"
              f"for sql in {setup!r}:\n    wh._conn.execute(sql)\n")
    proc = subprocess.run([sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return query(REPO, REPO / "profiles", engine, env, {}, stats_table="probe.engine_probe")["__stats__"]


@pytest.fixture(scope="module")
def duckdb_stats(tmp_path_factory) -> dict:
    return _stats("duckdb", tmp_path_factory.mktemp("parity_stats_duckdb"))


@pytest.mark.parametrize("engine", ENGINES)
def test_python_check_statistics_match_duckdb(engine, duckdb_stats, tmp_path):
    theirs = _stats(engine, tmp_path)
    # what the probe table is built to show, on DuckDB
    profile = {p[0]: p for p in duckdb_stats["profile"]}
    assert profile["amount"][2:4] == [1, 1]         # one NULL, one NaN
    assert profile["amount"][6:8] == [-1.0, 7.0]     # ±inf are no minimum/maximum
    assert duckdb_stats["binned"] == [1, 2, 3, 2]    # NULL, NaN and ±inf left out of every bin
    for key, mine in duckdb_stats.items():
        other = theirs[key]
        flat_mine, flat_other = json.loads(json.dumps(mine)), json.loads(json.dumps(other))

        def walk(a, b, where):
            if isinstance(a, list) and isinstance(b, list):
                assert len(a) == len(b), (where, a, b)
                for i, (x, y) in enumerate(zip(a, b)):
                    walk(x, y, f"{where}[{i}]")
            else:
                assert _same(a, b) or (isinstance(a, (int, float)) and isinstance(b, (int, float))
                                       and not isinstance(a, bool) and _same(float(a), float(b))), \
                    f"{engine} {where}: duckdb {a!r}, {engine} {b!r}"

        walk(flat_mine, flat_other, key)


# --- the demo night -----------------------------------------------------------------------

REPORT_FLAGS = ["--fail-on", "never", "--no-alerts", "--no-history"]
KEEPS_HISTORY = {"thrift"}


def _night(engine: str, tmp: Path, landing: Path, duckdb_copy: Path | None = None,
           target_path: Path | None = None) -> dict:
    """load → dbt build → qc-report run on one engine (DuckDB: the shared night's copy, already built)."""
    extra = {"DBT_PROFILES_DIR": str(REPO / "profiles")}
    if duckdb_copy is not None:
        extra["STRATAQC_DUCKDB_PATH"] = str(duckdb_copy)
    env = _engine_env(engine, tmp, **extra)
    qc = str(BIN / "qc-report")
    if target_path is None:
        target_path = tmp / "target"
        load = _run([qc, "load", "--landing", str(landing), "--project-dir", str(REPO), "--target", engine], env, REPO)
        assert load.returncode == 0, load.stdout[-2000:] + load.stderr[-2000:]
        # "now" of the demo night, as conftest's demo_night builds it: the morning after the data's last day
        end = json.loads((landing / "manifest.json").read_text())["generator"]["end_date"]
        clock = f"{dt.date.fromisoformat(end) + dt.timedelta(days=1)}T03:00:00Z"
        _run([str(BIN / "dbt"), "build", "--project-dir", str(REPO), "--target", engine,
              "--target-path", str(target_path), "--log-path", str(tmp / "logs")], {**env, "STRATAQC_NOW": clock}, REPO)
        assert (target_path / "run_results.json").exists(), "dbt build wrote no run_results.json"
    report = tmp / "report.json"
    # on the cluster the night keeps its history as a team's would: in the cluster's warehouse
    flags = [f for f in REPORT_FLAGS if f != "--no-history"] if engine in KEEPS_HISTORY else REPORT_FLAGS
    run = _run([qc, "run", "--project-dir", str(REPO), "--target", engine, "--target-path", str(target_path),
                "--json", str(report), *flags], env, REPO)
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    results = {r["unique_id"]: r for r in json.loads((target_path / "run_results.json").read_text())["results"]}
    return {"results": results, "report": json.loads(report.read_text())["results"], "env": env}


@pytest.fixture(scope="module")
def duckdb_night(demo_night, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("parity_night_duckdb")
    copy, _ = demo_night.copy_warehouse(tmp)
    # the shared night's artifacts are read, never written: qc-report gets a copy of its target folder
    target = tmp / "target"
    shutil.copytree(demo_night.target_path, target)
    return _night("duckdb", tmp, demo_night.landing_dir, duckdb_copy=copy, target_path=target)


@pytest.fixture(scope="module", params=ENGINES)
def engine_night(request, demo_night, tmp_path_factory) -> tuple[str, dict]:
    engine = request.param
    tmp = tmp_path_factory.mktemp(f"parity_night_{engine}")
    return engine, _night(engine, tmp, demo_night.landing_dir)


# a line naming an exception: `java.io.FileNotFoundException: File ... does not exist`,
# `Caused by: org.apache...MetaException: ...`, `ValueError: ...`; not a stack frame
EXCEPTION_LINE = re.compile(r"(?<![\w$.])(?:[A-Za-z_$][\w$]*\.)*[A-Z][\w$]*(?:Exception|Error)(?::|$)")


def failure_summary(message: str | None, width: int = 400) -> str:
    """What a node's error message says failed: its first line, then every distinct line naming an
    exception (class and message), cut to `width`; stack frames left out. A Thrift error carries the
    server's whole Java stack trace, whose head and tail name no exception."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    if not lines:
        return "(no message)"
    shown = [lines[0][:width]]
    for line in lines[1:]:
        if line.startswith(("at ", "...")) or not EXCEPTION_LINE.search(line):
            continue
        if line[:width] not in shown:
            shown.append(line[:width])
    if len(shown) == 1:
        shown += [line[:width] for line in lines[1:4]]   # nothing named: the message's first lines
    return "\n    ".join(shown)


def test_a_broken_nodes_failure_names_its_exception():
    message = ("Runtime Error in model ods_erp__skus (models/ods/ods_erp__skus.sql)\n  Database Error\n"
               "    org.apache.hive.service.cli.HiveSQLException: Error running query: java.io.FileNotFoundException: "
               "File file:/w/strataqc_audit.db/scope_watermark/_temporary/0 does not exist\n"
               + "\tat org.apache.spark.sql.hive.thriftserver.HiveThriftServerErrors$.runningQueryError(X.scala:46)\n" * 30
               + "Caused by: java.io.FileNotFoundException: File file:/w/_temporary/0 does not exist\n"
               "\tat org.apache.hadoop.fs.RawLocalFileSystem.listStatus(RawLocalFileSystem.java:798)\n"
               "\t... 22 more")
    summary = failure_summary(message)
    assert summary.splitlines()[0] == "Runtime Error in model ods_erp__skus (models/ods/ods_erp__skus.sql)"
    assert "HiveSQLException: Error running query: java.io.FileNotFoundException: File file:/w/" in summary
    assert "Caused by: java.io.FileNotFoundException: File file:/w/_temporary/0 does not exist" in summary
    assert " at " not in summary and "more" not in summary
    assert failure_summary("Compilation Error in model x\n  'foo' is undefined") == \
        "Compilation Error in model x\n    'foo' is undefined"
    assert "KeyError: 'x'" in failure_summary("Runtime Error\n  Traceback\n  KeyError: 'x'")


def test_demo_night_builds_and_tests_alike(duckdb_night, engine_night):
    engine, other = engine_night
    broken = {u: r["message"] for u, r in other["results"].items()
              if r["status"] == "error" and not u.startswith("test.")}
    assert not broken, "nodes that failed to build on " + engine + ":\n" + "\n".join(
        f"  {u}: {failure_summary(m)}" for u, m in sorted(broken.items()))
    reference = duckdb_night["results"]
    assert set(other["results"]) == set(reference)
    differ = {u.split(".")[-2] if u.startswith("test.") else u:
              {"duckdb": _outcome(r), engine: _outcome(other["results"][u])}
              for u, r in reference.items() if _outcome(r) != _outcome(other["results"][u])}
    assert not differ, differ
    # the planted defects were found: the two nights are not alike by being empty
    assert sum(r["status"] in ("warn", "fail") for r in reference.values()) >= 10


def _records(report: list[dict]) -> dict[tuple, dict]:
    return {(r["check_type"], r["check"], r["model"], r["column"]): r for r in report}


# model training is seeded but tree libraries are not bit-exact across input orders:
# model-quality scores are compared by status only
VALUE_EXEMPT = {"model_quality", "attribution"}
# the domain classifier learns from a seeded SQL sample; each engine draws its own rows,
# so its ROC AUC agrees to sampling error, not to floating-point error
SAMPLED = {"multivariate_drift": 0.03}
# values that time the host, not the data: their status follows the machine's load
HOST_MEASURED = {"inference_latency"}


def test_demo_night_report_matches_duckdb(duckdb_night, engine_night):
    engine, other = engine_night
    mine, theirs = _records(duckdb_night["report"]), _records(other["report"])
    assert set(theirs) == set(mine), {"only duckdb": sorted(map(str, set(mine) - set(theirs)))[:20],
                                      f"only {engine}": sorted(map(str, set(theirs) - set(mine)))[:20]}
    differ = {}
    for key, r in mine.items():
        o = theirs[key]
        if key[1] in HOST_MEASURED:
            continue
        tolerance = SAMPLED.get(key[1])
        close = tolerance is not None and None not in (r["observed"], o["observed"]) and \
            abs(float(r["observed"]) - float(o["observed"])) <= tolerance
        # a dbt test's record shows the observed value of one failing row, and engines return
        # failing rows in their own order: with several, the failure count is what must agree
        several = key[0] == "sql" and (r["failures"] or 0) > 1 and r["failures"] == o["failures"]
        same_value = key[0] in VALUE_EXEMPT or several or close or _same(r["observed"], o["observed"]) or (
            isinstance(r["observed"], (int, float)) and isinstance(o["observed"], (int, float))
            and _same(float(r["observed"]), float(o["observed"])))
        if r["status"] != o["status"] or r["failures"] != o["failures"] or not same_value:
            differ[key] = f"duckdb {r['status']} {r['observed']!r} | {engine} {o['status']} {o['observed']!r}: " \
                          f"{o['message'][:120]}"
    assert not differ, "\n".join(f"{k}: {v}" for k, v in differ.items())
    # the Python checks ran on both engines, not only dbt's tests
    assert {k[0] for k in mine} >= {"sql", "feature_set", "drift"}


def test_cluster_night_history_lands_in_the_cluster_warehouse(engine_night):
    """The history the night wrote is read back through a fresh Thrift connection, and nothing of a
    local stand-in session (its warehouse or Derby metastore) appeared where qc-report ran."""
    engine, other = engine_night
    if engine not in KEEPS_HISTORY:
        pytest.skip(f"the {engine} night runs with --no-history")
    from pyhive import hive

    env = other["env"]
    conn = hive.connect(host=env.get("STRATAQC_SPARK_THRIFT_HOST", "127.0.0.1"),
                        port=int(env["STRATAQC_SPARK_THRIFT_PORT"]), username="strataqc-test")
    try:
        cursor = conn.cursor()
        cursor.execute("select run_id from strataqc_history.check_results order by generated_at desc limit 1")
        (run_id,) = cursor.fetchone()
        cursor.execute("select check_type, status, observed from strataqc_history.check_results "
                       f"where run_id = '{run_id}'")
        stored = cursor.fetchall()
    finally:
        conn.close()
    written = other["report"]
    assert len(stored) == len(written), (len(stored), len(written))
    assert sorted((t, s) for t, s, _ in stored) == sorted((r["check_type"], r["status"]) for r in written)
    assert not (REPO / "metastore_db").exists() and not (REPO / "spark-warehouse").exists()
