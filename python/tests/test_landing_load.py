"""The loader: raw text with load metadata, each file once, unreadable lines quarantined with a
reason, and bad files stopped with an error naming the file and what to do (never a traceback)."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from strataqc.cli import app
from strataqc.landing import load as load_module
from strataqc.landing.generate import SALES_COLUMNS, generate
from strataqc.landing.load import load_landing
from strataqc.landing.preflight import LandingError
from strataqc.warehouse import Target, Warehouse

HEADER = ",".join(SALES_COLUMNS)
GOOD = "L{n},2026-03-01,S0001,K00001,1,2.50,0"
BAD_DAY = "pos_sales/pos_sales_2026-09-01.csv"


def open_wh(path: Path) -> Warehouse:
    return Warehouse(Target("strataqc", "duckdb", "duckdb", {"path": str(path)}))


@pytest.fixture()
def small_landing(tmp_path) -> tuple[Path, dict]:
    """A generated landing zone cut to its first five days (the load reject day is not among them)."""
    out = tmp_path / "landing"
    manifest = generate(out, rows=2000, seed=5, days=42)
    for path in sorted((out / "pos_sales").glob("*.csv"))[5:]:
        path.unlink()
    return out, manifest


def count(wh: Warehouse, sql: str) -> int:
    return int(wh.query(sql).iloc[0, 0])


def test_load_is_raw_text_with_metadata_and_each_file_once(tmp_path):
    out = tmp_path / "landing"
    manifest = generate(out, rows=2000, seed=5, days=42)
    with open_wh(tmp_path / "w.duckdb") as wh:
        first = load_landing(out, wh)
        again = load_landing(out, wh)
        assert first["landing.pos_sales"] == manifest["expected"]["landing.pos_sales"]
        assert first["landing._rejects"] == manifest["expected"]["landing._rejects"] == 2
        assert first["landing.erp_skus"] == manifest["rows"]["erp_skus"]
        assert again["landing.pos_sales"] == 0 and again["landing._rejects"] == 0  # nothing loaded twice
        assert count(wh, "select count(*) from landing.pos_sales") == manifest["expected"]["landing.pos_sales"]
        assert count(wh, "select count(*) from landing.erp_skus") == manifest["rows"]["erp_skus"]  # replaced
        types = set(wh.query("select data_type from information_schema.columns where table_schema = 'landing' "
                             "and table_name = 'pos_sales' and column_name in ('units', 'sale_date')")["data_type"])
        assert types == {"VARCHAR"}
        # an empty field lands as '' (text as delivered), not NULL
        assert count(wh, "select count(*) from landing.pos_sales where units = ''") == \
            next(d["rows"] for d in manifest["defects"] if d["kind"] == "units_empty")
        log = wh.query("select sum(rows_loaded) + sum(rows_rejected) as n from landing._load_log "
                       "where table_name = 'pos_sales'")
        assert int(log["n"].iloc[0]) == manifest["totals"]["lines"]


def test_planted_unreadable_lines_are_quarantined_with_reasons(tmp_path):
    out = tmp_path / "landing"
    manifest = generate(out, rows=2000, seed=5, days=42)
    with open_wh(tmp_path / "w.duckdb") as wh:
        load_landing(out, wh)
        rejects = wh.query("select source_file, line_number, error_type, reason, raw_line, lines "
                           "from landing._rejects order by line_number")
    planted = next(d for d in manifest["defects"] if d["kind"] == "load_rejects")
    assert list(rejects["source_file"]) == list(planted["files"]) * 2
    assert list(rejects["error_type"]) == ["MISSING COLUMNS", "INVALID ENCODING"]
    assert rejects["raw_line"].iloc[0].startswith("TRAILER,")
    assert "not utf-8" in rejects["reason"].iloc[1].lower()
    # line numbers are physical lines of the file (header = 1): the trailer follows the last data line
    data_lines = manifest["files"][planted["files"] and list(planted["files"])[0]] - 2
    assert list(rejects["line_number"]) == [data_lines + 2, data_lines + 3]
    assert list(rejects["lines"]) == [1, 1]


def test_a_new_night_loads_only_the_new_file(tmp_path):
    out = tmp_path / "landing"
    generate(out, rows=2000, seed=5, days=45)
    with open_wh(tmp_path / "w.duckdb") as wh:
        load_landing(out, wh)
        before = count(wh, "select count(*) from landing.pos_sales")
        manifest = generate(out, rows=2000, seed=5, extend_days=1)
        night = load_landing(out, wh)
        assert night["landing.pos_sales"] == manifest["files"]["pos_sales/pos_sales_2026-02-18.csv"]
        assert count(wh, "select count(*) from landing.pos_sales") == before + night["landing.pos_sales"]
        assert count(wh, "select count(distinct _load_id) from landing.pos_sales "
                         "where _source_file = 'pos_sales/pos_sales_2026-02-18.csv'") == 1


# Bad files: (file name, content as bytes, what the error must say). Each stops the load, nothing loaded.
BAD_FILES = [
    pytest.param(BAD_DAY, b"", "empty (0 bytes", id="empty-file"),
    pytest.param(BAD_DAY, (HEADER + ",store_name\n" + GOOD.format(n=1) + ",x\n").encode(),
                 "unexpected column store_name", id="extra-column"),
    pytest.param(BAD_DAY, (HEADER.replace(",promo_flag", "") + "\n").encode(), "missing column promo_flag",
                 id="missing-column"),
    pytest.param(BAD_DAY, (HEADER.replace("unit_price", "units") + "\n").encode(),
                 "column units appears 2 times", id="duplicate-header"),
    pytest.param(BAD_DAY, (HEADER.replace("units,unit_price", "unit_price,units") + "\n").encode(),
                 "in another order", id="reordered-columns"),
    pytest.param(BAD_DAY, (HEADER + "\n" + GOOD.format(n=1) + "\n").encode("utf-16"), "looks like UTF-16",
                 id="utf-16"),
    pytest.param(BAD_DAY, (HEADER.replace("sku_id", "sku_idé") + "\n").encode("latin-1"), "header is not UTF-8",
                 id="latin-1-header"),
    pytest.param(BAD_DAY, b"\n" + (HEADER + "\n").encode(), "first line is blank", id="blank-first-line"),
    pytest.param("erp_skus.csv", b"sku_id;sku_name;category;base_price\n", "missing column sku_id",
                 id="wrong-delimiter-master"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_a_bad_file_stops_the_load_naming_file_and_fix(small_landing, tmp_path, name, content, message):
    out, _ = small_landing
    (out / name).write_bytes(content)
    with open_wh(tmp_path / "w.duckdb") as wh:
        with pytest.raises(LandingError) as caught:
            load_landing(out, wh)
        assert not wh.query("select table_name from information_schema.tables where table_schema = 'landing' "
                            "and table_name = 'pos_sales'").empty  # schema made, but no rows
        assert count(wh, "select count(*) from landing.pos_sales") == 0
        assert count(wh, "select count(*) from landing._load_log") == 0
    text = str(caught.value)
    assert name in text and message in text
    assert "expected header:" in text and "run the load again" in text


def test_every_bad_file_is_listed_at_once(small_landing, tmp_path):
    out, _ = small_landing
    (out / "pos_sales/pos_sales_2026-09-01.csv").write_bytes(b"")
    (out / "pos_sales/pos_sales_2026-09-02.csv").write_text(HEADER + ",extra\n")
    with open_wh(tmp_path / "w.duckdb") as wh, pytest.raises(LandingError) as caught:
        load_landing(out, wh)
    assert "pos_sales_2026-09-01.csv: the file is empty" in str(caught.value)
    assert "pos_sales_2026-09-02.csv: unexpected column extra" in str(caught.value)


# Bad lines inside a good file: quarantined in landing._rejects with a reason, the rest loads.
BAD_LINES = [
    pytest.param(["L2,2026-03-01,S0001"], "MISSING COLUMNS", id="too-few-fields"),
    pytest.param(["L2,2026-03-01,S0001,K00001,1,2.5,0,surplus"], "TOO MANY COLUMNS", id="too-many-fields"),
    pytest.param(["L2,2026-03-01,S000\xe9,K00001,1,2.5,0"], "INVALID ENCODING", id="latin-1-line"),
    # DuckDB's line limit is 2 MB; the reject keeps the first 10 000 characters of such a line
    pytest.param(["L2,2026-03-01," + "x" * 3_000_000 + ",K00001,1,2.5,0"], "LINE SIZE OVER MAXIMUM", id="line-over-2-mb"),
    pytest.param(['L2,2026-03-01,S0001,K00001,"1,2.5,0', "L3,2026-03-01,S0001,K00001,1,2.5,0"], "UNQUOTED VALUE",
                 id="unterminated-quote"),
]


@pytest.mark.parametrize(("lines", "error_type"), BAD_LINES)
def test_unreadable_lines_are_quarantined_with_a_reason(small_landing, tmp_path, lines, error_type):
    out, _ = small_landing
    body = "\n".join([HEADER, GOOD.format(n=1), *lines, GOOD.format(n=9)]) + "\n"
    (out / BAD_DAY).write_bytes(body.encode("latin-1"))
    with open_wh(tmp_path / "w.duckdb") as wh:
        load_landing(out, wh)
        loaded = wh.query(f"select line_id from landing.pos_sales where _source_file = '{BAD_DAY}'")
        rejects = wh.query(f"select line_number, error_type, reason, raw_line, lines from landing._rejects "
                           f"where source_file = '{BAD_DAY}'")
    assert len(rejects) == 1 and rejects["error_type"].iloc[0] == error_type
    assert rejects["line_number"].iloc[0] == 3 and rejects["reason"].iloc[0]
    assert rejects["raw_line"].iloc[0].startswith("L2,2026-03-01")
    if len(lines) == 1:
        assert list(loaded["line_id"]) == ["L1", "L9"]  # the good lines around the bad one still load
        assert rejects["lines"].iloc[0] == 1
    else:
        # an unterminated quote runs to the end of the file: every line it swallowed is kept in
        # raw_line and counted in `lines`, so loaded + rejected lines still equals the file's lines
        assert list(loaded["line_id"]) == ["L1"]
        assert "L3," in rejects["raw_line"].iloc[0] and "L9," in rejects["raw_line"].iloc[0]
        assert rejects["lines"].iloc[0] == 3


@pytest.mark.parametrize("content", [
    pytest.param((HEADER + "\n").encode(), id="header-only"),
    pytest.param(codecs.BOM_UTF8 + (HEADER + "\n" + GOOD.format(n=1) + "\n").encode(), id="utf-8-bom"),
    pytest.param((HEADER + "\r\n" + GOOD.format(n=1) + "\r\n").encode(), id="crlf"),
    pytest.param((HEADER + "\n" + GOOD.format(n=1)).encode(), id="no-final-newline"),
])
def test_unusual_but_valid_files_load(small_landing, tmp_path, content):
    out, _ = small_landing
    (out / BAD_DAY).write_bytes(content)
    with open_wh(tmp_path / "w.duckdb") as wh:
        load_landing(out, wh)
        rows = wh.query(f"select line_id, promo_flag from landing.pos_sales where _source_file = '{BAD_DAY}'")
        logged = count(wh, f"select count(*) from landing._load_log where source_file = '{BAD_DAY}'")
    assert logged == 1
    assert rows.to_dict("records") == ([] if content.count(b"\n") <= 1 and b"L1" not in content
                                       else [{"line_id": "L1", "promo_flag": "0"}])


def test_missing_inputs_name_what_is_missing(tmp_path, small_landing):
    out, _ = small_landing
    with open_wh(tmp_path / "w.duckdb") as wh:
        with pytest.raises(FileNotFoundError, match="run `qc-report generate"):
            load_landing(tmp_path / "nowhere", wh)
        os.remove(out / "erp_stores.csv")
        with pytest.raises(FileNotFoundError, match="erp_stores.csv not found: the ERP drop is incomplete"):
            load_landing(out, wh)


def test_an_engine_error_mid_file_rolls_the_file_back(small_landing, tmp_path, monkeypatch):
    out, _ = small_landing
    real = load_module.READERS["duckdb"]
    calls = []

    def failing_reader(wh, load):
        calls.append(load.name)
        rows = real(wh, load)
        if load.name.endswith("2026-01-07.csv"):
            raise RuntimeError("disk full")
        return rows

    monkeypatch.setitem(load_module.READERS, "duckdb", failing_reader)
    with open_wh(tmp_path / "w.duckdb") as wh:
        with pytest.raises(LandingError, match="cannot load pos_sales/pos_sales_2026-01-07.csv: disk full"):
            load_landing(out, wh)
        files = set(wh.query("select distinct _source_file from landing.pos_sales")["_source_file"])
        logged = set(wh.query("select source_file from landing._load_log")["source_file"])
        assert "pos_sales/pos_sales_2026-01-07.csv" not in files | logged
        assert files == {f for f in logged if f.startswith("pos_sales/")}  # every row has its log line
        monkeypatch.setitem(load_module.READERS, "duckdb", real)
        resumed = load_landing(out, wh)  # the next run picks up where it stopped
        assert resumed["landing.pos_sales"] > 0
        assert count(wh, "select count(distinct _source_file) from landing.pos_sales") == 5


@pytest.mark.parametrize(("setup", "message"), [
    pytest.param(lambda out: (out / BAD_DAY).write_bytes(b""), "is empty", id="bad-file"),
    pytest.param(lambda out: os.remove(out / "erp_skus.csv"), "the ERP drop is incomplete", id="missing-master"),
])
def test_cli_load_reports_bad_input_without_traceback(small_landing, tmp_path, setup, message):
    out, _ = small_landing
    setup(out)
    env = {"STRATAQC_DUCKDB_PATH": str(tmp_path / "w.duckdb"),
           "DBT_PROFILES_DIR": str(Path(__file__).resolve().parents[2] / "profiles")}
    result = CliRunner().invoke(app, ["load", "--landing", str(out), "--project-dir",
                                      str(Path(__file__).resolve().parents[2])], env=env)
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert "cannot load" in flat and message in flat
    assert "Traceback" not in result.output
