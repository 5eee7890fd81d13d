"""`qc-report migrate-tests`: dbt-utils / dbt-expectations tests rewritten as StrataQC tests.

The peer schema file (migrate_data/schema_peer_tests.yml) holds 36 tests of both
packages; its rewrite keeps comments and config, and a real `dbt build` of the
rewritten file over small seeds passes every test.
"""

from __future__ import annotations

import doctest
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from strataqc import migrate
from strataqc.cli import app
from strataqc.migrate import Untranslatable, translate

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "migrate_data"
DBT = str(Path(sys.executable).parent / "dbt")
PEER_TESTS = 36


def _cli(*args: str):
    return CliRunner().invoke(app, ["migrate-tests", *args])


def _tests(doc: dict) -> list[str]:
    """Every test name in a schema document, model and column level."""
    names = []
    for node in doc["models"]:
        for item in node.get("data_tests", []) + [t for c in node.get("columns", []) for t in c.get("data_tests", [])]:
            names.append(item if isinstance(item, str) else next(iter(item)))
    return names


def test_module_example_runs():
    assert doctest.testmod(migrate).failed == 0


@pytest.fixture
def peer_file(tmp_path) -> Path:
    path = tmp_path / "schema.yml"
    shutil.copy(DATA / "schema_peer_tests.yml", path)
    return path


def test_dry_run_prints_a_diff_and_leaves_the_file(peer_file):
    before = peer_file.read_text()
    result = _cli(str(peer_file))
    assert result.exit_code == 0, result.output
    assert peer_file.read_text() == before
    shown = peer_file.as_posix().lstrip("/")
    assert result.stdout.startswith(f"--- a/{shown}\n+++ b/{shown}\n")
    assert "\n-      - dbt_utils.equality:\n" in result.stdout and "\n+      - strataqc.equality:\n" in result.stdout
    assert f"{PEER_TESTS} test(s) to rewrite (dry run; --write applies), 0 left as they are" in result.stderr


def test_write_rewrites_every_peer_test_keeping_comments_and_config(peer_file):
    result = _cli("--write", str(peer_file))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    text = peer_file.read_text()
    doc = yaml.safe_load(text)
    names = _tests(doc)
    assert len(names) == PEER_TESTS + 1   # plus dbt's own not_null, untouched
    assert not [n for n in names if n.startswith(("dbt_utils.", "dbt_expectations."))]
    for comment in ("# Tests written for dbt-utils and dbt-expectations", "# the copy is loaded from the same file",
                    "severity: warn   # refunds are reviewed by hand", "# the dbt 1.10 style: arguments apart from config"):
        assert comment in text
    model = doc["models"][0]
    checks = [t["strataqc.expression_is_true"] for t in model["data_tests"] if "strataqc.expression_is_true" in t]
    assert checks[0] == {"expression": "amount >= 0", "config": {"severity": "warn"}}
    amount = next(c for c in model["columns"] if c["name"] == "amount")["data_tests"]
    summed = next(t["strataqc.aggregate_between"] for t in amount
                  if "arguments" in t.get("strataqc.aggregate_between", {}))
    assert summed == {"arguments": {"aggregate": "sum", "max_value": 200}, "config": {"tags": ["finance"]}}
    # a column's recency moved to the model, naming the column
    assert {"column": "ordered_at", "max_age": 400000, "unit": "day"} in [
        t["strataqc.recency"] for t in model["data_tests"] if isinstance(t, dict) and "strataqc.recency" in t]
    assert "ordered_at" not in [c["name"] for c in model["columns"] if "data_tests" in c]


def test_a_second_run_has_nothing_left(peer_file):
    _cli("--write", str(peer_file))
    result = _cli(str(peer_file))
    assert (result.exit_code, result.stdout) == (0, "")
    assert "0 test(s) to rewrite" in result.stderr


SHOP_ORDERS = """order_id,line_no,region,amount,ordered_at,valid_from,valid_to
1,1,north,10.5,2024-03-01 10:00:00,1,2
1,2,north,20,2024-03-01 10:00:00,2,3
2,1,south,5,2024-03-02 11:00:00,1,5
3,1,south,0,2024-03-03 12:00:00,1,2
4,1,north,30,2024-03-04 09:00:00,1,3
5,1,south,7,2024-03-05 08:00:00,1,4
"""


def test_the_rewritten_file_builds_and_every_test_passes(tmp_path, peer_file):
    """The proof the output is real: dbt parses the rewritten file and runs each test on data it must pass on."""
    assert _cli("--write", str(peer_file)).exit_code == 0
    project = tmp_path / "shop"
    (project / "models").mkdir(parents=True)
    (project / "seeds").mkdir()
    shutil.copy(peer_file, project / "models" / "_shop__models.yml")
    (project / "models" / "shop_orders.sql").write_text("select * from {{ ref('shop_orders_raw') }}\n")
    (project / "seeds" / "shop_orders_raw.csv").write_text(SHOP_ORDERS)
    (project / "seeds" / "shop_orders_copy.csv").write_text(SHOP_ORDERS)
    (project / "seeds" / "shop_orders_big.csv").write_text(SHOP_ORDERS + SHOP_ORDERS.split("\n", 1)[1])
    (project / "seeds" / "shop_regions.csv").write_text("region\nnorth\nsouth\n")
    types = "{order_id: integer, line_no: integer, region: varchar, amount: double, ordered_at: timestamp, valid_from: integer, valid_to: integer}"
    (project / "dbt_project.yml").write_text(
        "name: shop\nversion: '1.0'\nconfig-version: 2\nprofile: shop\n"
        f"seeds:\n  shop:\n    +column_types: {types}\n    shop_regions:\n      +column_types: {{region: varchar}}\n")
    (project / "profiles.yml").write_text(
        f"shop:\n  target: dev\n  outputs:\n    dev: {{type: duckdb, path: '{tmp_path / 'shop.duckdb'}', threads: 1}}\n")
    (project / "packages.yml").write_text(f"packages:\n  - local: {REPO}\n")
    (project / "dbt_packages").mkdir()
    (project / "dbt_packages" / "strataqc").symlink_to(REPO, target_is_directory=True)
    env = {**os.environ, "DBT_PROFILES_DIR": str(project), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run([DBT, "build", "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
                          cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert (tmp_path / "target" / "run_results.json").exists(), proc.stdout[-3000:] + proc.stderr[-2000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    tests = [r for r in results if r["unique_id"].startswith("test.")]
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert len(tests) == PEER_TESTS + 1 and all(r["status"] == "pass" for r in tests)
    assert sum(r["unique_id"].startswith("test.shop.strataqc_") or ".strataqc_" in r["unique_id"] for r in tests) >= PEER_TESTS


NO_EQUIVALENT = [
    ("shop_orders", "dbt_expectations.expect_table_columns_to_match_set", "strataqc.schema_unchanged"),
    ("shop_orders", "dbt_utils.fewer_rows_than", "`group_by_columns` has no equivalent here"),
    ("shop_orders.amount", "dbt_expectations.expect_column_values_to_be_increasing", "no monotonic test"),
    ("shop_orders.amount", "dbt_expectations.expect_column_mean_to_be_between", "`strictly: true`"),
    ("shop_orders.amount", "dbt_utils.not_accepted_values", "no deny-list test"),
]


def test_what_has_no_equivalent_is_listed_with_the_reason_and_left_alone(tmp_path):
    path = tmp_path / "schema.yml"
    shutil.copy(DATA / "schema_no_equivalent.yml", path)
    before = path.read_text()
    result = _cli("--write", str(path))
    assert result.exit_code == 0
    assert path.read_text() == before
    lines = [l for l in result.stderr.splitlines() if l.startswith("not translated:")]
    assert len(lines) == len(NO_EQUIVALENT)
    for (where, test, reason), line in zip(NO_EQUIVALENT, lines):
        assert line.startswith(f"not translated: {path}: {where}: {test}: ") and reason in line, line


def test_folders_are_searched_and_files_without_peer_tests_stay_byte_identical(tmp_path):
    (tmp_path / "models").mkdir()
    own = tmp_path / "models" / "_own.yml"
    own.write_text("version: 2\nmodels:\n- name: a   # flush-left lists stay flush-left\n  data_tests:\n"
                   "  - strataqc.unique_key: {arguments: {columns: [id]}}\n")
    shutil.copy(DATA / "schema_peer_tests.yml", tmp_path / "models" / "peer.yaml")
    (tmp_path / "dbt_packages" / "x").mkdir(parents=True)
    (tmp_path / "dbt_packages" / "x" / "schema.yml").write_text("models: [{name: x, data_tests: [dbt_utils.not_constant]}]\n")
    result = _cli(str(tmp_path))
    assert result.exit_code == 0
    assert f"{PEER_TESTS} test(s) to rewrite" in result.stderr   # dbt_packages left out
    assert str(own) not in result.stdout


def test_flush_left_style_is_kept(tmp_path):
    path = tmp_path / "schema.yml"
    path.write_text("models:\n- name: a\n  columns:\n  - name: b\n    data_tests:\n    - dbt_utils.not_constant  # keep\n")
    assert _cli("--write", str(path)).exit_code == 0
    # the comment keeps its column, so one shorter name gains a space before it
    assert path.read_text() == "models:\n- name: a\n  columns:\n  - name: b\n    data_tests:\n    - strataqc.not_constant   # keep\n"


@pytest.mark.parametrize(("args", "problem"), [
    pytest.param(["nope/"], "nope: no such file or folder; give schema YAML files or the folders holding them", id="missing-path"),
    pytest.param(["BAD"], "not valid YAML (line 3); fix the file or leave it out", id="bad-yaml"),
])
def test_bad_input_names_the_file_and_the_fix_without_a_traceback(tmp_path, args, problem):
    bad = tmp_path / "bad.yml"
    bad.write_text("models:\n  - name: [unclosed\n")
    args = [str(bad) if a == "BAD" else str(tmp_path / a) for a in args]
    result = _cli(*args)
    assert result.exit_code == 2
    assert "cannot migrate: " in result.stderr and problem in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("test", "args", "level", "expected", "where"), [
    pytest.param("dbt_expectations.expect_column_values_to_not_match_regex_list", {"regex_list": ["a", "b"], "match_on": "any"},
                 "column", ("strataqc.regex_not_match", {"pattern": ["a", "b"], "match_on": "all"}), None,
                 id="not-match-any-means-fails-on-all"),
    pytest.param("dbt_expectations.expect_column_values_to_not_match_regex_list", {"regex_list": ["a"], "match_on": "all"},
                 "column", ("strataqc.regex_not_match", {"pattern": ["a"]}), None, id="not-match-all-means-fails-on-any"),
    pytest.param("dbt_expectations.expect_column_values_to_match_regex", {"regex": "^a", "flags": "i"},
                 "column", ("strataqc.regex_match", {"pattern": "^a", "case_sensitive": False}), None, id="i-flag"),
    pytest.param("dbt_utils.not_null_proportion", {"at_least": 0.95},
                 "column", ("strataqc.abnormal_value_ratio", {"kinds": ["null"], "max_ratio": 0.05}), None, id="null-share"),
    pytest.param("dbt_expectations.expect_column_value_lengths_to_be_between", {"min_value": 2, "max_value": 5, "strictly": True},
                 "column", ("strataqc.string_length", {"min_length": 3, "max_length": 4}), None, id="strict-lengths"),
    pytest.param("dbt_expectations.expect_column_values_to_be_between", {"min_value": 0, "strictly": True, "row_condition": "x > 1"},
                 "column", ("strataqc.value_range", {"min_value": 0, "inclusive": False}), "x > 1", id="row-condition-to-where"),
    pytest.param("dbt_expectations.expect_column_distinct_count_to_be_greater_than", {"value": 3},
                 "column", ("strataqc.distinct_count_between", {"min_count": 4}), None, id="greater-than-is-strict"),
    pytest.param("dbt_expectations.expect_column_values_to_match_like_pattern", {"like_pattern": "a_b%.c"},
                 "column", ("strataqc.regex_match", {"pattern": "^a.b.*\\.c$"}), None, id="like-to-regex"),
    pytest.param("dbt_utils.equal_rowcount", {"compare_model": "ref('x')", "group_by_columns": ["d"]},
                 "model", ("strataqc.reconcile_row_count", {"compare_model": "ref('x')", "group_by": ["d"]}), None, id="grouped-rowcount"),
])
def test_translation_keeps_the_meaning(test, args, level, expected, where):
    rule = translate(test, args, level, "col")
    assert (rule.test, {k: v for k, v, _ in rule.args}) == expected
    assert rule.where == where


@pytest.mark.parametrize(("test", "args", "reason"), [
    pytest.param("dbt_utils.recency", {"datepart": "month", "field": "d", "interval": 1}, "counts days or hours", id="month-recency"),
    pytest.param("dbt_expectations.expect_column_values_to_match_regex", {"regex": "a", "flags": "s"}, "only `i`", id="other-flags"),
    pytest.param("dbt_utils.expression_is_true", {"expression": "a > 0", "condition": "x"}, "`condition`", id="unknown-argument"),
    pytest.param("dbt_expectations.expect_column_pair_values_to_be_equal", {"column_A": "a b", "column_B": "c"}, "not a plain column name", id="odd-name"),
    pytest.param("dbt_utils.no_such_test", {}, "not a test of dbt-utils 1.x or dbt-expectations", id="unknown-test"),
])
def test_what_cannot_keep_its_meaning_is_refused_with_the_reason(test, args, reason):
    with pytest.raises(Untranslatable, match=None) as err:
        translate(test, args, "column", "col")
    assert reason in str(err.value)


def test_every_documented_test_has_a_rule_and_a_row_in_the_migration_table():
    table = (REPO / "docs" / "migration.md").read_text(encoding="utf-8")
    for name in migrate.RULES:
        assert f"`{name.split('.', 1)[1]}`" in table, name


def test_two_tests_that_become_one_are_not_both_rewritten(tmp_path):
    """dbt rejects two tests of one name: the second stays as it was, with the reason."""
    path = tmp_path / "schema.yml"
    path.write_text("models:\n  - name: m\n    data_tests:\n"
                    "      - dbt_utils.equal_rowcount: {compare_model: ref('x')}\n"
                    "      - dbt_expectations.expect_table_row_count_to_equal_other_table: {compare_model: ref('x')}\n")
    result = _cli("--write", str(path))
    assert path.read_text() == ("models:\n  - name: m\n    data_tests:\n"
                                "      - strataqc.row_count_ratio: {compare_model: ref('x')}\n"
                                "      - dbt_expectations.expect_table_row_count_to_equal_other_table: {compare_model: ref('x')}\n")
    assert "same arguments as another test there" in result.stderr and "1 left as they are" in result.stderr
