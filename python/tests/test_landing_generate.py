"""The landing-zone generator: same arguments, same bytes; every DESIGN §2 defect planted and counted."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.csv as pacsv
import pytest
from typer.testing import CliRunner

from strataqc.cli import app
from strataqc.landing.generate import BAD_DATES, BAD_UNITS, SALES_COLUMNS, generate

ROWS = 3000

# DESIGN §2: every defect the sample data must carry -> the manifest kinds that plant it
DESIGN_DEFECTS = {
    "duplicate keys": ["duplicate_lines"],
    "missing dates": ["missing_series_days", "missing_store_day"],
    "NaN and ±inf": ["units_nan_inf", "unit_price_nan_inf"],
    "negative quantities": ["negative_units"],
    "empty strings": ["empty_strings", "units_empty", "unit_price_empty"],
    "special characters": ["special_characters"],
    "messy category spellings": ["messy_category_spellings", "category_spelling_survives"],
    "drifted prediction window": ["drifted_window"],
    "new category": ["new_category"],
}


def digest(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("landing")
    return out, generate(out, rows=ROWS, seed=7)


def read_sales(out: Path) -> list[dict]:
    rows = []
    options = pacsv.ConvertOptions(column_types={c: "string" for c in SALES_COLUMNS}, strings_can_be_null=False)
    for path in sorted((out / "pos_sales").glob("*.csv")):
        # the planted trailer lines are not CSV records of the table: cut them off here
        text = b"".join(line for line in path.read_bytes().splitlines(keepends=True)
                        if not line.startswith(b"TRAILER") and b"S9999" not in line)
        table = pacsv.read_csv(__import__("io").BytesIO(text), convert_options=options)
        rows += [{**r, "_file": path.name} for r in table.to_pylist()]
    return rows


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path, landing):
    out, _ = landing
    again = generate(tmp_path / "again", rows=ROWS, seed=7)
    assert digest(tmp_path / "again") == digest(out)
    assert again == json.loads((out / "manifest.json").read_text())
    generate(tmp_path / "other", rows=ROWS, seed=8)
    assert digest(tmp_path / "other") != digest(out)


def test_regenerating_into_the_same_folder_leaves_no_stale_day(tmp_path):
    generate(tmp_path, rows=3000, seed=1, days=60)
    manifest = generate(tmp_path, rows=3000, seed=1, days=45)
    assert len(list((tmp_path / "pos_sales").glob("*.csv"))) == manifest["generator"]["days"] == 45


def test_extend_appends_days_and_leaves_earlier_days_alone(tmp_path):
    generate(tmp_path / "a", rows=2000, seed=3, days=50)
    before = digest(tmp_path / "a")
    generate(tmp_path / "a", rows=2000, seed=3, extend_days=1)
    once = generate(tmp_path / "a", rows=2000, seed=3, extend_days=1)
    generate(tmp_path / "b", rows=2000, seed=3, days=50)
    twice = generate(tmp_path / "b", rows=2000, seed=3, extend_days=2)
    after = digest(tmp_path / "a")
    assert after == digest(tmp_path / "b") and once == twice  # one night at a time = two nights at once
    assert {k: v for k, v in after.items() if k in before and k != "manifest.json"} == \
        {k: v for k, v in before.items() if k != "manifest.json"}
    assert sorted(set(after) - set(before)) == ["pos_sales/pos_sales_2026-02-24.csv", "pos_sales/pos_sales_2026-02-25.csv"]
    assert once["generator"]["days"] == 52 and once["generator"]["end_date"] == "2026-02-25"
    assert once["totals"]["lines"] == sum(once["files"].values())


@pytest.mark.parametrize("design_name", list(DESIGN_DEFECTS))
def test_every_design_defect_is_in_the_manifest_with_counts(landing, design_name):
    _, manifest = landing
    defects = {d["kind"]: d for d in manifest["defects"]}
    for kind in DESIGN_DEFECTS[design_name]:
        entry = defects[kind]
        assert entry["rows"] > 0, kind
        assert entry["model"] and entry["layer"] in {"landing", "ods", "dwd", "dws", "ads"}
        assert entry["description"] and entry["handling"]
        if entry["files"]:
            assert sum(entry["files"].values()) == entry["rows"]


def test_manifest_counts_match_the_files(landing):
    out, manifest = landing
    rows = read_sales(out)
    defects = {d["kind"]: d for d in manifest["defects"]}
    assert manifest["rows"]["pos_sales"] == sum(manifest["files"].values())
    assert len(rows) == manifest["totals"]["loaded"] == manifest["expected"]["landing.pos_sales"]
    assert manifest["totals"]["lines"] - manifest["totals"]["loaded"] == defects["load_rejects"]["rows"] == 2

    ids = [r["line_id"] for r in rows]
    assert len(ids) - len(set(ids)) == defects["duplicate_lines"]["rows"]
    first = {}
    for r in rows:
        first.setdefault(r["line_id"], r)
    lines = list(first.values())
    units = [r["units"] for r in lines]
    prices = [r["unit_price"] for r in lines]
    assert sum(u in ("NaN", "inf", "-inf") for u in units) == defects["units_nan_inf"]["rows"]
    assert sum(u in BAD_UNITS for u in units) == defects["units_not_a_number"]["rows"]
    assert sum(u == "" for u in units) == defects["units_empty"]["rows"]
    assert sum(u.startswith("-") and u != "-inf" for u in units) == defects["negative_units"]["rows"]
    assert sum(p in ("NaN", "inf", "-inf") for p in prices) == defects["unit_price_nan_inf"]["rows"]
    assert sum(p == "" for p in prices) == defects["unit_price_empty"]["rows"]
    assert sum(r["sale_date"] in BAD_DATES for r in lines) == defects["unparseable_sale_date"]["rows"]
    # listed keys are the very lines
    by_id = {r["line_id"]: r for r in lines}
    assert all(by_id[k]["units"] in ("NaN", "inf", "-inf") for k in defects["units_nan_inf"]["keys"])
    assert all(by_id[k]["sale_date"] in BAD_DATES for k in defects["unparseable_sale_date"]["keys"])
    # the new category sells only in the drifted (prediction) window
    new_skus = set(manifest["ads"]["new_category_skus"])
    new_dates = {r["sale_date"] for r in lines if r["sku_id"] in new_skus}
    assert new_dates and min(new_dates) >= manifest["generator"]["new_category_launch_date"]
    assert sum(r["sku_id"] in new_skus for r in lines) == defects["new_category"]["rows"]


def test_master_files_carry_the_planted_text_defects(landing):
    out, _ = landing
    stores = (out / "erp_stores.csv").read_text(encoding="utf-8")
    skus = (out / "erp_skus.csv").read_text(encoding="utf-8")
    assert "\u00a0" in stores and "  Store 004 Munich " in stores
    assert "\"S0005\",\"\"," in stores  # the empty store name
    for needle in ("\u200b", "\x07", "\ufffd", " Apple juice "):
        assert needle in skus
    for spelling in ("\"dairy \"", "\" bakery\"", "\"Beverage\""):
        assert spelling in skus


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["--rows", "10"], "ask for at least 500 lines", id="too-few-rows"),
    pytest.param(["--rows", "5000", "--days", "20"], "give at least 42 days", id="too-few-days"),
    pytest.param(["--extend-days", "1"], "before extending it", id="extend-nothing"),
])
def test_generate_refuses_bad_arguments_with_a_clear_message(tmp_path, args, message):
    result = CliRunner().invoke(app, ["generate", "--out", str(tmp_path / "x"), *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
