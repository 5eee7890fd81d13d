"""The predictions table: one row per predict row with its source, through DuckDB's frame path and
through the portable INSERT path other engines take."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from strataqc.model.predictions import predictions_relation, write_predictions
from strataqc.warehouse import Target, Warehouse


class PortableOnly:
    """A warehouse without DuckDB's in-place frame reading: forces the INSERT ... VALUES path."""

    def __init__(self, wh: Warehouse):
        self.dialect = wh.dialect
        self.execute = wh.execute


@pytest.mark.parametrize("portable", [False, True], ids=["duckdb-frame", "portable-insert"])
def test_model_predictions_table_replaced_with_source_and_ids(tmp_path, portable):
    ids = pd.DataFrame({"store_id": ["S1", "S'2", "S3"],
                        "date_day": pd.to_datetime(["2026-03-23", "2026-03-24", "2026-03-25"])})
    with Warehouse(Target("strataqc", "t", "duckdb", {"path": str(tmp_path / "w.duckdb")})) as wh:
        target = predictions_relation('"w"."ads"."feat"', "feat", "ads.feat_predictions")
        writer = PortableOnly(wh) if portable else wh
        write_predictions(writer, target, ids, np.array([1.5, 2.0, 3.25]), "model", "v0001")
        # a second night replaces the first
        written = write_predictions(writer, target, ids, np.array([7.0, np.nan, 9.0]), "baseline", "moving_average")
        out = wh.query("select * from ads.feat_predictions order by store_id")
        types = dict(wh.query("select column_name, data_type from information_schema.columns "
                              "where table_name = 'feat_predictions'").values)
    assert written == 3 and len(out) == 3
    assert out["store_id"].tolist() == ["S'2", "S1", "S3"]
    assert out["source"].unique().tolist() == ["baseline"] and out["forecaster"].unique().tolist() == ["moving_average"]
    assert out["prediction"].isna().tolist() == [True, False, False]
    assert types["date_day"] == "DATE" and types["prediction"] == "DOUBLE" and types["generated_at"] == "TIMESTAMP"


def test_model_predictions_default_table_sits_beside_the_model():
    table = predictions_relation('"db"."ads"."ads_demand_features"', "ads_demand_features", None)
    assert table.sql(dialect="duckdb") == '"db"."ads"."ads_demand_features_predictions"'


def test_date_objects_as_postgresql_returns_them_are_written_as_dates():
    import datetime as dt

    from strataqc.model.predictions import _sql_type

    assert _sql_type(pd.Series([dt.date(2026, 3, 1), None, dt.date(2026, 3, 2)], dtype=object)) == "date"
    assert _sql_type(pd.Series([dt.datetime(2026, 3, 1, 6, 30)], dtype=object)) == "timestamp"
    assert _sql_type(pd.Series(["2026-03-01"], dtype=object)) == "varchar"
