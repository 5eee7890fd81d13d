"""StrataQC's generic tests against the fixture project in integration_tests/.

One `dbt build` of the fixture project per module; every fixture test carries
its expected outcome in `meta` (`expect`, `failures`), and each case here
asserts dbt's status and failure count from run_results.json. The target comes
from STRATAQC_IT_TARGET (default duckdb), so other engines run the same cases.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from nan_parquet import ENGINE_ONLY_MODELS, write_nan_parquet

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "integration_tests"
DBT = str(Path(sys.executable).parent / "dbt")
TARGET = os.environ.get("STRATAQC_IT_TARGET", "duckdb")
# models enabled on some engines only (PostgreSQL reads no Parquet)

# DESIGN §3: every public test, each needing a passing and a failing fixture
DESIGN_TESTS = [
    "unique_key", "date_continuity", "value_continuity", "abnormal_value_ratio", "valid_type",
    "column_type", "value_range", "special_characters", "reconcile_row_count", "reconcile_sum",
    "reconcile_date_range", "column_checks", "recency", "row_count_between",
    "accepted_values_ratio", "schema_unchanged", "volume_anomaly",
]
# what dbt-utils and dbt-expectations users reach for (docs/migration.md), same rules
PEER_TESTS = [
    "expression_is_true", "regex_match", "regex_not_match", "string_length", "not_constant",
    "sequential_values", "row_count_ratio", "equality", "relationships_ratio",
    "mutually_exclusive_ranges", "distinct_count_between", "aggregate_between",
]
PUBLIC_TESTS = DESIGN_TESTS + PEER_TESTS


def _fixture_tests() -> dict[str, dict]:
    """Test name -> its YAML entry, read from the fixture project's YAML files."""
    found: dict[str, dict] = {}

    def visit(node, model=None):
        if isinstance(node, dict):
            if "name" in node and ("data_tests" in node or "columns" in node) and model is None:
                model = node["name"]   # a model, seed or source table entry
            for key, value in node.items():
                if key.startswith("strataqc.") and isinstance(value, dict) and "name" in value:
                    found[value["name"]] = {"test": key.removeprefix("strataqc."), "model": model, **value}
                visit(value, model)
        elif isinstance(node, list):
            for item in node:
                visit(item, model)

    for path in sorted(PROJECT.rglob("*.yml")):
        if "dbt_packages" in path.parts or path.name in {"dbt_project.yml", "packages.yml", "profiles.yml"}:
            continue
        if {"wap", "wap_bad"} & set(path.parts):   # audits of write-audit-publish nights: test_sql_write_audit_publish.py
            continue
        visit(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


FIXTURE_TESTS = _fixture_tests()
OUTCOME_CASES = {n: t for n, t in FIXTURE_TESTS.items() if not n.startswith(("bad_args__", "bad_level__"))}
BAD_ARG_CASES = {n: t for n, t in FIXTURE_TESTS.items() if n.startswith("bad_args__")}
BAD_LEVEL_CASES = {n: t for n, t in FIXTURE_TESTS.items() if n.startswith("bad_level__")}


@dataclass
class DbtRun:
    returncode: int
    output: str
    results: dict[str, dict]   # test/model name -> run_results entry
    manifest: dict


@dataclass
class FixtureProject:
    tmp: Path
    env: dict[str, str]

    def dbt(self, *args: str, target_path: str = "target") -> DbtRun:
        target = self.tmp / target_path
        cmd = [DBT, *args, "--target", TARGET, "--target-path", str(target),
               "--log-path", str(self.tmp / "logs")]
        proc = subprocess.run(cmd, cwd=PROJECT, env=self.env, capture_output=True, text=True,
                              timeout=300 if TARGET in ("duckdb", "postgres") else 3600)  # Spark: ~400 nodes, 1-10 s each
        run_results = json.loads((target / "run_results.json").read_text())
        manifest = json.loads((target / "manifest.json").read_text())
        names = {uid: node["name"] for uid, node in manifest["nodes"].items()}
        results = {names.get(r["unique_id"], r["unique_id"]): r for r in run_results["results"]}
        return DbtRun(proc.returncode, proc.stdout + proc.stderr, results, manifest)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> FixtureProject:
    tmp = tmp_path_factory.mktemp("sql_fixtures")
    env = {**os.environ,
           "DBT_PROFILES_DIR": str(PROJECT),
           "STRATAQC_DUCKDB_PATH": str(tmp / "fixtures.duckdb"),
           "STRATAQC_IT_PACKAGES": str(tmp / "dbt_packages"),
           "STRATAQC_IT_NAN_PARQUET": str(write_nan_parquet(tmp / "nan_amounts.parquet")),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    # what `dbt deps` does for `local: ../`, without a dbt start-up of its own
    # (test_sql_package_install.py runs the real `dbt deps` in a host project)
    (tmp / "dbt_packages").mkdir()
    (tmp / "dbt_packages" / "strataqc").symlink_to(REPO, target_is_directory=True)
    return FixtureProject(tmp, env)


@pytest.fixture(scope="module")
def build(project) -> DbtRun:
    run = project.dbt("build")
    # the must-fail fixtures make the build exit 1; anything but test failures is a broken fixture
    broken = {n: r["message"] for n, r in run.results.items()
              if r["status"] in ("error", "skipped") and not n.startswith(tuple(PUBLIC_TESTS))}
    assert not broken, broken
    return run


def test_every_design_test_is_proven_both_ways():
    for name in PUBLIC_TESTS:
        cases = [n for n in OUTCOME_CASES if n.startswith(name + "__")]
        assert any("__passes_" in n for n in cases), f"{name} has no must-pass fixture"
        assert any("__fails_" in n for n in cases), f"{name} has no must-fail fixture"
        assert all(OUTCOME_CASES[n]["test"] == name for n in cases)


def _skip_if_not_built_here(name: str) -> None:
    engines = ENGINE_ONLY_MODELS.get(OUTCOME_CASES[name].get("model", ""))
    if engines and TARGET not in engines:
        pytest.skip(f"{OUTCOME_CASES[name]['model']} is built on {', '.join(engines)} only")


@pytest.mark.parametrize("name", sorted(OUTCOME_CASES))
def test_fixture_outcome(build, name):
    _skip_if_not_built_here(name)
    meta = OUTCOME_CASES[name]["config"]["meta"]
    result = build.results[name]
    assert result["status"] == meta["expect"], result["message"]
    assert result["failures"] == meta.get("failures", 0), result["message"]


def _rows(project: FixtureProject, sql: str) -> list[tuple]:
    import duckdb

    with duckdb.connect(project.env["STRATAQC_DUCKDB_PATH"], read_only=True) as con:
        return con.sql(sql).fetchall()


def _compiled(build: DbtRun, name: str) -> str:
    return build.results[name]["compiled_code"]


duckdb_only = pytest.mark.skipif(TARGET != "duckdb", reason="reads the DuckDB file directly")


FAILING_CASES = sorted(n for n in OUTCOME_CASES if "__fails_" in n)


def test_every_must_fail_fixture_names_its_reason():
    missing = [n for n in FAILING_CASES if "reason" not in OUTCOME_CASES[n]["config"]["meta"]]
    assert not missing, f"must-fail fixtures without meta.reason: {missing}"


@duckdb_only
@pytest.mark.parametrize("name", FAILING_CASES)
def test_failing_row_says_why(build, project, name):
    """The failing rows hold meta.reason as a message, with its observed value and threshold."""
    meta = OUTCOME_CASES[name]["config"]["meta"]
    sql = _compiled(build, name)
    with_numbers = "observed" in meta
    columns = "message, observed, threshold" if with_numbers else "message"
    rows = _rows(project, f"select {columns} from ({sql}) failing")
    matching = [r for r in rows if r[0] == meta["reason"]]
    assert matching, f"no failing row says {meta['reason']!r}; rows: {rows}"
    if with_numbers:
        _, observed, threshold = matching[0]
        for got, want in ((observed, meta["observed"]), (threshold, meta["threshold"])):
            if want is None:
                assert got is None or got != got, rows   # NULL (or NaN) when nothing was measured
            else:
                assert got == pytest.approx(want, abs=1e-6), rows


@duckdb_only
def test_failing_rows_carry_observed_threshold_and_message(build, project):
    rows = _rows(project, f"select observed, threshold, message from ({_compiled(build, 'abnormal_value_ratio__fails_nan_inf')})")
    assert rows == [(0.3, 0.2, "strataqc.abnormal_value_ratio on numbers_double.amount: "
                                "3 of 10 rows are nan/inf (ratio 0.3, limit 0.2)")]


@duckdb_only
def test_column_checks_rows_name_column_and_rule(build, project):
    rows = _rows(project, f"select column_name, rule, observed, threshold from ({_compiled(build, 'column_checks__fails_five_rules')}) order by 1, 2")
    assert rows == [("amount", "abnormal_value_ratio", 0.3, 0.2), ("amount", "value_range", 3.0, 0.0),
                    ("note", "accepted_values_ratio", pytest.approx(4 / 9), 0.0),
                    ("note", "not_null", 1.0, 0.0), ("note", "special_characters", 1.0, 0.0)]


@duckdb_only
def test_column_checks_scans_the_model_once(build, project):
    """EXPLAIN ANALYZE of a 3-column, 7-rule column_checks: one table scan of the model."""
    import duckdb

    with duckdb.connect(project.env["STRATAQC_DUCKDB_PATH"], read_only=True) as con:
        plan = json.loads(con.sql("explain (analyze, format json) " + _compiled(build, "column_checks__fails_five_rules")).fetchall()[0][1])

    def scans(node):
        own = [node["extra_info"].get("Table")] if node["type"] in ("TABLE_SCAN", "SEQ_SCAN") else []
        return own + [t for child in node.get("children", []) for t in scans(child)]

    tables = [t for op in plan["operator"] for t in scans(op)]
    assert len(tables) == 1 and tables[0].endswith("numbers_double"), tables
    # and the SQL itself reads the model in exactly one FROM
    assert len(re.findall(r'from\s+"[^"]+"\."[^"]+"\."numbers_double"', _compiled(build, "column_checks__fails_five_rules"))) == 1



@duckdb_only
def test_column_checks_runs_the_peer_rules(build, project):
    rows = _rows(project, f"select column_name, rule, observed, threshold from ({_compiled(build, 'column_checks__fails_peer_rules')}) order by 1, 2")
    # regex_not_match at its limit (2 of 5 = 0.4) passes: strict; only dddd is over 3 characters
    assert rows == [("code", "regex_match", 0.4, 0.0), ("id", "expression_is_true", pytest.approx(1 / 3), 0.0),
                    ("label", "string_length", 0.2, 0.0), ("note", "not_constant", 1.0, 0.0)]


@duckdb_only
def test_equality_names_the_side_holding_each_row(build, project):
    rows = _rows(project, f"select id, amount, rows_in_model, rows_in_compare, which_side from ({_compiled(build, 'equality__fails_without_precision')}) order by which_side")
    assert [(r[0], r[2], r[3], r[4]) for r in rows] == [(1, 0, 1, "compare_model"), (1, 1, 0, "model")]


@duckdb_only
def test_mutually_exclusive_ranges_gives_each_reason(build, project):
    rows = _rows(project, f"select range_key, lower_bound, upper_bound, reason from ({_compiled(build, 'mutually_exclusive_ranges__fails_gap_not_allowed')}) order by 1")
    assert rows == [("k2", 1, 4, "overlaps the next range"), ("k3", 1, 2, "gap before the next range")]

@duckdb_only
def test_nothing_to_check_message(build, project):
    rows = _rows(project, f"select message from ({_compiled(build, 'unique_key__fails_empty')})")
    assert rows == [("strataqc.unique_key on empty_table: the model has no rows, nothing to check "
                     "(set allow_empty: true if that is expected)",)]


@duckdb_only
def test_not_enough_history_message(build, project):
    (message,), = _rows(project, f"select message from ({_compiled(build, 'volume_anomaly__fails_not_enough_history')})")
    assert "not enough history" in message and "2 earlier days, need 7" in message


@duckdb_only
def test_store_failures_keeps_the_failing_rows(build, project):
    rows = _rows(project, "select store_id, sku_id, occurrences, message from main_dbt_test__audit.unique_key__fails_store_failures order by 1")
    assert [r[:3] for r in rows] == [(1, None, 2), (2, 3, 2)]
    assert rows[0][3] == "strataqc.unique_key on keys_null_duplicates: key (store_id, sku_id) = (1, NULL) occurs 2 times"


@pytest.mark.parametrize(("name", "tag"), [
    ("unique_key__fails_store_failures", "strataqc_stored"),
    ("column_checks__fails_where_and_store_failures", "strataqc_stored"),
    ("abnormal_value_ratio__fails_severity_warn", "strataqc_ratio"),
    ("reconcile_sum__fails_total_beyond_tolerance", "strataqc_reconcile"),
])
def test_tags_config_reaches_the_test(build, name, tag):
    node = next(n for n in build.manifest["nodes"].values() if n["name"] == name)
    assert tag in node["tags"]


@duckdb_only
def test_store_failures_keeps_column_checks_rows_under_where(build, project):
    rows = _rows(project, "select column_name, rule, observed, threshold from "
                          "main_dbt_test__audit.column_checks__fails_where_and_store_failures order by 1, 2")
    # where id <= 4 leaves NaN and +inf in amount and 3 of 4 notes off the list
    assert rows == [("amount", "value_range", 2.0, 0.0), ("note", "accepted_values_ratio", 0.75, 0.5)]


@duckdb_only
def test_injection_text_stays_a_value(build, project):
    # names_quoted holds "x'); drop table orders; --" and the tests compare it as text
    assert build.results["accepted_values_ratio__passes_quotes_and_injection_text"]["status"] == "pass"
    assert _rows(project, "select count(*) from main.orders") == [(10,)]
    sql = _compiled(build, "accepted_values_ratio__passes_quotes_and_injection_text")
    assert "'x''); drop table orders; --'" in sql and "'O''Brien'" in sql


@pytest.mark.skipif(TARGET == "spark", reason="Spark quotes with backticks (spark__quote_identifier)")
def test_identifiers_are_quoted_with_embedded_quotes_escaped(build):
    sql = _compiled(build, "unique_key__fails_injection_identifier")
    assert '"we""ird; --col"' in sql
    # a quote: true column arrives quoted from dbt and is not quoted twice
    assert '"semi; --col"' in _compiled(build, "valid_type__fails_quoted_column")
    assert '"""semi' not in _compiled(build, "valid_type__fails_quoted_column")


@pytest.fixture(scope="module")
def bad_args_run(build, project) -> DbtRun:
    # also rebuilds schema_probe with a drifted schema against the baseline the first build stored
    return project.dbt("build", "--select", "bad_args_target", "schema_probe",
                       "--vars", "{strataqc_bad_args: true, strataqc_it_schema_drift: true}",
                       target_path="target_bad_args")


@pytest.mark.parametrize("name", sorted(BAD_ARG_CASES))
def test_bad_arguments_fail_at_compile_time_with_a_fix(bad_args_run, name):
    case = BAD_ARG_CASES[name]
    result = bad_args_run.results[name]
    assert result["status"] == "error"
    message = result["message"]
    assert "Compilation Error" in message
    assert f"strataqc.{case['test']} on bad_args_target" in message
    assert f"`{case['config']['meta']['argument']}`" in message
    assert re.search(r"Fix: \S", message), message


@pytest.mark.parametrize("name", sorted(BAD_LEVEL_CASES))
def test_a_test_at_the_wrong_level_names_where_it_belongs(bad_args_run, name):
    """A model-level test under a column, or a column-level one at model level: that test alone is a
    StrataQC compile error naming the test, the model and the level it belongs at; the rest runs."""
    case = BAD_LEVEL_CASES[name]
    result = bad_args_run.results[name]
    assert result["status"] == "error"
    message = result["message"]
    assert "Compilation Error" in message and "Undefined" not in message
    assert f"strataqc.{case['test']} on bad_args_target" in message
    belongs = case["config"]["meta"]["belongs"]
    assert f"is a {belongs}-level test" in message, message
    assert re.search(r"Fix: (move it|list it) \S", message), message
    assert bad_args_run.results["bad_args_target"]["status"] == "success"


@pytest.mark.skipif(TARGET == "spark", reason="accepting a schema deletes the old baseline: parquet tables cannot")
def test_schema_unchanged_compares_with_the_stored_baseline(build, bad_args_run, project):
    assert build.results["schema_unchanged__passes_first_run_records_baseline"]["status"] == "pass"
    drifted = bad_args_run.results["schema_unchanged__passes_first_run_records_baseline"]
    assert (drifted["status"], drifted["failures"]) == ("fail", 2)   # label retyped, extra added
    accepted = project.dbt("test", "--select", "schema_probe",
                           "--vars", "{strataqc_it_schema_drift: true, strataqc_accept_schema: true}",
                           target_path="target_accept")
    assert accepted.results["schema_unchanged__passes_first_run_records_baseline"]["status"] == "pass"


MACROS = REPO / "macros" / "generic_tests"


def _signature(name: str) -> list[str]:
    sql = (MACROS / f"{name}.sql").read_text(encoding="utf-8")
    args = re.search(r"{%\s*test\s+" + name + r"\((.*?)\)\s*%}", sql, re.S).group(1)
    return [a.split("=")[0].strip() for a in args.split(",")]


@pytest.mark.parametrize("name", PUBLIC_TESTS)
def test_every_test_has_its_doc_beside_it(name):
    from dbt.parser.schemas import is_valid_type

    (entry,) = yaml.safe_load((MACROS / f"{name}.yml").read_text(encoding="utf-8"))["macros"]
    assert entry["name"] == f"test_{name}"
    assert [a["name"] for a in entry["arguments"]] == _signature(name)
    assert all(is_valid_type(a["type"]) and a["description"] for a in entry["arguments"])
    description = entry["description"]
    assert "**Fails on:**" in description
    example = yaml.safe_load(description.split("```yaml")[1].split("```")[0])
    assert f"strataqc.{name}" in json.dumps(example)


def test_macro_docs_reach_the_host_manifest(build):
    """dbt parsed the docs with validate_macro_args on: names and types match the macros."""
    for name in PUBLIC_TESTS:
        macro = build.manifest["macros"][f"macro.strataqc.test_{name}"]
        assert "Fails on" in macro["description"]
        assert [a["name"] for a in macro["arguments"]] == _signature(name)
    assert "InvalidMacroAnnotation" not in build.output and "does not match the jinja" not in build.output


# what the hostile fixtures carry; each must stay inside one quoted name or string literal
PAYLOADS = ["k'ey", 'd"ate', "v;al", "g--rp", "t/*xt", 'q"uoted',
            "x'); drop table orders; --", 'a"b; /* c */', "*/ or 1=1", "O'Brien"]
HOSTILE_CASES = sorted(n for n in OUTCOME_CASES if "_hostile_" in n)


@pytest.mark.parametrize("name", HOSTILE_CASES)
def test_hostile_names_and_values_stay_names_and_values(build, name):
    """Tokenized, the compiled SQL holds each payload only as a quoted name or a
    string literal: one statement, no DROP, no payload inside a comment."""
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType

    sql = _compiled(build, name)
    tokens = Dialect.get_or_raise(TARGET).tokenize(sql)  # backticks and \' are Spark's
    assert not [t for t in tokens if t.token_type in (TokenType.SEMICOLON, TokenType.DROP)], name
    inert = [t.text for t in tokens if t.token_type in (TokenType.STRING, TokenType.IDENTIFIER)]
    comments = " ".join(c for t in tokens for c in t.comments)
    for payload in PAYLOADS:
        in_sql = payload.replace("'", "''") in sql or payload.replace('"', '""') in sql
        if not in_sql:
            continue
        assert any(payload in text for text in inert), (payload, name)
        assert payload not in comments, (payload, comments)
    assert "drop table" not in comments and "or 1=1" not in comments


@duckdb_only
def test_hostile_payloads_did_not_run(build, project):
    assert {n: build.results[n]["status"] for n in HOSTILE_CASES} == {
        n: OUTCOME_CASES[n]["config"]["meta"]["expect"] for n in HOSTILE_CASES}
    assert _rows(project, "select count(*) from main.orders") == [(10,)]
    assert _rows(project, 'select count(*) from main.hostile_names') == [(6,)]
