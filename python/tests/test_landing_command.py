"""strataqc/landing/command.py: `load_apart`, the load `qc-report night` runs in a process of its own
(DuckDB keeps the memory a load used until its process ends; dbt builds next, beside the night)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from strataqc.landing.command import LoadFailed, load_apart
from strataqc.landing.generate import generate
from strataqc.warehouse import Target, Warehouse, WarehouseOptions

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def warehouse_path(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("STRATAQC_DUCKDB_PATH", str(path))
    return path


def _opts() -> WarehouseOptions:
    return WarehouseOptions(project_dir=REPO, profiles_dir=REPO / "profiles", lock_wait=5.0)


def test_the_load_runs_in_a_child_and_tells_its_counts_on_stderr(tmp_path, warehouse_path, capfd):
    generate(tmp_path / "landing", rows=1500, seed=3, days=42)
    load_apart(tmp_path / "landing", _opts())
    out, err = capfd.readouterr()
    assert out == ""  # stdout belongs to the night's report
    assert "landing.pos_sales:" in err and "rows loaded" in err
    wh = Warehouse(Target("strataqc", "duckdb", "duckdb", {"path": str(warehouse_path)}))
    try:
        loaded = int(wh.query("select count(*) from landing.pos_sales").iloc[0, 0])
    finally:
        wh.close()
    told = int(re.search(r"landing\.pos_sales: (\d+) rows loaded", err).group(1))
    assert loaded == told > 1000


def test_a_load_that_fails_says_why_in_one_line(tmp_path, warehouse_path):
    with pytest.raises(LoadFailed) as failed:
        load_apart(tmp_path / "nowhere", _opts())
    message = str(failed.value)
    assert "nowhere" in message and "\n" not in message
    assert not message.startswith("cannot load")  # the night adds its own "cannot load DIR: "
