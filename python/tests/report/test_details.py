"""The dashboard renders the Python checks' details: distributions, tables, sample rows (INTERFACES shapes)."""

from __future__ import annotations

import re

import pytest
from qc_report_support import make_run

from strataqc.report.html import MAX_BINS, MAX_DRIFT_PLOTS, MAX_TABLE_ROWS, dashboard_context, render_html
from strataqc.results import CheckResult, CheckType, Status

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"


def drift(column: str, kind: str, bins: list, reference: list, current: list, *, status=Status.FAIL,
          observed=0.4, **extra) -> CheckResult:
    return CheckResult(check="feature_drift", check_type=CheckType.DRIFT, status=status, model="ads_demand_features",
                       layer="ads", column=column, observed=observed, threshold=0.2, message=f"{column} drifted",
                       details={"distribution": {"column": column, "kind": kind, "bins": bins, "reference": reference,
                                                 "current": current}, **extra})


def with_records(*records: CheckResult):
    run = make_run("r-details", 0, [("unique_key", "dwd_sales", None, "pass", None, 0)])
    run.results += [r.replace(run_id=run.run_id, generated_at=run.generated_at) for r in records]
    return run


def drift_svgs(page: str) -> list[str]:
    return re.findall(r'<svg class="drift".*?</svg>', page, flags=re.S)


def test_a_distribution_becomes_one_plot_of_reference_and_current_shares():
    record = drift("unit_price", "numeric", ["[0, 5)", "[5, 10)", "[10, 20)"], [0.5, 0.3, 0.2], [0.1, 0.3, 0.6],
                   metrics={"psi": 0.412, "ks": 0.25, "note": "not a number"})
    page = render_html(with_records(record))
    [plot] = drift_svgs(page)
    bars = re.findall(r"<title>([^<]*)</title></rect>", plot)
    assert bars == ["[0, 5): reference 50.0%", "[0, 5): current 10.0%", "[5, 10): reference 30.0%",
                    "[5, 10): current 30.0%", "[10, 20): reference 20.0%", "[10, 20): current 60.0%"]
    drift_section = page[page.index('id="drift"'):page.index('id="checks"')]
    assert "feature_drift · ads_demand_features.unit_price · numeric" in drift_section
    assert "psi 0.412, ks 0.25" in drift_section and "not a number" not in drift_section


def test_counts_are_plotted_as_shares_so_unequal_sets_compare():
    record = drift("region", "categorical", ["north", "south"], [300, 100], [10, 30])
    [plot] = drift_svgs(render_html(with_records(record)))
    assert re.findall(r"<title>([^<]*)</title></rect>", plot) == [
        "north: reference 75.0%", "north: current 25.0%", "south: reference 25.0%", "south: current 75.0%"]


def test_category_labels_from_the_data_are_text_not_markup():
    record = drift("category", "categorical", [SCRIPT, "Beverage", "Ready Meals"], [0.5, 0.5, 0.0], [0.3, 0.3, 0.4],
                   sample=[{"store_id": "S1", "category": SCRIPT}])
    page = render_html(with_records(record))
    assert SCRIPT not in page and page.count("<script>") == 1  # the page's own filter script
    assert ESCAPED in drift_svgs(page)[0]
    assert f"<td>{ESCAPED}</td>" in page


@pytest.mark.parametrize(("kind", "first_labels", "last_label"), [
    pytest.param("categorical", ["c00", "c01"], "(other 51)", id="categories-keep-the-largest-and-pool-the-rest"),
    pytest.param("numeric", ["b00 … b02", "b03 … b05"], "b78 … b79", id="numeric-bins-merge-neighbours"),
])
def test_many_bins_are_pooled_so_the_page_stays_small(kind, first_labels, last_label):
    bins = [f"{'c' if kind == 'categorical' else 'b'}{i:02d}" for i in range(80)]
    reference = [80 - i for i in range(80)]  # the first levels are the largest
    record = drift("x", kind, bins, reference, list(reversed(reference)))
    [plot] = dashboard_context(with_records(record))["drift"]
    labels = re.findall(r"<title>([^:<]*): reference", str(plot["plot"]))
    assert len(labels) <= MAX_BINS and labels[:2] == first_labels and labels[-1] == last_label
    assert plot["pooled"] == len(labels) and plot["bins"] == 80
    shares = [float(s) for s in re.findall(r": reference ([\d.]+)%", str(plot["plot"]))]
    assert sum(shares) == pytest.approx(100, abs=0.1 * len(shares))  # nothing pooled away


def test_a_table_shows_its_title_columns_rows_and_caps_long_tables():
    rows = [[f"f{k}", k / 100, None] for k in range(MAX_TABLE_ROWS + 7)]
    record = CheckResult(check="error_attribution", check_type=CheckType.ATTRIBUTION, status=Status.WARN,
                         model="ads_demand_features", layer="ads", message="worst errors by segment",
                         details={"table": {"title": "Worst valid errors by <b>segment</b>",
                                            "columns": ["feature", "share", "note"], "rows": rows}})
    page = render_html(with_records(record))
    section = page[page.index('id="attribution"'):page.index('id="checks"')]
    assert "Worst valid errors by &lt;b&gt;segment&lt;/b&gt;" in section
    assert "<th>feature</th><th>share</th><th>note</th>" in section
    assert section.count("<tr><td>f") == MAX_TABLE_ROWS
    assert "<td>f3</td><td>0.03</td><td>∅</td>" in section
    assert "… 7 more rows in the JSON report" in section


def test_sample_rows_of_a_python_check_show_under_its_problem():
    record = CheckResult(check="missing_values", check_type=CheckType.FEATURE_SET, status=Status.FAIL,
                         model="ads_demand_features", layer="ads", column="unit_price", observed=0.12,
                         threshold=0.05, message="unit_price: 12.0% missing, limit 5.0%",
                         details={"sample": [{"store_id": "S1", "unit_price": None},
                                             {"store_id": "S2", "unit_price": None, "sku_id": 7}]})
    page = render_html(with_records(record))
    problem = page[page.index('id="problems"'):page.index('id="trend"')]
    assert "<th>store_id</th><th>unit_price</th><th>sku_id</th>" in problem
    assert "<td>S2</td><td>∅</td><td>7</td>" in problem


@pytest.mark.parametrize("details", [
    pytest.param({"distribution": {"column": "x", "bins": "a,b", "reference": [1], "current": [1]}}, id="bins-not-list"),
    pytest.param({"distribution": {"column": "x", "bins": [], "reference": [], "current": []}}, id="empty"),
    pytest.param({"distribution": {"column": "x", "bins": ["a"], "reference": [None], "current": ["NaN"]}},
                 id="no-numbers"),
    pytest.param({"table": {"title": "t", "rows": "oops"}}, id="rows-not-list"),
    pytest.param({"sample": "not rows", "metrics": ["psi"]}, id="sample-and-metrics-wrong-type"),
])
def test_malformed_details_never_break_the_page(details):
    record = CheckResult(check="odd", check_type=CheckType.DRIFT, status=Status.FAIL, model="m", layer="ads",
                         message="odd details", details=details)
    page = render_html(with_records(record))
    assert "odd details" in page and "</html>" in page


def test_drift_plots_are_capped_problems_first():
    records = [drift(f"f{i:03d}", "numeric", [f"b{k}" for k in range(10)], [1] * 10, [1 + k for k in range(10)],
                     status=Status.FAIL if i % 50 == 0 else Status.PASS, observed=i / 1000)
               for i in range(MAX_DRIFT_PLOTS + 40)]
    context = dashboard_context(with_records(*records))
    assert len(context["drift"]) == MAX_DRIFT_PLOTS and context["drift_more"] == 40
    assert [d["row"]["status"] for d in context["drift"][:3]] == ["fail", "fail", "fail"]
    assert "40 more distributions are in the JSON report" in render_html(with_records(*records))


def test_500_python_checks_with_big_details_stay_under_3_mb():
    records = []
    for i in range(500):
        details = {"distribution": {"column": f"f{i}", "kind": "categorical", "bins": [f"level {k}" for k in range(200)],
                                    "reference": [1.0] * 200, "current": [float(k) for k in range(200)]},
                   "metrics": {"psi": 0.3, "ks": 0.1},
                   "table": {"title": "summary", "columns": ["a", "b"], "rows": [["x" * 40, k] for k in range(50)]},
                   "sample": [{"id": k, "value": "y" * 200} for k in range(20)]}
        records.append(CheckResult(check="feature_drift", check_type=CheckType.DRIFT, status=Status.FAIL,
                                   model="ads_demand_features", layer="ads", column=f"f{i}", observed=0.3,
                                   message="drift", details=details))
    size = len(render_html(with_records(*records)).encode())
    assert size < 3_000_000, f"{size / 1e6:.2f} MB"


def test_the_json_schema_holds_the_details_shapes_both_ways():
    import json

    import jsonschema

    from strataqc.report.jsonout import SCHEMA_PATH, render_json

    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    good = drift("unit_price", "numeric", ["[0, 5)", "[5, 10)"], [0.5, 0.5], [0.2, None], metrics={"psi": 0.4},
                 sample=[{"id": 1}], table={"title": "t", "columns": ["a"], "rows": [[1]]})
    assert list(validator.iter_errors(json.loads(render_json(with_records(good))))) == []
    bad = drift("unit_price", "histogram", [0, 5], [0.5], [0.5], table={"rows": [[1]] * 51})
    doc = json.loads(render_json(with_records(bad)))
    errors = {(tuple(e.path)[-1], e.validator) for e in validator.iter_errors(doc)}
    assert errors == {("table", "required"), ("kind", "enum"), (0, "type"), (1, "type"), ("rows", "maxItems")}


def chunked(values: list, statuses: list, **chunks) -> CheckResult:
    rows = [{"chunk": f"2024-W{i + 10}", "value": v, "status": s} for i, (v, s) in enumerate(zip(values, statuses))]
    return drift("unit_price", "numeric", ["<= 1", "> 1"], [0.5, 0.5], [0.4, 0.6],
                 chunks={"column": "date_day", "size": "week", "metric": "psi", "warn": 0.1, "fail": 0.25,
                         "rows": rows, **chunks})


def test_drift_per_chunk_is_one_chart_of_its_value_against_both_thresholds():
    page = render_html(with_records(chunked([0.02, 0.03, 0.41], ["pass", "pass", "fail"])))
    [chart] = re.findall(r'<svg class="chunks".*?</svg>', page, flags=re.S)
    assert re.findall(r"<title>([^<]*)</title></circle>", chart) == [
        "2024-W10: psi 0.02 (pass)", "2024-W11: psi 0.03 (pass)", "2024-W12: psi 0.41 (fail)"]
    assert re.findall(r"<title>([^<]*)</title></line>", chart) == ["warn above 0.1", "fail above 0.25"]
    assert "ads_demand_features.unit_price · psi per week chunk" in page


@pytest.mark.parametrize("chunks", [
    pytest.param({"rows": "not a list"}, id="rows-not-a-list"),
    pytest.param({"warn": "x"}, id="threshold-not-a-number"),
    pytest.param({"rows": [{"chunk": "a", "value": None, "status": "skip"}]}, id="no-value"),
])
def test_a_malformed_chunk_table_draws_no_chart_and_breaks_nothing(chunks):
    page = render_html(with_records(chunked([0.02], ["pass"], **chunks)))
    assert '<svg class="chunks"' not in page and len(drift_svgs(page)) == 1
