"""Planted incidents: each kind changes tonight's delivery as it says and is recorded in the manifest."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyarrow.csv as pacsv
import pytest
from typer.testing import CliRunner

from strataqc.cli import app
from strataqc.landing.generate import SALES_COLUMNS, generate, sales_file
from strataqc.landing.incidents import KINDS, LATE_DIR, IncidentError, parse_incident, redeliver

ROWS = 3000


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("base")
    generate(out, rows=ROWS, seed=11)
    return out


@pytest.fixture
def landing(base, tmp_path) -> Path:
    copy = tmp_path / "landing"
    shutil.copytree(base, copy)
    return copy


def tonight(out: Path, manifest: dict) -> list[dict]:
    import datetime as dt

    path = out / sales_file(dt.date.fromisoformat(manifest["generator"]["end_date"]))
    options = pacsv.ConvertOptions(column_types={c: "string" for c in SALES_COLUMNS}, strings_can_be_null=False)
    text = b"".join(line for line in path.read_bytes().splitlines(keepends=True)
                    if not line.startswith(b"TRAILER") and b"S9999" not in line)
    return pacsv.read_csv(__import__("io").BytesIO(text), convert_options=options).to_pylist()


def quiet_night(base: Path, tmp_path: Path) -> tuple[list[dict], dict]:
    clean = tmp_path / "clean"
    shutil.copytree(base, clean)
    manifest = generate(clean, extend_days=1)
    return tonight(clean, manifest), manifest


def test_a_night_without_incident_plants_nothing_new(landing, base, tmp_path):
    manifest = generate(landing, extend_days=1)
    assert manifest["incidents"] == [] and manifest["late_files"] == {}
    again = tmp_path / "again"
    shutil.copytree(base, again)
    generate(again, extend_days=1, incidents=[])
    digest = lambda d: {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob("*.csv"))}  # noqa: E731
    assert digest(landing) == digest(again)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_plants_with_its_defaults_and_is_recorded(landing, kind):
    manifest = generate(landing, extend_days=1, incidents=[kind])
    [record] = manifest["incidents"]
    k = KINDS[kind]
    assert (record["kind"], record["night"], record["model"], record["layer"]) == (kind, 1, k.model, k.layer)
    assert record["rows"] > 0 and record["options"] == k.defaults
    assert record["checks"] == list(k.catches) or record["missing_check"]  # caught by a check, or says which is missing


def test_null_spike_empties_the_share_asked(landing, base, tmp_path):
    manifest = generate(landing, extend_days=1, incidents=["null_spike:share=0.5"])
    lines, (quiet, _) = tonight(landing, manifest), quiet_night(base, tmp_path)
    empty, before = sum(r["unit_price"] == "" for r in lines), sum(r["unit_price"] == "" for r in quiet)
    assert empty - before == manifest["incidents"][0]["rows"] and empty > len(lines) * 0.45
    # the everyday ledger counts them too, so `expected` row counts stay exact
    ledger = {d["kind"]: d["rows"] for d in manifest["defects"]}
    plain = {d["kind"]: d["rows"] for d in quiet_night(base, tmp_path / "q2")[1]["defects"]}
    assert ledger["unit_price_empty"] - plain["unit_price_empty"] == manifest["incidents"][0]["rows"]


def test_store_silent_sends_no_line_of_that_store(landing):
    manifest = generate(landing, extend_days=1, incidents=["store_silent:store=S0003"])
    stores = {r["store_id"] for r in tonight(landing, manifest)}
    assert "S0003" not in stores and "S0002" in stores


def test_price_unit_change_multiplies_one_stores_prices(landing, base, tmp_path):
    manifest = generate(landing, extend_days=1, incidents=["price_unit_change"])
    quiet, _ = quiet_night(base, tmp_path)
    now = {r["line_id"]: r["unit_price"] for r in tonight(landing, manifest) if r["store_id"] == "S0003"}
    was = {r["line_id"]: r["unit_price"] for r in quiet if r["store_id"] == "S0003"}
    changed = [k for k in now if now[k] != was[k]]
    assert changed and all(float(now[k]) == pytest.approx(float(was[k]) * 100, abs=0.01) for k in changed)


def test_late_file_waits_a_night_then_arrives(landing):
    late = generate(landing, extend_days=1, incidents=["late_file"])
    [name] = late["late_files"]
    assert not (landing / name).exists() and (landing / LATE_DIR / name).exists() and name not in late["files"]
    after = generate(landing, extend_days=1)
    assert (landing / name).exists() and name in after["files"] and after["late_files"] == {}


def test_schema_drift_renames_the_header_and_a_redelivery_restores_it(landing):
    manifest = generate(landing, extend_days=1, incidents=["schema_drift:column=units,to=qty"])
    [record] = manifest["incidents"]
    path = landing / sales_file(__import__("datetime").date.fromisoformat(record["date"]))
    assert path.read_text().splitlines()[0].split(",")[4] == '"qty"'
    assert redeliver(landing, record) and path.read_text().splitlines()[0].split(",")[4] == '"units"'


def test_category_renamed_changes_the_master_file_from_tonight(landing):
    generate(landing, extend_days=1, incidents=["category_renamed:category=Frozen,to=Frozen Foods"])
    categories = {r["category"] for r in pacsv.read_csv(landing / "erp_skus.csv").to_pylist()}
    assert "Frozen Foods" in categories and "Frozen" not in categories


@pytest.mark.parametrize(("text", "says"), [
    pytest.param("bogus", "unknown kind 'bogus'", id="unknown-kind"),
    pytest.param("null_spike:shares=0.2", "'shares=0.2' is not an option of null_spike; options: column=", id="bad-key"),
    pytest.param("null_spike:share=lots", "share=lots is not a float", id="bad-value"),
])
def test_bad_incident_names_the_option_and_the_fix(text, says):
    with pytest.raises(IncidentError, match=__import__("re").escape(says)):
        parse_incident(text)


def test_cli_lists_the_catalogue_and_refuses_bad_input_without_traceback(landing):
    listed = CliRunner().invoke(app, ["generate", "--list-incidents"])
    assert listed.exit_code == 0 and all(f"\n{k}" in "\n" + listed.stdout for k in KINDS)
    bad = CliRunner().invoke(app, ["generate", "--out", str(landing), "--extend-days", "1",
                                   "--incident", "store_silent:store=S9999"])
    assert bad.exit_code == 2 and "store_silent: store=S9999 sends no lines" in bad.stderr
    assert "Traceback" not in bad.output
    alone = CliRunner().invoke(app, ["generate", "--out", str(landing), "--incident", "null_spike"])
    assert alone.exit_code == 2 and "use it with --extend-days 1" in alone.stderr
    planted = CliRunner().invoke(app, ["generate", "--out", str(landing), "--extend-days", "1",
                                       "--incident", "duplicate_burst"])
    assert planted.exit_code == 0 and "planted duplicate_burst" in planted.stdout
    assert json.loads((landing / "manifest.json").read_text())["incidents"][0]["kind"] == "duplicate_burst"
