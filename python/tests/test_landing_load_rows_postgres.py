"""Loading the landing zone on PostgreSQL night after night: the ERP master files are replaced while the
ODS views over them stand (DROP TABLE would refuse: a view depends on it). Needs `scripts/postgres.sh start`
and its exported STRATAQC_PG_* variables (`make test-postgres`)."""

from __future__ import annotations

import pytest
from engine_support import postgres_schema

from strataqc.landing.generate import generate
from strataqc.landing.load import load_landing
from strataqc.landing.preflight import LandingError

pytestmark = pytest.mark.postgres

SCHEMA = "strataqc_landing_reload_test"


@pytest.fixture
def pg():
    yield from postgres_schema(SCHEMA)


def _count(wh, sql: str) -> int:
    return int(wh.query(sql).iloc[0, 0])


def test_a_second_night_replaces_the_masters_under_a_view(pg, tmp_path):
    wh, schema = pg[0], SCHEMA
    out = tmp_path / "landing"
    generate(out, rows=600, seed=3, days=45)
    load_landing(out, wh, schema=schema)
    stores = _count(wh, f"select count(*) from {schema}.erp_stores")
    wh.execute(f"create view {schema}.ods_stores as select store_id, _load_id from {schema}.erp_stores")
    first_id = _count(wh, f"select max(_load_id) from {schema}.ods_stores")

    generate(out, rows=600, seed=3, extend_days=1)
    night = load_landing(out, wh, schema=schema)

    # replaced, not appended: the same stores once, from tonight's load, read through the standing view
    assert night[f"{schema}.erp_stores"] == stores
    assert _count(wh, f"select count(*) from {schema}.ods_stores") == stores
    assert _count(wh, f"select min(_load_id) from {schema}.ods_stores") > first_id
    assert _count(wh, f"select count(distinct _load_id) from {schema}.ods_stores") == 1


def test_a_failed_master_file_leaves_last_nights_rows(pg, tmp_path, monkeypatch):
    wh, schema = pg[0], SCHEMA
    out = tmp_path / "landing"
    generate(out, rows=600, seed=3, days=45)
    load_landing(out, wh, schema=schema)
    stores = _count(wh, f"select count(*) from {schema}.erp_stores")
    generate(out, rows=600, seed=3, extend_days=1)
    from strataqc.landing import load_rows

    def broken(wh_, target, rows):
        raise RuntimeError("disk full")
    monkeypatch.setattr(load_rows, "_insert", broken)
    with pytest.raises(LandingError, match="cannot load erp_stores.csv: disk full. Nothing of this file was loaded"):
        load_landing(out, wh, schema=schema)
    # the emptying ran in the file's transaction: rolled back with it
    assert _count(wh, f"select count(*) from {schema}.erp_stores") == stores
