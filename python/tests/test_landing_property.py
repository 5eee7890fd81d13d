"""Property: for any messy landing batch, every line is accounted for, exactly.

Hypothesis writes batches of one to three daily files mixing well-formed lines with messy values
(blank, NaN/inf, not a number, bad dates, blanks around values, commas and quotes, repeated and
blank line_ids) and unreadable lines (too few or too many fields, bytes that are not UTF-8). The
batch goes through the real loader and the DWD SQL as dbt compiles it, and then:
  lines written = rows landed + lines quarantined by the loader, and
  rows landed = clean + rejected + duplicates removed, per load and in total,
with the duplicates counted independently here.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strataqc.landing.generate import SALES_COLUMNS, SKU_COLUMNS, STORE_COLUMNS
from strataqc.landing.load import load_landing
from strataqc.warehouse import Target, Warehouse

pytestmark = pytest.mark.dbt

DWD_MODELS = ["ods_pos__sales", "dwd_sales", "dwd_sales__rejected", "dwd_sales__reconciliation"]
SCHEMAS = {"ods_pos__sales": "ods", "dwd_sales": "dwd", "dwd_sales__rejected": "dwd",
           "dwd_sales__reconciliation": "dwd"}

LINE_IDS = ["L1", "L2", "L3", " L1", "", "  ", 'L"4', "L,5", "L\n6"]
FIELD_VALUES = {
    "sale_date": ["2026-03-01", "2026-03-02", " 2026-03-03 ", "", "2026-02-30", "31/12/2025", "yesterday", "2026-3-1",
                  "1900-01-01", "2099-12-31"],
    "store_id": ["S0001", "S0002", "", " S0003 "],
    "sku_id": ["K00001", "K00002", ""],
    "units": ["1", "0", "-3", "", "NaN", "inf", "-Infinity", "1.5", "12a", " 7 ", "1e3", "99999999999", "+2"],
    "unit_price": ["2.50", "", "NaN", "inf", "abc", "1,5", "-0.0", " 3 ", "1e2"],
    "promo_flag": ["0", "1", "", "2", "yes", " 1"],
}
# printable text, no line breaks or NUL: anything a till might put in a field
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6)
UNREADABLE = [b"a,b", b"x,2026-03-01,S0001,K00001,1,2.5,0,surplus", b"y\xe9,2026-03-01,S0001,K00001,1,2.5,0",
              b"z,2026-03-01,S0001,K00001,1,\xff\xfe,0"]


def field(name: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(FIELD_VALUES[name]), ANY_TEXT) if name != "sale_date" else \
        st.sampled_from(FIELD_VALUES[name])


ROW = st.tuples(st.sampled_from(LINE_IDS), *(field(c) for c in SALES_COLUMNS[1:]))
LINE = st.one_of(ROW.map(lambda r: ("row", r)), ROW.map(lambda r: ("row", r)), st.sampled_from(UNREADABLE).map(
    lambda raw: ("raw", raw)))
BATCH = st.lists(st.lists(LINE, max_size=12), min_size=1, max_size=3)


def write_file(path: Path, lines: list[tuple[str, object]]) -> None:
    buffer = io.BytesIO()
    buffer.write((",".join(SALES_COLUMNS) + "\n").encode())
    for kind, value in lines:
        if kind == "raw":
            buffer.write(value + b"\n")
        else:
            text = io.StringIO()
            csv.writer(text, lineterminator="\n").writerow(value)
            buffer.write(text.getvalue().encode("utf-8"))
    path.write_bytes(buffer.getvalue())


def expected_duplicates(batch: list[list[tuple[str, object]]]) -> list[int]:
    """Per file: rows whose line_id (not blank) landed before, in load order."""
    seen, counts = set(), []
    for lines in batch:
        n = 0
        for kind, value in lines:
            if kind == "row" and value[0].strip():
                n += value[0] in seen
                seen.add(value[0])
        counts.append(n)
    return counts


@pytest.fixture(scope="module")
def compiled_dwd(demo_night, tmp_path_factory) -> dict[str, str]:
    """The ODS/DWD models' SQL exactly as dbt compiled it for the demo night's first (full) run.

    The compiled SQL names the demo night's database (the DuckDB file's stem), so the scratch
    warehouse here gets a file of the same name, in a directory of its own.
    """
    compiled = {}
    for name in DWD_MODELS:
        path = next((demo_night.target_path / "compiled" / "strataqc" / "models").rglob(f"{name}.sql"))
        compiled[name] = path.read_text()
        assert "_load_id >" not in compiled[name]  # the full-run branch, not the incremental one
    db = tmp_path_factory.mktemp("property") / demo_night.duckdb_path.name
    return {"db": str(db), **compiled}


def masters(landing: Path) -> None:
    landing.mkdir(parents=True)
    (landing / "pos_sales").mkdir()
    (landing / "erp_stores.csv").write_text(",".join(STORE_COLUMNS) + "\nS0001,Store,North,100,2020-01-01\n")
    (landing / "erp_skus.csv").write_text(",".join(SKU_COLUMNS) + "\nK00001,Milk,Dairy,1.00\n")


def build_batch(compiled: dict[str, str], batch: list[list[tuple[str, object]]]) -> dict:
    """Write the batch as daily files 2026-03-01, -02, …, load it and build ODS/DWD on it."""
    scratch = Path(tempfile.mkdtemp(prefix="strataqc-prop-"))
    try:
        landing = scratch / "landing"
        masters(landing)
        for day, lines in enumerate(batch, start=1):
            write_file(landing / "pos_sales" / f"pos_sales_2026-03-{day:02d}.csv", lines)
        with Warehouse(Target("strataqc", "duckdb", "duckdb", {"path": compiled["db"]})) as wh:
            for schema in ("landing", "ods", "dwd"):
                wh.execute(f"drop schema if exists {schema} cascade")
            out = {"summary": load_landing(landing, wh)}
            wh.execute("create schema ods")
            wh.execute("create schema dwd")
            for name in DWD_MODELS:
                kind = "view" if name.startswith("ods") else "table"
                wh.execute(f"create {kind} {SCHEMAS[name]}.{name} as {compiled[name]}")
            out["recon"] = wh.query("select _source_file, landed_rows, clean_rows, rejected_rows, duplicates_removed, "
                                    "unexplained_rows from dwd.dwd_sales__reconciliation order by _load_id")
            out["rejected_lines"] = int(wh.query("select coalesce(sum(lines), 0) as n from landing._rejects").iloc[0, 0])
            out["clean"] = wh.query("select count(*) as n, count(distinct line_id) as ids, count(*) filter "
                                    "(where sale_date is null or units is null or trim(line_id) = '') as bad "
                                    "from dwd.dwd_sales")
            out["reasons"] = dict(wh.query("select line_id, reject_reason from dwd.dwd_sales__rejected").values.tolist())
            return out
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(batch=BATCH)
def test_every_landed_line_is_clean_rejected_or_a_removed_duplicate(compiled_dwd, batch):
    built = build_batch(compiled_dwd, batch)
    summary, recon, rejected_lines, clean = built["summary"], built["recon"], built["rejected_lines"], built["clean"]
    unexplained_reasons = sum(reason is None for reason in built["reasons"].values())

    rows = [sum(kind == "row" for kind, _ in lines) for lines in batch]
    raw = [sum(kind == "raw" for kind, _ in lines) for lines in batch]
    # the loader: every line written is landed or quarantined
    assert summary["landing.pos_sales"] == sum(rows)
    assert summary["landing._rejects"] == rejected_lines == sum(raw)
    # DWD: per load, landed = clean + rejected + duplicates removed, with the duplicates we count here
    landed_files = [f for f, n in zip(sorted(p for p in range(len(batch))), rows) if n]
    assert len(recon) == len(landed_files)
    by_file = {r["_source_file"]: r for r in recon.to_dict("records")}
    for day, (n_rows, dups) in enumerate(zip(rows, expected_duplicates(batch)), start=1):
        if not n_rows:
            continue
        r = by_file[f"pos_sales/pos_sales_2026-03-{day:02d}.csv"]
        assert r["landed_rows"] == n_rows
        assert r["landed_rows"] == r["clean_rows"] + r["rejected_rows"] + r["duplicates_removed"]
        assert r["duplicates_removed"] == dups and r["unexplained_rows"] == 0
    # the clean lines really are clean and unique; every rejected line says why
    assert clean["n"].iloc[0] == clean["ids"].iloc[0] and clean["bad"].iloc[0] == 0
    assert unexplained_reasons == 0


@pytest.mark.parametrize(("sale_date", "reason"), [
    pytest.param("2026-03-02", None, id="the-file-day"),
    pytest.param("2026-02-28", None, id="late-inside-the-window"),
    pytest.param("2026-02-27", "sale_date older than the reprocessing window", id="late-outside-the-window"),
    pytest.param("1900-01-01", "sale_date older than the reprocessing window", id="a-century-back"),
    pytest.param("2026-03-03", "sale_date after the file's business day", id="tomorrow"),
    pytest.param("2026-02-30", "sale_date not a date", id="not-a-date"),
])
def test_a_sale_date_outside_the_files_window_is_quarantined(compiled_dwd, sale_date, reason):
    # a far date would stretch the daily spine across decades; an old one would be missed by the
    # nightly daily model (it rebuilds only strataqc_reprocess_days back): both are quarantined
    line = ("row", ("L1", sale_date, "S0001", "K00001", "1", "2.50", "0"))
    built = build_batch(compiled_dwd, [[], [line]])  # the line arrives in the file of 2026-03-02
    assert built["reasons"].get("L1") == reason
    assert int(built["clean"]["n"].iloc[0]) == (1 if reason is None else 0)
