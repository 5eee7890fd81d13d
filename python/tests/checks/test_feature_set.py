"""Feature-set checks, each proven both ways on small DuckDB tables, statistics against numpy/pandas."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd
import pytest
import sqlglot
from sqlglot import exp

from strataqc.checks import feature_set, stats
from strataqc.checks.config import build_spec, column
from strataqc.checks.feature_set import run_feature_set_checks, spelling_groups
from strataqc.results import CheckType, Status
from strataqc.warehouse import Target, Warehouse, quote, writer

RNG_SEED = 7


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    path = tmp_path_factory.mktemp("feature_set") / "fixture.duckdb"
    with Warehouse(Target("strataqc", "test", "duckdb", {"path": str(path)})) as warehouse:
        yield warehouse


_tables = itertools.count()


def run(wh, frame: pd.DataFrame, check: str, block: dict | None = None, column_name: str | None = None):
    """Load `frame` as a fresh table, run one check with `block`, return its records (by column if given)."""
    name = f"t{next(_tables)}"
    wh._conn.conn.register("frame", frame)
    wh.execute(f"create table {name} as select * from frame")
    wh._conn.conn.unregister("frame")
    spec, errors = build_spec(name, f'"main"."{name}"', "ads", block or {}, wh)
    assert errors == [], [e.message for e in errors]
    spec = dataclasses.replace(spec, checks={check: spec.checks[check]})
    records = run_feature_set_checks(wh, spec)
    assert all(r.check == check and r.check_type == CheckType.FEATURE_SET and r.layer == "ads" for r in records)
    if column_name is not None:
        records = [r for r in records if r.column == column_name]
        assert len(records) == 1, records
        return records[0]
    return records


def rng():
    return np.random.default_rng(RNG_SEED)


# ------------------------------------------------------------------ single_value

def test_single_value_both_ways(wh):
    frame = pd.DataFrame({"id": range(6), "varied": [1, 2, 1, 2, 1, 2], "constant": [7, 7, None, 7, 7, None]})
    records = {r.column: r for r in run(wh, frame, "single_value", {"ids": ["id"]})}
    assert records["varied"].status == Status.PASS
    assert records["constant"].status == Status.FAIL
    assert records["constant"].message == "constant has a single value (7) in all 4 non-NULL rows: drop it"
    assert records["constant"].failures == 4


def test_single_value_all_null_column_has_nothing_to_check(wh):
    frame = pd.DataFrame({"id": [1, 2], "empty": pd.Series([None, None], dtype="float64")})
    record = run(wh, frame, "single_value", {"ids": ["id"]}, "empty")
    assert record.status == Status.FAIL and "empty is NULL in every row: nothing to check" in record.message
    allowed = run(wh, frame, "single_value", {"ids": ["id"], "allow_empty": True}, "empty")
    assert allowed.status == Status.SKIP


def test_empty_table_fails_every_check_with_nothing_to_check(wh):
    frame = pd.DataFrame({"id": pd.Series([], dtype="int64"), "x": pd.Series([], dtype="float64")})
    for check in feature_set.CHECKS:
        records = run(wh, frame, check, {"ids": ["id"]})
        # feature_collinearity fails at warn severity by default
        assert [r.status for r in records] == [Status.WARN if check == "feature_collinearity" else Status.FAIL]
        assert "has no rows: nothing to check" in records[0].message
    allowed = run(wh, frame, "missing_values", {"ids": ["id"], "checks": {"missing_values": {"allow_empty": True}}})
    assert [r.status for r in allowed] == [Status.SKIP]


# ------------------------------------------------------------------ missing_values

@pytest.mark.parametrize(("missing", "status"), [
    pytest.param(5, Status.PASS, id="at-limit-passes"),
    pytest.param(6, Status.FAIL, id="over-limit-fails"),
])
def test_missing_values_limit_is_strict_and_counts_null_nan_and_blank(wh, missing, status):
    frame = pd.DataFrame({"id": range(100), "price": [1.0] * 100, "label": ["a"] * 100})
    name = f"missing_{missing}"
    wh._conn.conn.register("frame", frame)
    wh.execute(f"create table {name} as select * from frame")
    # NaN made in SQL: pandas would hand DuckDB a NaN as NULL
    wh.execute(f"update {name} set price = case when id % 2 = 1 then null else 'nan'::double end, "
               f"label = case when id % 2 = 1 then null else '  ' end where id < {missing}")
    spec, _ = build_spec(name, f'"main"."{name}"', "ads", {"ids": ["id"]}, wh)
    spec = dataclasses.replace(spec, checks={"missing_values": spec.checks["missing_values"]})
    records = {r.column: r for r in run_feature_set_checks(wh, spec)}
    for name in ("price", "label"):
        record = records[name]
        assert (record.status, record.observed, record.threshold, record.failures) == \
            (status, missing / 100, 0.05, missing)
        assert record.message.startswith(f"{name}: {missing / 100:.1%} missing")
    nulls, odd = missing // 2, missing - missing // 2
    assert f"NULL {nulls}, NaN {odd} of 100 rows" in records["price"].message
    assert f"NULL {nulls}, blank {odd} of 100 rows" in records["label"].message
    if status == Status.FAIL:  # the report gets the failing rows with their ids
        sample = records["price"].details["sample"]
        assert len(sample) == missing and {row["id"] for row in sample} == set(range(missing))
        assert all(row["price"] is None for row in sample)  # NaN made JSON-safe
        assert {row["label"] for row in records["label"].details["sample"]} == {None, "  "}


# ------------------------------------------------------------------ similar_strings

def test_similar_strings_passes_distinct_names_and_numbered_codes(wh):
    frame = pd.DataFrame({"category": ["Dairy", "Bakery", "Produce", "Frozen"] * 5,
                          "store": ["Store 1", "Store 2", "Store 3", "Store 11"] * 5})
    for name in ("category", "store"):
        record = run(wh, frame, "similar_strings", {}, name)
        assert record.status == Status.PASS, record.message
        assert record.observed == 0


def test_similar_strings_fails_case_blank_punctuation_and_plural_variants(wh):
    frame = pd.DataFrame({"category": ["Dairy"] * 5 + ["dairy "] * 2 + ["Dairy-"] + ["Beverages"] * 4 +
                                      ["Beverage"] * 2 + ["Bakery"] * 3})
    record = run(wh, frame, "similar_strings", {}, "category")
    assert record.status == Status.FAIL
    assert (record.observed, record.threshold, record.failures) == (2, 0, 3 + 2)
    assert record.message == ("category: 2 group(s) of near-duplicate spellings: 'Dairy' (5) / 'dairy ' (2) / "
                              "'Dairy-' (1); 'Beverages' (4) / 'Beverage' (2); standardise them upstream")
    assert record.details["table"]["rows"][:2] == [[1, "Dairy", 5], [1, "dairy ", 2]]


def test_similar_strings_threshold_from_config(wh):
    frame = pd.DataFrame({"category": ["Beverages", "Beverage", "Dairy"]})
    strict = run(wh, frame, "similar_strings", {"checks": {"similar_strings": {"min_similarity": 0.99}}},
                 "category")
    assert strict.status == Status.PASS
    tolerant = run(wh, frame, "similar_strings", {"checks": {"similar_strings": {"max_groups": 1}}}, "category")
    assert tolerant.status == Status.PASS and tolerant.observed == 1


def test_spelling_groups_keeps_codes_and_non_ascii_apart():
    values = [("SKU0000001", 5, "sku0000001"), ("SKU0000002", 5, "sku0000002"),
              ("日本", 3, "日本"), ("中国", 3, "中国"), ("!!", 1, ""), ("??", 1, "")]
    assert spelling_groups(values, 0.9) == []


# ------------------------------------------------------------------ duplicate_rows

def test_duplicate_rows_passes_unique_rows(wh):
    frame = pd.DataFrame({"a": [1, 1, 2], "b": ["x", "y", "x"]})
    [record] = run(wh, frame, "duplicate_rows")
    assert (record.status, record.failures, record.observed) == (Status.PASS, 0, 0.0)


def test_duplicate_rows_fails_repeated_rows_with_nulls(wh):
    frame = pd.DataFrame({"a": [1, 1, 1, 2, 3], "b": [None, None, None, "x", "y"]})
    [record] = run(wh, frame, "duplicate_rows")
    assert (record.status, record.failures, record.observed) == (Status.FAIL, 2, 0.4)
    assert record.message.startswith("2 duplicate rows (40.00%) in 1 groups over all columns")
    assert record.details["sample"] == [{"a": 1, "b": None, "occurrences": 3}]


def test_duplicate_rows_over_chosen_columns_and_ratio(wh):
    frame = pd.DataFrame({"key": [1, 1, 2, 3], "value": [1.0, 2.0, 3.0, 4.0]})
    assert run(wh, frame, "duplicate_rows")[0].status == Status.PASS
    block = {"checks": {"duplicate_rows": {"columns": ["key"]}}}
    assert run(wh, frame, "duplicate_rows", block)[0].status == Status.FAIL
    block["checks"]["duplicate_rows"]["max_ratio"] = 0.25  # 1 of 4 rows: at the limit passes
    assert run(wh, frame, "duplicate_rows", block)[0].status == Status.PASS
    excluded = run(wh, frame, "duplicate_rows", {"checks": {"duplicate_rows": {"exclude": ["value"]}}})
    assert excluded[0].status == Status.FAIL and "over key" in excluded[0].message


# ------------------------------------------------------------------ duplicate_columns

def test_duplicate_columns_both_ways(wh):
    x = rng().normal(size=50)
    frame = pd.DataFrame({"x": x, "x_rounded": np.round(x, 1), "label": ["a", "b"] * 25})
    [record] = run(wh, frame, "duplicate_columns")
    assert (record.status, record.observed) == (Status.PASS, 0)
    frame["x_copy"] = frame["x"]
    frame.loc[[3, 9], ["x", "x_copy"]] = None  # NULL in both at the same rows still equal
    frame["label_copy"] = frame["label"]
    [record] = run(wh, frame, "duplicate_columns")
    assert (record.status, record.observed, record.column) == (Status.FAIL, 2, "x = x_copy, label = label_copy")
    assert record.details["table"]["rows"] == [["x", "x_copy"], ["label", "label_copy"]]


# ------------------------------------------------------------------ target_correlation

def leak_frame(n=400):
    r = rng()
    past = r.normal(size=n)
    y = 0.6 * past + r.normal(size=n)
    return pd.DataFrame({"id": range(n), "past": past, "noise": r.normal(size=n), "y": y,
                         "split": np.where(np.arange(n) < 300, "train", "predict")})


def test_target_correlation_passes_honest_features(wh):
    frame = leak_frame()
    block = {"target": "y", "ids": ["id"], "split": {"column": "split", "reference": "train", "current": "predict"}}
    records = {r.column: r for r in run(wh, frame, "target_correlation", block)}
    assert {c: r.status for c, r in records.items()} == {"past": Status.PASS, "noise": Status.PASS}
    train = frame[frame.split == "train"]
    assert records["past"].observed == pytest.approx(abs(np.corrcoef(train.past, train.y)[0, 1]), abs=1e-9)


def test_target_correlation_fails_a_feature_almost_equal_to_the_target(wh):
    frame = leak_frame()
    # r ~0.985: over the correlation limit, below the R² limit of the linear-identity test
    frame["leak"] = frame["y"] * 2 + np.random.default_rng(99).normal(scale=0.4, size=len(frame))
    record = run(wh, frame, "target_correlation", {"target": "y", "ids": ["id"]}, "leak")
    assert record.status == Status.FAIL and record.observed > 0.97, record.message
    assert record.message.startswith("leak predicts the target y too well: Pearson r 0.98")


def test_target_correlation_fails_a_leak_that_completes_a_linear_identity(wh):
    # like a centred window: half honest past, half the target itself; alone r is only ~0.9
    frame = leak_frame()
    frame["centred"] = (frame["past"] + frame["y"]) / 2
    frame["constant"] = 1.0  # a column without correlations must not hide the others
    records = {r.column: r for r in run(wh, frame, "target_correlation", {"target": "y", "ids": ["id"]})}
    assert abs(np.corrcoef(frame.centred, frame.y)[0, 1]) < 0.97
    leak = records["centred"]
    assert leak.status == Status.FAIL and leak.observed == pytest.approx(1.0)
    assert leak.message.startswith("centred leaks the target y: with it the numeric features explain R² 1.000")
    # y = 2 centred - past: past completes the identity, so it is named beside the leak
    assert records["past"].status == Status.FAIL and "completes the identity with centred" in records["past"].message
    assert "completes the identity with past" in leak.message and leak.details["identity"] == ["centred", "past"]
    assert records["noise"].status == Status.PASS


def test_target_correlation_names_every_feature_completing_the_identity(wh):
    # gain = dep_delay - arr_delay: without gain, dep_delay explains only part of arr_delay, and
    # without dep_delay, gain neither; dropping one flagged column must not leave the leak behind
    r = rng()
    n = 400
    dep = r.gamma(2.0, 10.0, size=n)
    arr = 0.5 * dep + r.normal(scale=10.0, size=n)
    frame = pd.DataFrame({"id": range(n), "dep_delay": dep, "gain": dep - arr, "distance": r.normal(size=n),
                          "arr_delay": arr})
    records = {c.column: c for c in run(wh, frame, "target_correlation", {"target": "arr_delay", "ids": ["id"]})}
    assert {c: rec.status for c, rec in records.items()} == {
        "dep_delay": Status.FAIL, "gain": Status.FAIL, "distance": Status.PASS}
    for name in ("dep_delay", "gain"):
        others = [c for c in ("dep_delay", "gain", "distance") if c != name]
        x = np.column_stack([frame[others].to_numpy(), np.ones(n)])
        fit = np.linalg.lstsq(x, arr, rcond=None)[0]
        without = 1 - np.sum((arr - x @ fit) ** 2) / np.sum((arr - arr.mean()) ** 2)
        alone = np.corrcoef(frame[name], arr)[0, 1]
        message = records[name].message
        assert message.startswith(f"{name} leaks the target arr_delay: with it the numeric features explain R² 1.000")
        assert f"without it {without:.3f}" in message and f"alone Pearson r {alone:.3f}" in message
        assert "completes the identity with " + ("gain" if name == "dep_delay" else "dep_delay") in message


def test_target_correlation_fails_a_category_that_encodes_the_target(wh):
    frame = leak_frame()
    frame["bucket"] = pd.cut(frame["y"], bins=200, labels=False).astype(str)
    frame["region"] = np.where(np.arange(len(frame)) % 2, "N", "S")
    records = {r.column: r for r in run(wh, frame, "target_correlation", {"target": "y", "ids": ["id"]})}
    assert records["bucket"].status == Status.FAIL, records["bucket"].message
    assert records["bucket"].observed > 0.99
    assert records["bucket"].message.startswith("bucket predicts the target y too well: correlation ratio")
    assert records["region"].status == Status.PASS
    # η against pandas: sqrt(between-group / total sum of squares)
    means = frame.groupby("region")["y"].transform("mean")
    eta = np.sqrt(((means - frame.y.mean()) ** 2).sum() / ((frame.y - frame.y.mean()) ** 2).sum())
    assert records["region"].observed == pytest.approx(eta, abs=1e-9)


def test_target_correlation_without_target_skips_with_the_fix(wh):
    [record] = run(wh, leak_frame(), "target_correlation", {"ids": ["id"]})
    assert record.status == Status.SKIP and "add target: <column>" in record.message


# ------------------------------------------------------------------ feature_collinearity

def test_feature_collinearity_both_ways(wh):
    r = rng()
    frame = pd.DataFrame({"a": r.normal(size=200), "b": r.normal(size=200)})
    [record] = run(wh, frame, "feature_collinearity")
    assert record.status == Status.PASS
    assert record.observed == pytest.approx(abs(np.corrcoef(frame.a, frame.b)[0, 1]), abs=1e-9)
    frame["a_scaled"] = frame["a"] * 3 + r.normal(scale=0.01, size=200)
    [record] = run(wh, frame, "feature_collinearity")
    assert (record.status, record.column, record.failures) == (Status.WARN, "a ~ a_scaled", 1)
    assert record.details["table"]["rows"][0][:2] == ["a", "a_scaled"]
    [record] = run(wh, frame, "feature_collinearity", {"checks": {"feature_collinearity": {"severity": "error"}}})
    assert record.status == Status.FAIL


def test_correlations_ignore_nan_and_inf_and_match_numpy(wh):
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, float("nan"), 6.0, float("inf")],
                          "b": [2.0, 1.0, 4.0, 3.0, 5.0, 7.0, 1.0]})
    wh._conn.conn.register("frame", frame)
    wh.execute("create or replace table corr_case as select * from frame")
    got = stats.correlations(wh, sqlglot.exp.to_table('"main"."corr_case"'), [("a", "b")])[("a", "b")]
    keep = np.isfinite(frame.a)
    assert got == pytest.approx(np.corrcoef(frame.a[keep], frame.b[keep])[0, 1], abs=1e-12)
    q = stats.quantiles(wh, sqlglot.exp.to_table('"main"."corr_case"'), "a", [0.25, 0.5])
    assert q == pytest.approx(np.quantile(frame.a[keep], [0.25, 0.5]).tolist())


# ------------------------------------------------------------------ categorical_levels

def test_categorical_levels_both_ways(wh):
    frame = pd.DataFrame({"code": [f"c{i}" for i in range(10)] * 2, "region": ["N", "S"] * 10})
    block = {"checks": {"categorical_levels": {"max_levels": 5}}}
    records = {r.column: r for r in run(wh, frame, "categorical_levels", block)}
    assert (records["region"].status, records["region"].observed) == (Status.PASS, 2)
    assert (records["code"].status, records["code"].observed) == (Status.FAIL, 10)
    assert records["code"].message.startswith("code has 10 levels, more than 5")


# ------------------------------------------------------------------ class_imbalance

def test_class_imbalance_both_ways_on_a_categorical_target(wh):
    balanced = pd.DataFrame({"x": range(100), "label": ["yes", "no"] * 50})
    record = run(wh, balanced, "class_imbalance", {"target": "label"}, "label")
    assert (record.status, record.observed) == (Status.PASS, 1.0)
    skewed = pd.DataFrame({"x": range(100), "label": ["yes"] * 95 + ["no"] * 5})
    record = run(wh, skewed, "class_imbalance", {"target": "label"}, "label")
    assert record.status == Status.FAIL and record.observed == pytest.approx(5 / 95)
    assert record.message.startswith("label: smallest class 'no' has 5 rows, 5.3% of the largest (95)")
    assert record.details["table"]["rows"] == [["yes", 95, 0.95], ["no", 5, 0.05]]


def test_class_imbalance_counts_the_reference_set_only(wh):
    frame = pd.DataFrame({"label": ["a"] * 50 + ["b"] * 50 + ["a"] * 100,
                          "split": ["train"] * 100 + ["predict"] * 100})
    block = {"target": "label", "split": {"column": "split", "reference": "train", "current": "predict"}}
    assert run(wh, frame, "class_imbalance", block, "label").status == Status.PASS


def test_class_imbalance_on_a_binned_numeric_target(wh):
    y = np.concatenate([np.linspace(0, 9, 90), np.linspace(100, 110, 10)])
    frame = pd.DataFrame({"x": range(100), "y": y})
    skipped = run(wh, frame, "class_imbalance", {"target": "y"}, "y")
    assert skipped.status == Status.SKIP and "give class_imbalance: {bins: [edges]}" in skipped.message
    edges = {"target": "y", "checks": {"class_imbalance": {"bins": [50]}}}
    record = run(wh, frame, "class_imbalance", edges, "y")
    assert record.status == Status.PASS and record.observed == pytest.approx(10 / 90)
    edges["checks"]["class_imbalance"]["min_ratio"] = 0.2
    record = run(wh, frame, "class_imbalance", edges, "y")
    assert record.status == Status.FAIL and "smallest bin '>= 50' has 10 rows" in record.message
    widths = run(wh, frame, "class_imbalance", {"target": "y", "checks": {"class_imbalance": {"bins": 2}}}, "y")
    assert widths.status == Status.PASS and widths.observed == pytest.approx(10 / 90)


# ------------------------------------------------------------------ robustness

HOSTILE = ['a"b', "x; drop table victim; --", "--c", "it's", "/* c */"]


def test_hostile_column_names_are_single_identifiers_in_every_check(wh):
    wh.execute("create or replace table victim as select 1 as keep")
    r = rng()
    x = r.normal(size=60)
    frame = pd.DataFrame({HOSTILE[0]: x, HOSTILE[1]: ["Dairy", "dairy "] * 30, HOSTILE[2]: x,
                          HOSTILE[3]: [1.0] * 60, HOSTILE[4]: x * 2 + r.normal(size=60)})
    name = "hostile_features"
    wh._conn.conn.register("frame", frame)
    wh.execute(f"create or replace table {name} as select * from frame")
    spec, errors = build_spec(name, f'"main"."{name}"', "ads", {"target": HOSTILE[4]}, wh)
    assert errors == []
    by_check = {}
    for record in run_feature_set_checks(wh, spec):
        by_check.setdefault(record.check, {})[record.column] = record
    assert not [r for checks in by_check.values() for r in checks.values() if r.status == Status.ERROR]
    assert by_check["similar_strings"][HOSTILE[1]].status == Status.FAIL
    assert by_check["single_value"][HOSTILE[3]].status == Status.FAIL
    assert by_check["duplicate_columns"][f"{HOSTILE[0]} = {HOSTILE[2]}"].status == Status.FAIL
    assert wh.query("select keep from victim")["keep"].tolist() == [1]
    # rendered for every engine, each name stays one quoted identifier
    query = stats._select(spec.table, [column(c) for c in HOSTILE], None)
    for dialect in ("duckdb", "postgres", "spark"):
        parsed = sqlglot.parse_one(query.sql(dialect), read=dialect)
        assert [c.name for c in parsed.find_all(exp.Column)] == HOSTILE


@pytest.mark.parametrize("dialect", ["postgres", "spark"])
def test_statistics_sql_transpiles_without_duckdb_only_functions(dialect):
    table = sqlglot.exp.to_table('"db"."ads"."t"')
    col = column("price")
    queries = [
        stats._select(table, [stats.count_if(stats.is_nan(col)), stats.finite(col)], None),
        stats._select(table, [stats.fn("QUANTILE_CONT", stats.finite(col), exp.Literal.number(0.5))], None),
        stats._select(table, [stats.normalised(col)], None),
        stats._select(table, [exp.Not(this=exp.NullSafeEQ(this=column("a"), expression=column("b")))], None),
    ]
    for query in queries:
        sql = query.sql(dialect=writer(dialect))   # as Warehouse.to_dialect renders it
        # Spark has isnan(); no engine but DuckDB has isfinite(), and none has is_nan()/is_inf()
        assert "QUANTILE_CONT" not in sql.upper() and "ISFINITE" not in sql.upper()
        assert "IS_NAN" not in sql.upper() and "IS_INF" not in sql.upper()
        sqlglot.parse_one(sql, read=dialect)
    first = queries[0].sql(dialect=writer(dialect)).upper()
    assert ("ISNAN(" in first) == (dialect == "spark")


def test_nan_test_on_duckdb_is_neither_finite_nor_infinite():
    # isnan(x) and x = 'NaN' are folded away from Parquet statistics (duckdb#25521)
    sql = stats.is_nan(column("price")).sql(dialect=writer("duckdb"))
    assert sql == '(NOT ISFINITE(CAST("price" AS DOUBLE)) AND NOT ISINF(CAST("price" AS DOUBLE)))'


def test_a_check_that_raises_is_one_error_record_and_the_others_run(wh, monkeypatch):
    def broken(ctx, params):
        raise RuntimeError("boom")

    monkeypatch.setitem(feature_set.CHECKS, "single_value", broken)
    frame = pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, None], "label": ["a", "b"]})
    wh._conn.conn.register("frame", frame)
    wh.execute("create or replace table broken_case as select * from frame")
    spec, _ = build_spec("broken_case", '"main"."broken_case"', "ads", {"target": "x"}, wh)
    records = run_feature_set_checks(wh, spec)
    errors = [r for r in records if r.status == Status.ERROR]
    assert [(r.check, r.message) for r in errors] == [
        ("single_value", "single_value on broken_case could not run: RuntimeError: boom")]
    assert {r.check for r in records} == set(feature_set.CHECKS)
    assert all(r.duration_s is not None for r in records)


def test_records_are_json_safe(wh):
    frame = pd.DataFrame({"id": [1, 2, 3], "price": [float("nan"), float("nan"), 1.0],
                          "day": pd.to_datetime(["2024-01-01"] * 3)})
    [record] = [r for r in run(wh, frame, "missing_values", {"ids": ["id"]}) if r.column == "price"]
    import json
    json.dumps(record.details, allow_nan=False)
    json.dumps(record.record(), allow_nan=False)
    assert quote('a"b') == '"a""b"'


def test_exclude_leaves_columns_out_of_a_check(wh):
    frame = pd.DataFrame({"id": range(10), "lag": [None] * 5 + [1.0] * 5, "lag_copy": [None] * 5 + [1.0] * 5})
    block = {"ids": ["id"], "checks": {"missing_values": {"exclude": ["lag"]}}}
    assert [r.column for r in run(wh, frame, "missing_values", block)] == ["lag_copy"]
    block = {"ids": ["id"], "checks": {"duplicate_columns": {"exclude": ["lag_copy"]}}}
    assert run(wh, frame, "duplicate_columns", block)[0].status == Status.PASS


def test_target_correlation_on_a_categorical_target(wh):
    r = rng()
    label = r.choice(["a", "b", "c"], size=300)
    frame = pd.DataFrame({"label": label, "copy_of_label": np.char.upper(label.astype(str)),
                          "colour": r.choice(["red", "blue"], size=300), "noise": r.normal(size=300),
                          "encoded": pd.Series(label).map({"a": 0.0, "b": 5.0, "c": 9.0}) + r.normal(scale=0.01,
                                                                                                    size=300)})
    records = {c.column: c for c in run(wh, frame, "target_correlation", {"target": "label"})}
    assert records["copy_of_label"].status == Status.FAIL
    assert records["copy_of_label"].message.startswith("copy_of_label predicts the target label too well: Cramér's V")
    assert records["encoded"].status == Status.FAIL and "correlation ratio" in records["encoded"].message
    assert records["colour"].status == Status.PASS and records["noise"].status == Status.PASS
    from scipy.stats.contingency import association
    expected = association(pd.crosstab(frame.colour, frame.label).to_numpy(), method="cramer")
    assert records["colour"].observed == pytest.approx(expected, abs=1e-12)


def test_correlation_matrix_matches_numpy_with_missing_values_and_a_large_offset(wh):
    r = rng()
    base = r.normal(size=500)
    frame = pd.DataFrame({"a": 1e9 + base, "b": base * 0.5 + r.normal(size=500), "c": r.normal(size=500),
                          "k": 3.0})
    frame.loc[[1, 7], "b"] = None
    wh._conn.conn.register("frame", frame)
    wh.execute("create or replace table matrix_case as select * from frame")
    wh.execute("update matrix_case set c = 'nan'::double where rowid = 3")
    wh.execute("update matrix_case set a = 'inf'::double where rowid = 4")
    rows, matrix = stats.correlation_matrix(wh, exp.to_table('"main"."matrix_case"'), ["a", "b", "c", "k"])
    keep = ~frame.index.isin([1, 7, 3, 4])
    assert rows == keep.sum()
    expected = np.corrcoef(frame.loc[keep, ["a", "b", "c"]].to_numpy().T)
    assert np.allclose(matrix[:3, :3], expected, atol=1e-9)
    assert np.isnan(matrix[3]).all()  # a constant column has no correlation


def test_linear_identity_r2_matches_sklearn(wh):
    from sklearn.linear_model import LinearRegression

    frame = leak_frame()
    frame["mixed"] = 0.3 * frame["past"] + 0.3 * frame["y"] + np.random.default_rng(5).normal(size=len(frame))
    train = frame[frame.split == "train"]
    x = train[["past", "noise", "mixed"]]
    expected = LinearRegression().fit(x, train.y).score(x, train.y)
    block = {"target": "y", "ids": ["id"], "split": {"column": "split", "reference": "train", "current": "predict"},
             "checks": {"target_correlation": {"max_r2": expected - 0.01}}}
    flagged = [r for r in run(wh, frame, "target_correlation", block) if "leaks the target" in r.message]
    # just under the limit, dropping either past or mixed is enough: both are named
    assert {r.column for r in flagged} == {"past", "mixed"}
    assert all(r.observed == pytest.approx(expected, abs=1e-9) for r in flagged)
